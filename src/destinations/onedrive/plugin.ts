import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { registerSecret } from '../../lib/secrets.js';
import { definePlugin } from '../plugin.js';
import { clientIdOf, CREDENTIALS_FILE, forgetCredentials, hasSavedCredentials, loadCredentials, saveCredentials, type OneDriveCredentials } from './credentials.js';
import { GraphApi } from './graphApi.js';
import { INVENTORY_BATCH } from './inventory.js';
import { nameProblem, pathProblem } from './names.js';
import { oneDriveDestination, oneDriveId } from './oneDrive.js';
import { oneDriveSettings, type OneDriveSettings } from './settings.js';
import { FULL_DRIVE_SCOPES, APP_FOLDER_SCOPES, signInWithDeviceCode } from './signIn.js';
import { TokenManager } from './tokens.js';

const USAGE = 'must be "onedrive" (the app\'s own folder) or "onedrive:<folder path>" (a folder from the drive\'s root)';

/** OneDrive, personal or work/school: `onedrive` (Apps/<app name>), or `onedrive:<folder path>` from the drive's root. */
export const oneDrive = definePlugin({
  scheme: 'onedrive',
  title: 'OneDrive',
  usage: '"onedrive", "onedrive:<folder path>"',
  settings: oneDriveSettings,
  command: 'onedrive',

  parseTarget(target) {
    if (target === null) return null;
    const segments = target.replace(/^\/+|\/+$/g, '').split('/');
    for (const segment of segments) {
      const problem = segment === '' ? 'is empty' : nameProblem(segment, { business: false });
      if (problem) throw new Error(`${USAGE}; the folder name ${JSON.stringify(segment)} ${problem}`);
    }
    const tooLong = pathProblem(segments);
    if (tooLong) throw new Error(`${USAGE}; the folder path ${tooLong}`);
    return segments.join('/');
  },

  id: (spec) => oneDriveId(spec.target),

  create(spec, { settings, dataDir, clock, logger, shared }) {
    const credentials = loadCredentials(settings, dataDir, spec.target);
    // One sign-in, one rotating refresh token: every destination and account in this process refreshes through one
    // manager, or each would replace the token the others hold.
    const tokens = shared.get(`onedrive-tokens:${credentials.source}:${credentials.scopes.join(' ')}`, () => tokenManager(settings, dataDir, credentials, clock, logger));
    const api = new GraphApi({ tokens, clock, baseUrl: settings.apiRootUrl, logger });
    return oneDriveDestination({ api, target: spec.target, clock, logger });
  },

  async signIn({ settings, dataDir, specs, io, clock, logger }) {
    const targets = specs.map((s) => s.target).filter((t): t is string => t !== null);
    const appFolder = targets.length === 0 || specs.some((s) => s.target === null);
    let api: GraphApi;
    let who: string;
    if (settings.refreshToken) {
      // The environment holds the sign-in: check it rather than make another.
      api = graph(settings, dataDir, loadCredentials(settings, dataDir, targets[0] ?? null), clock, logger);
      const me = await api.send({ what: 'read the signed-in account', method: 'GET', path: 'me', query: { $select: 'userPrincipalName,displayName' } });
      who = `${String(me.json['userPrincipalName'] ?? 'unknown')} (ONEDRIVE_REFRESH_TOKEN; \`backup auth onedrive\` without it saves a sign-in whose renewals are kept)`;
    } else {
      const clientId = clientIdOf(settings);
      const scopes = targets.length > 0 ? FULL_DRIVE_SCOPES : APP_FOLDER_SCOPES;
      const signed = await signInWithDeviceCode({ clientId, scopes, loginUrl: settings.loginUrl, tenant: settings.tenant, graphUrl: settings.apiRootUrl, say: io.say, clock });
      const credentials: OneDriveCredentials = { clientId, tenant: settings.tenant, refreshToken: signed.refreshToken, scopes: [...scopes], account: signed.account.userPrincipalName, source: 'file' };
      saveCredentials(dataDir, credentials);
      api = graph(settings, dataDir, credentials, clock, logger);
      who = `${signed.account.userPrincipalName} (${signed.account.displayName})`;
    }
    if (specs.length === 0) return `Signed in to OneDrive as ${who}; add "onedrive" to BACKUP_DESTINATION to back up there.`;
    const where = targets.map((t) => `${t}/`);
    if (appFolder) {
      // Reading the app's folder makes it, and shows this account lets the app in (work or school accounts do not).
      const approot = await api.send({ what: "read the app's folder", method: 'GET', path: 'me/drive/special/approot', query: { $select: 'name,parentReference' } });
      where.unshift(`${appFolderPath(approot.json)}/`);
    }
    return `Signed in to OneDrive as ${who}; backups go to ${where.join(' and ')} in that OneDrive.`;
  },

  async revoke({ settings, dataDir }) {
    const forgotten = forgetCredentials(dataDir);
    return (
      `Microsoft has no call that withdraws one app's sign-in; ${forgotten ? `${CREDENTIALS_FILE} removed` : 'no saved sign-in'}. ` +
      "To withdraw the app's access at Microsoft too, remove it at https://account.live.com/consent/Manage (personal account) or https://myapps.microsoft.com (work or school account)." +
      (settings.refreshToken ? ' ONEDRIVE_REFRESH_TOKEN is set in the environment: remove it too.' : '')
    );
  },

  signedIn: ({ settings, dataDir }) => Boolean(settings.refreshToken) || hasSavedCredentials(dataDir),

  cost({ files, newFolders }) {
    // An upload per file and a create per new folder (nothing below a new folder is looked up); an inventory of
    // identities per 200 files, the last one on close; and about four more: the check of the sign-in and the
    // listings or look-ups that find where the files go. Microsoft publishes no pace for OneDrive: requests only.
    return { requests: files + newFolders + Math.ceil(files / INVENTORY_BATCH) + 4, seconds: 0, pace: 'no published limit' };
  },
});

