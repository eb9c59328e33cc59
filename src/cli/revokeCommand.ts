import { allPlugins, settingsFor } from '../destinations/registry.js';
import { ExitCode } from '../lib/errors.js';
import { markRevoked, pluginNamed } from './authCommand.js';
import { withSession } from './session.js';

/**
 * `backup revoke [provider]`: forgets the sign-in (revoking it at the provider where it can be), and marks the
 * backup there revoked, so every later run exits 5 until `backup auth <provider>`. Nothing at the destination is
 * touched. Without a provider: every remote destination that is signed in or configured.
 */
export async function revokeCommand(provider?: string): Promise<ExitCode> {
  const chosen = provider === undefined ? null : pluginNamed(provider);
  return withSession({ logFile: true }, async (session) => {
    const { settings } = session.installation;
    const configured = (scheme: string) => session.installation.accounts.some((a) => a.destinations.some((d) => d.scheme === scheme));
    const plugins = chosen
      ? [chosen]
      : allPlugins().filter((p) => p.revoke && (configured(p.scheme) || p.signedIn?.({ settings: settingsFor(p, settings), dataDir: settings.dataDir })));
    if (plugins.length === 0) {
      process.stdout.write('Nothing to revoke: no remote destination is signed in or configured.\n');
      return ExitCode.ok;
    }
    for (const plugin of plugins) {
      const said = await plugin.revoke!({ settings: settingsFor(plugin, settings), dataDir: settings.dataDir, io: { say: (t) => process.stdout.write(`${t}\n`), input: null }, logger: session.logger });
      const stopped = markRevoked(session, plugin, Date.now());
      const where = stopped.length > 0 ? ` The backup to ${stopped.join(', ')} is stopped; what is stored there stays.` : '';
      process.stdout.write(`${plugin.title}: ${said}${where} Run \`backup auth ${plugin.command}\` to resume.\n`);
    }
    return ExitCode.ok;
  });
}
