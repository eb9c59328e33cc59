import { loadConfig } from '../config/config.js';
import { CREDENTIALS_FILE, forgetCredentials, loadCredentials } from '../destinations/gdrive/credentials.js';
import { googleDriveIds } from '../destinations/create.js';
import { createOAuthClient } from '../destinations/gdrive/oauth.js';
import { Ledger } from '../ledger/ledger.js';
import { BackupError, ExitCode, errorMessage } from '../lib/errors.js';
import { flushLogger } from '../lib/logger.js';
import { reportFailure } from './failure.js';
import { setupLogger } from './setup.js';

/**
 * `backup revoke`: revokes the Google token at Google, forgets it here, and marks the backup revoked in the ledger,
 * so every later run exits 5 until `backup auth google`. Nothing in Drive is touched.
 */
export async function revokeCommand(): Promise<ExitCode> {
  const config = loadConfig();
  const logger = setupLogger(config, true);
  let ledger: Ledger | null = null;
  try {
    const ids = googleDriveIds(config);
    let revokedAtGoogle = false;
    try {
      const credentials = loadCredentials(config);
      await createOAuthClient(config, credentials).revokeToken(credentials.refreshToken);
      revokedAtGoogle = true;
    } catch (error) {
      // Already dead or never signed in: there is nothing at Google to revoke, and the local state still changes.
      logger.warn(`Google did not revoke a token: ${error instanceof BackupError ? error.message : errorMessage(error)}`);
    }
    const forgotten = forgetCredentials(config.dataDir);
    ledger = Ledger.open(config.dataDir);
    for (const id of ids) ledger.setRevoked(id, Date.now());
    process.stdout.write(
      `${revokedAtGoogle ? 'Access revoked at Google' : 'Nothing to revoke at Google'}; ${forgotten ? `${CREDENTIALS_FILE} removed` : 'no saved sign-in'}; ` +
        `the backup to ${ids.join(', ')} is stopped. Files already in Drive stay there. Run \`backup auth google\` to resume.\n` +
        (config.gdrive.refreshToken ? 'GOOGLE_REFRESH_TOKEN is set in the environment: remove it too.\n' : ''),
    );
    return ExitCode.ok;
  } catch (error) {
    return reportFailure(logger, error);
  } finally {
    ledger?.close();
    await flushLogger(logger);
  }
}
