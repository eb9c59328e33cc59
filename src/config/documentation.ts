// The README's settings table, made from the schema: what the documentation says is what the loader does.
import { SCHEMA } from './schema.js';
import { flatten, type Setting } from './setting.js';

export function settingsTable(): string {
  const rows = flatten(SCHEMA).map(({ path, setting }) => `| \`${path}\` | ${setting.env ? `\`${setting.env}\`` : '—'} | ${shownDefault(setting)} | ${setting.scope === 'account' ? 'yes' : ''} | ${setting.doc} |`);
  return ['| key | environment variable | default | per account | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

function shownDefault(setting: Setting<unknown>): string {
  if (setting.shownDefault !== undefined) return setting.shownDefault;
  const value = setting.default;
  if (value === null) return '—';
  if (Array.isArray(value)) return value.map((v) => `\`${String(v)}\``).join(', ');
  return `\`${String(value)}\``;
}
