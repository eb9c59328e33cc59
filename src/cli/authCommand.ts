import type { Section } from '../config/setting.js';
import { destinationId } from '../destinations/create.js';
import type { DestinationPlugin } from '../destinations/plugin.js';
import { allPlugins, pluginForCommand, settingsFor } from '../destinations/registry.js';
import { Ledger } from '../ledger/ledger.js';
import { systemClock } from '../lib/clock.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { withSession, type Session } from './session.js';
import { ledgerExists } from './setup.js';

/** The names `backup auth` and `backup revoke` take. */
export function signInCommands(): string[] {
  return allPlugins().flatMap((p) => (p.command && p.signIn ? [p.command] : []));
}

export function pluginNamed(provider: string): DestinationPlugin<Section> {
  const plugin = pluginForCommand(provider);
  if (!plugin?.signIn) throw new UsageError(`unknown provider "${provider}": one of ${signInCommands().map((c) => `"${c}"`).join(', ')}`);
  return plugin;
}

/**
 * `backup auth <provider>`: signs in (or checks the sign-in the environment holds), saves it in the data dir
 * (owner-only), says which account it is, and lifts a revocation: the next run resumes where the last one stopped.
 */
export async function authCommand(provider: string, options: { port?: string }): Promise<ExitCode> {
  const plugin = pluginNamed(provider);
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port must be a port number (got ${JSON.stringify(options.port)})`);
  return withSession({ logFile: true }, async (session) => {
    const { settings } = session.installation;
    const message = await plugin.signIn!({
      settings: settingsFor(plugin, settings),
      dataDir: settings.dataDir,
      specs: session.installation.accounts.flatMap((a) => a.destinations.filter((d) => d.scheme === plugin.scheme)),
      io: { say: (text) => process.stdout.write(`${text}\n`), input: process.stdin },
      options: { port },
      clock: systemClock,
      logger: session.logger,
    });
    const lifted = markRevoked(session, plugin, null);
    process.stdout.write(`${message}${lifted.length > 0 ? ' The revocation is lifted: the next run resumes where the last one stopped.' : ''}\n`);
    return ExitCode.ok;
  });
}

/**
 * Marks every configured destination of this plugin revoked (a time) or usable again (null), in each account's
 * ledger. Returns the ids whose state changed.
 */
export function markRevoked(session: Session, plugin: DestinationPlugin<Section>, at: number | null): string[] {
  const changed: string[] = [];
  for (const config of session.installation.accounts) {
    const ids = [...new Set(config.destinations.filter((d) => d.scheme === plugin.scheme).map((d) => destinationId(d, config)))];
    if (ids.length === 0 || (at === null && !ledgerExists(config))) continue;
    const ledger = Ledger.open(config.dataDir);
    try {
      for (const id of ids) {
        if ((ledger.revokedAt(id) !== null) === (at !== null)) continue;
        ledger.setRevoked(id, at);
        changed.push(id);
      }
    } finally {
      ledger.close();
    }
  }
  return changed;
}
