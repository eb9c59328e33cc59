// Every kind of destination, one line each. The config schema takes their settings from here, the commands their
// sign-in and revoke, the dry run their costs.
import type { Parse, Section, Values } from '../config/setting.js';
import { dropbox } from './dropbox/plugin.js';
import { googleDrive } from './gdrive/plugin.js';
import { localFolder } from './local/plugin.js';
import { oneDrive } from './onedrive/plugin.js';
import type { DestinationPlugin, DestinationSpec } from './plugin.js';

export const DESTINATIONS = {
  local: localFolder,
  gdrive: googleDrive,
  onedrive: oneDrive,
  dropbox,
} as const;

type Plugins = typeof DESTINATIONS;
export type Scheme = keyof Plugins;

/** Each plugin's settings under its scheme: `gdrive.clientId`, … */
export const DESTINATION_SETTINGS = Object.fromEntries(
  Object.entries(DESTINATIONS)
    .filter(([, plugin]) => Object.keys(plugin.settings).length > 0)
    .map(([scheme, plugin]) => [scheme, plugin.settings]),
) as { readonly [K in Scheme as keyof Plugins[K]['settings'] extends never ? never : K]: Plugins[K]['settings'] };

export type DestinationSettingsValues = Values<typeof DESTINATION_SETTINGS>;

export function pluginFor(scheme: string): DestinationPlugin<Section> {
  const plugin = (DESTINATIONS as Record<string, DestinationPlugin<Section>>)[scheme];
  if (!plugin) throw new Error(`no destination kind "${scheme}"`);
  return plugin;
}

export function allPlugins(): DestinationPlugin<Section>[] {
  return Object.values(DESTINATIONS) as DestinationPlugin<Section>[];
}

/** The plugin whose `backup auth <command>` this is. */
export function pluginForCommand(command: string): DestinationPlugin<Section> | null {
  return allPlugins().find((p) => p.command === command) ?? null;
}

/** A plugin's own settings out of the whole settings object (`{}` for one without any). */
export function settingsFor(plugin: DestinationPlugin<Section>, all: object): Values<Section> {
  return ((all as Record<string, unknown>)[plugin.scheme] ?? {}) as Values<Section>;
}

/** "gdrive", "gdrive:<id>", "local:/srv/backup" → a spec its plugin has checked. */
export const parseDestinationSpec: Parse<DestinationSpec> = (raw, context) => {
  const usage = `must be ${allPlugins().map((p) => p.usage).join(', or ')}`;
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error(usage);
  const value = raw.trim();
  const colon = value.indexOf(':');
  const scheme = colon < 0 ? value : value.slice(0, colon);
  const plugin = allPlugins().find((p) => p.scheme === scheme);
  if (!plugin) throw new Error(usage);
  const target = colon < 0 ? null : value.slice(colon + 1);
  return { scheme, target: plugin.parseTarget(target === '' ? null : target, context.cwd) };
};