/**
 * The access tokens of a sign-in. Microsoft replaces the refresh token on every use: one from the data dir is saved
 * at once; one from the environment cannot be, which is said once.
 */
function tokenManager(settings: OneDriveSettings, dataDir: string, credentials: OneDriveCredentials, clock: Clock, logger: Logger): TokenManager {
  let warned = false;
  return new TokenManager({
    clientId: credentials.clientId,
    refreshToken: credentials.refreshToken,
    scopes: credentials.scopes,
    loginUrl: settings.loginUrl,
    tenant: credentials.tenant,
    clock,
    saveRefreshToken(token) {
      registerSecret(token);
      if (credentials.source === 'file') {
        saveCredentials(dataDir, { ...credentials, refreshToken: token });
      } else if (!warned) {
        warned = true;
        logger.warn(
          'OneDrive: Microsoft replaced the refresh token from ONEDRIVE_REFRESH_TOKEN, and the new one cannot be saved in the environment; ' +
            'run `backup auth onedrive` (without ONEDRIVE_REFRESH_TOKEN) to keep the sign-in in the data dir, where every renewal is saved',
        );
      }
    },
  });
}

function graph(settings: OneDriveSettings, dataDir: string, credentials: OneDriveCredentials, clock: Clock, logger: Logger): GraphApi {
  return new GraphApi({ tokens: tokenManager(settings, dataDir, credentials, clock, logger), clock, baseUrl: settings.apiRootUrl, logger });
}

/** "Apps/BaseLinker Backup" from the approot item (its parent's path is "/drive/root:/Apps", localised on the real service). */
function appFolderPath(item: Record<string, unknown>): string {
  const parent = (item['parentReference'] ?? {}) as { path?: unknown };
  const parentPath = typeof parent.path === 'string' ? decodeURIComponent(parent.path.replace(/^.*root:\/?/, '')) : 'Apps';
  return `${parentPath ? `${parentPath}/` : ''}${String(item['name'] ?? '')}`;
}
