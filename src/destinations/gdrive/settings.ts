import { httpUrl, number, optional, setting, text, type Values } from '../../config/setting.js';

/** Google Drive's settings, under `gdrive` in the config file. One Google sign-in serves the whole installation. */
export const googleDriveSettings = {
  clientId: setting({ env: 'GOOGLE_CLIENT_ID', default: null as string | null, parse: optional(text), scope: 'install', doc: 'OAuth client id of your "Desktop app" client.' }),
  clientSecret: setting({ env: 'GOOGLE_CLIENT_SECRET', default: null as string | null, parse: optional(text), secret: true, scope: 'install', doc: 'Its secret.' }),
  refreshToken: setting({ env: 'GOOGLE_REFRESH_TOKEN', default: null as string | null, parse: optional(text), secret: true, scope: 'install', doc: 'Headless alternative to `backup auth google` (Docker, systemd).' }),
  parentFolderId: setting({ env: 'GDRIVE_PARENT_FOLDER_ID', default: null as string | null, parse: optional(text), scope: 'install', doc: 'Folder to create `BaseLinker Backup` in. With the `drive.file` scope this must be a folder this app created.', shownDefault: 'My Drive' }),
  writesPerSecond: setting({ env: 'GDRIVE_WRITES_PER_SECOND', default: 3, parse: number(0, 10), scope: 'install', doc: "Sustained Drive writes per second, Google's per-account limit (`0` = unpaced); shared by every account writing into it." }),
  apiRootUrl: setting({ env: 'GOOGLE_API_ROOT_URL', default: 'https://www.googleapis.com/', parse: httpUrl, scope: 'install', doc: 'Root of every Drive call, uploads included (proxies, the emulator).' }),
  tokenUrl: setting({ env: 'GOOGLE_OAUTH_TOKEN_URL', default: 'https://oauth2.googleapis.com/token', parse: httpUrl, scope: 'install', doc: 'OAuth token endpoint.' }),
  revokeUrl: setting({ env: 'GOOGLE_OAUTH_REVOKE_URL', default: 'https://oauth2.googleapis.com/revoke', parse: httpUrl, scope: 'install', doc: 'OAuth revoke endpoint.' }),
  authUrl: setting({ env: 'GOOGLE_OAUTH_AUTH_URL', default: 'https://accounts.google.com/o/oauth2/v2/auth', parse: httpUrl, scope: 'install', doc: 'OAuth consent page.' }),
} as const;

export type GoogleDriveSettings = Values<typeof googleDriveSettings>;
