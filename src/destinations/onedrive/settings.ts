import { httpUrl, optional, setting, text, type Parse, type Values } from '../../config/setting.js';
import { DEFAULT_GRAPH_URL } from './graphApi.js';
import { DEFAULT_LOGIN_URL, DEFAULT_TENANT } from './identity.js';

/** "common", "consumers", "organizations", a directory's GUID or one of its domain names: one URL path segment. */
const tenant: Parse<string> = (raw, context) => {
  const value = text(raw, context);
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(value)) throw new Error('must be "common", "consumers", "organizations" or a tenant id');
  return value;
};

/** OneDrive's settings, under `onedrive` in the config file. One Microsoft sign-in serves the whole installation. */
export const oneDriveSettings = {
  clientId: setting({
    env: 'ONEDRIVE_CLIENT_ID',
    default: null as string | null,
    parse: optional(text),
    scope: 'install',
    doc: 'Application (client) id of your app registration: a public client ("mobile and desktop"), no secret.',
  }),
  tenant: setting({
    env: 'ONEDRIVE_TENANT',
    default: DEFAULT_TENANT,
    parse: tenant,
    scope: 'install',
    doc: 'Who may sign in: `common` (any Microsoft account), `consumers` (personal), `organizations` (work or school), or a tenant id.',
  }),
  refreshToken: setting({
    env: 'ONEDRIVE_REFRESH_TOKEN',
    default: null as string | null,
    parse: optional(text),
    secret: true,
    scope: 'install',
    doc: 'Headless alternative to `backup auth onedrive`. Microsoft replaces it on every use and the new one cannot be saved in the environment: prefer `backup auth onedrive`.',
  }),
  apiRootUrl: setting({ env: 'ONEDRIVE_API_ROOT_URL', default: DEFAULT_GRAPH_URL, parse: httpUrl, scope: 'install', doc: 'Microsoft Graph root of every OneDrive call, upload sessions included (proxies, the emulator).' }),
  loginUrl: setting({ env: 'ONEDRIVE_LOGIN_URL', default: DEFAULT_LOGIN_URL, parse: httpUrl, scope: 'install', doc: 'Microsoft identity platform: `<login><tenant>/oauth2/v2.0/token` and `/devicecode`.' }),
} as const;

export type OneDriveSettings = Values<typeof oneDriveSettings>;
