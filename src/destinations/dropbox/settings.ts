import { httpUrl, optional, setting, text, type Values } from '../../config/setting.js';
import { DEFAULT_CONTENT_URL } from './dropboxApi.js';
import { DEFAULT_AUTHORIZE_URL } from './signIn.js';
import { DEFAULT_API_URL } from './tokens.js';

/** Dropbox's settings, under `dropbox` in the config file. One Dropbox sign-in serves the whole installation. */
export const dropboxSettings = {
  appKey: setting({ env: 'DROPBOX_APP_KEY', default: null as string | null, parse: optional(text), scope: 'install', doc: 'App key of your Dropbox app (App Console → Settings); needed to sign in and to back up.' }),
  appSecret: setting({ env: 'DROPBOX_APP_SECRET', default: null as string | null, parse: optional(text), secret: true, scope: 'install', doc: 'Not needed: `backup auth dropbox` signs in with PKCE. Only for a refresh token obtained with the secret.' }),
  refreshToken: setting({ env: 'DROPBOX_REFRESH_TOKEN', default: null as string | null, parse: optional(text), secret: true, scope: 'install', doc: 'Headless alternative to `backup auth dropbox` (Docker, systemd).' }),
  apiUrl: setting({ env: 'DROPBOX_API_URL', default: DEFAULT_API_URL, parse: httpUrl, scope: 'install', doc: 'Root of the RPC calls (`2/…`) and the token endpoint (`oauth2/token`): proxies, the emulator.' }),
  contentUrl: setting({ env: 'DROPBOX_CONTENT_URL', default: DEFAULT_CONTENT_URL, parse: httpUrl, scope: 'install', doc: 'Root of the uploads and downloads.' }),
  authorizeUrl: setting({ env: 'DROPBOX_AUTHORIZE_URL', default: DEFAULT_AUTHORIZE_URL, parse: httpUrl, scope: 'install', doc: 'The sign-in page `backup auth dropbox` sends you to.' }),
} as const;

export type DropboxSettings = Values<typeof dropboxSettings>;
