import { loadConfig } from '../config/config.js';
import { googleDriveIds } from '../destinations/create.js';
import { loadCredentials, oauthClientSettings, saveCredentials } from '../destinations/gdrive/credentials.js';
import { googleDriveDestination } from '../destinations/gdrive/googleDrive.js';
import { createOAuthClient, signedInClient } from '../destinations/gdrive/oauth.js';
import { signIn } from '../destinations/gdrive/signIn.js';
import { Ledger } from '../ledger/ledger.js';
import { systemClock } from '../lib/clock.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { flushLogger } from '../lib/logger.js';
import { registerSecret } from '../lib/secrets.js';
import { reportFailure } from './failure.js';
import { setupLogger } from './setup.js';

/**
 * `backup auth google`: signs in (or, with GOOGLE_REFRESH_TOKEN set, checks that token), saves the refresh token
 * in the data dir (0600), confirms access, and lifts a revocation so the next run resumes where the last one stopped.
 */
export async function authCommand(provider: string, options: { port?: string }): Promise<ExitCode> {
  if (provider !== 'google') throw new UsageError(`unknown provider "${provider}": only "google" is supported`);
  const config = loadConfig();
  const logger = setupLogger(config, true);
  let ledger: Ledger | null = null;
  try {
    const port = options.port === undefined ? 0 : Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (got ${JSON.stringify(options.port)})`);
    const settings = oauthClientSettings(config);
    if (!config.gdrive.refreshToken) {
      const refreshToken = await signIn((redirectUri) => createOAuthClient(config, settings, redirectUri), { say: (t) => process.stdout.write(`${t}\n`), input: process.stdin }, port);
      registerSecret(refreshToken);
      saveCredentials(config.dataDir, { ...settings, refreshToken });
    }
    const credentials = loadCredentials(config);
    const drive = googleDriveDestination({
      auth: signedInClient(config, credentials),
      rootUrl: config.gdrive.apiRootUrl,
      parentFolderId: config.gdrive.parentFolderId,
      writesPerSecond: config.gdrive.writesPerSecond,
      folders: { get: () => null, save: () => undefined },
      clock: systemClock,
      logger,
    });
    const about = await drive.api.read('about', (o) => drive.api.about.get({ fields: 'user(emailAddress)' }, o));
    ledger = Ledger.open(config.dataDir);
    const ids = googleDriveIds(config);
    const wasRevoked = ids.some((id) => ledger!.revokedAt(id) !== null);
    for (const id of ids) ledger.setRevoked(id, null);
    const where = config.destinations.some((d) => d.type === 'gdrive') ? 'backups go there' : 'add "gdrive" to BACKUP_DESTINATION to back up there';
    process.stdout.write(`Signed in to Google Drive as ${about.data.user?.emailAddress ?? 'unknown'}; ${where}.${wasRevoked ? ' The revocation is lifted: the next run resumes where the last one stopped.' : ''}\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportFailure(logger, error);
  } finally {
    ledger?.close();
    await flushLogger(logger);
  }
}
