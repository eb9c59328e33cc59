import { createHash } from 'node:crypto';
import { definePlugin } from '../plugin.js';
import { revokeSignIn } from '../savedSignIn.js';
import { appKeyOf, CREDENTIALS_FILE, hasSavedCredentials, loadCredentials, saveCredentials, type DropboxCredentials } from './credentials.js';
import { dropboxDestination, dropboxId } from './dropbox.js';
import { DropboxApi } from './dropboxApi.js';
import { INVENTORY_BATCH } from './identities.js';
import { commitLane, type CommitLane } from './lane.js';
import { dropboxNameProblem } from './names.js';
import { revokeDropboxSignIn } from './revoke.js';
import { dropboxSettings, type DropboxSettings } from './settings.js';
import { signInToDropbox } from './signIn.js';
import { dropboxTokens, type AccessTokens } from './tokens.js';
import { parseAccount } from './wire.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';

/**
 * Documents one commit carries in a run: the run hands over four at once (backup/deliver.ts DELIVERIES_IN_FLIGHT)
 * and each waits for its own commit, so that is what a batch holds.
 */
const DOCUMENTS_PER_COMMIT = 4;

const TARGET_USAGE = 'must be "dropbox" (an App folder app) or "dropbox:<folder path>" (a Full Dropbox app), e.g. dropbox:/Firma/Backup';

function apiFor(settings: DropboxSettings, tokens: AccessTokens, clock: Clock, logger: Logger): DropboxApi {
  return new DropboxApi({ tokens, apiUrl: settings.apiUrl, contentUrl: settings.contentUrl, clock, logger });
}

function tokensFor(settings: DropboxSettings, c: DropboxCredentials, clock: Clock): AccessTokens {
  return dropboxTokens({ appKey: c.appKey, appSecret: c.appSecret, refreshToken: c.refreshToken, apiUrl: settings.apiUrl, clock });
}

/** The owner's Dropbox: `dropbox` (the App folder), or `dropbox:<folder path>` with a Full Dropbox app. */
export const dropbox = definePlugin({
  scheme: 'dropbox',
  title: 'Dropbox',
  usage: '"dropbox", "dropbox:<folder path>"',
  settings: dropboxSettings,
  command: 'dropbox',

  /** "/Firma/Backup" from "Firma/Backup/" or "/Firma/Backup"; "/" is the whole Dropbox's root. */
  parseTarget(target) {
    if (target === null) return null;
    const names = target.split('/').filter((n) => n !== '');
    if (names.some((n) => dropboxNameProblem(n) !== null)) throw new Error(TARGET_USAGE);
    return `/${names.join('/')}`;
  },

  id: (spec) => dropboxId(spec.target),

  create(spec, { settings, dataDir, clock, logger, shared }) {
    const credentials = loadCredentials(settings, dataDir);
    // One sign-in is one Dropbox account: every destination and account signed in with it shares its access token
    // and its commit lane, so that their commits take turns at the account's lock.
    const account = createHash('sha256').update(`${credentials.appKey}\0${credentials.refreshToken}`).digest('hex');
    const signedIn = shared.get<{ tokens: AccessTokens; lane: CommitLane }>(`dropbox:${account}`, () => ({ tokens: tokensFor(settings, credentials, clock), lane: commitLane() }));
    return dropboxDestination({ api: apiFor(settings, signedIn.tokens, clock, logger), folder: spec.target, lane: signedIn.lane, logger });
  },

  async signIn({ settings, dataDir, specs, io, clock, logger }) {
    const appKey = appKeyOf(settings, dataDir);
    const where = specs.length > 0 ? 'backups go there' : 'add "dropbox" to BACKUP_DESTINATION to back up there';
    if (settings.refreshToken) {
      // Headless: the token is the environment's; check it and say whose it is, saving nothing.
      const api = apiFor(settings, tokensFor(settings, loadCredentials(settings, dataDir), clock), clock, logger);
      const account = parseAccount(await api.rpc('users/get_current_account'));
      return `DROPBOX_REFRESH_TOKEN signs in to the Dropbox of ${account.displayName} <${account.email}>; ${where}.`;
    }
    const { refreshToken, account } = await signInToDropbox({ appKey, authorizeUrl: settings.authorizeUrl, apiUrl: settings.apiUrl, clock, logger }, io);
    saveCredentials(dataDir, { appKey, refreshToken, account });
    return `Signed in to the Dropbox of ${account.displayName} <${account.email}>; ${where}.`;
  },

  revoke: ({ settings, dataDir, logger }) =>
    revokeSignIn({
      provider: 'Dropbox',
      dataDir,
      file: CREDENTIALS_FILE,
      fromEnvironment: settings.refreshToken ? 'DROPBOX_REFRESH_TOKEN' : null,
      logger,
      revoke: () => revokeDropboxSignIn(apiFor(settings, tokensFor(settings, loadCredentials(settings, dataDir), systemClock), systemClock, logger)),
    }),

  signedIn: ({ settings, dataDir }) => Boolean(settings.refreshToken) || hasSavedCredentials(dataDir),

  cost({ files, folders }) {
    // An upload session per file holding its bytes, a commit per batch, a listing per folder stored into, an
    // inventory file per INVENTORY_BATCH identities, the sign-in check. Dropbox names no fixed rate: no pacing.
    return {
      requests: files + Math.ceil(files / DOCUMENTS_PER_COMMIT) + folders + Math.ceil(files / INVENTORY_BATCH) + 1,
      seconds: 0,
      pace: 'no fixed rate',
    };
  },
});
