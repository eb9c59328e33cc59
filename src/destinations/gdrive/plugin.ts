import { createHash } from 'node:crypto';
import { definePlugin } from '../plugin.js';
import { hasSavedCredentials, loadCredentials, oauthClientSettings, saveCredentials, CREDENTIALS_FILE } from './credentials.js';
import { revokeSignIn } from '../savedSignIn.js';
import { drivePacer } from './driveApi.js';
import { googleDriveDestination, googleDriveId } from './googleDrive.js';
import { createOAuthClient, signedInClient } from './oauth.js';
import { googleDriveSettings } from './settings.js';
import { signIn } from './signIn.js';
import { registerSecret } from '../../lib/secrets.js';
import { systemClock } from '../../lib/clock.js';

const IDS_PER_REQUEST = 100;

/** The owner's Google Drive (drive.file scope): `gdrive`, or `gdrive:<parent folder id>`. */
export const googleDrive = definePlugin({
  scheme: 'gdrive',
  title: 'Google Drive',
  usage: '"gdrive", "gdrive:<parent folder id>"',
  settings: googleDriveSettings,
  command: 'google',

  parseTarget(target) {
    if (target !== null && !/^[A-Za-z0-9_-]+$/.test(target)) throw new Error('must be "gdrive" or "gdrive:<parent folder id>" (a Drive folder id: letters, digits, - and _)');
    return target;
  },

  id: (spec, settings) => googleDriveId(spec.target ?? settings.parentFolderId),

  create(spec, { settings, dataDir, ledger, clock, logger, shared }) {
    const credentials = loadCredentials(settings, dataDir);
    const id = googleDriveId(spec.target ?? settings.parentFolderId);
    // One Google account, one write budget: every destination and account signed in with it shares one pacer.
    const account = createHash('sha256').update(credentials.refreshToken).digest('hex');
    return googleDriveDestination({
      auth: signedInClient(settings, dataDir, credentials),
      rootUrl: settings.apiRootUrl,
      parentFolderId: spec.target ?? settings.parentFolderId,
      writes: shared.get(`gdrive-writes:${account}`, () => drivePacer(settings.writesPerSecond, clock)),
      folders: { get: (p) => ledger.folder(id, p), save: (p, folderId, confirmed) => ledger.saveFolder(id, p, folderId, confirmed) },
      clock,
      logger,
    });
  },

  async signIn({ settings, dataDir, specs, io, options, logger }) {
    const client = oauthClientSettings(settings, dataDir);
    if (!settings.refreshToken) {
      const refreshToken = await signIn((redirectUri) => createOAuthClient(settings, client, redirectUri), io, options.port ?? 0);
      registerSecret(refreshToken);
      saveCredentials(dataDir, { ...client, refreshToken });
    }
    const drive = googleDriveDestination({
      auth: signedInClient(settings, dataDir, loadCredentials(settings, dataDir)),
      rootUrl: settings.apiRootUrl,
      parentFolderId: settings.parentFolderId,
      writes: drivePacer(0, systemClock),
      folders: { get: () => null, save: () => undefined },
      clock: systemClock,
      logger,
    });
    const about = await drive.api.read('about', (o) => drive.api.about.get({ fields: 'user(emailAddress)' }, o));
    const where = specs.length > 0 ? 'backups go there' : 'add "gdrive" to BACKUP_DESTINATION to back up there';
    return `Signed in to Google Drive as ${about.data.user?.emailAddress ?? 'unknown'}; ${where}.`;
  },

  revoke: ({ settings, dataDir, logger }) =>
    revokeSignIn({
      provider: 'Google',
      dataDir,
      file: CREDENTIALS_FILE,
      fromEnvironment: settings.refreshToken ? 'GOOGLE_REFRESH_TOKEN' : null,
      logger,
      async revoke() {
        const credentials = loadCredentials(settings, dataDir);
        await createOAuthClient(settings, credentials).revokeToken(credentials.refreshToken);
      },
    }),

  signedIn: ({ settings, dataDir }) => Boolean(settings.refreshToken) || hasSavedCredentials(dataDir),

  cost({ settings, files, newFolders }) {
    // An upload per file; a search, a create and a second search per new folder; ids a hundred at a time; one
    // sign-in check.
    const writes = files + newFolders;
    return {
      requests: writes + 2 * newFolders + Math.ceil(files / IDS_PER_REQUEST) + 1,
      seconds: settings.writesPerSecond > 0 ? writes / settings.writesPerSecond : 0,
      pace: `${settings.writesPerSecond} writes/s`,
    };
  },
});
