// Ends the sign-in at Dropbox: auth/token/revoke disables the access token it is called with, its refresh token and
// every other access token of that grant (auth.stone). The files in Dropbox are not touched.
import type { DropboxApi } from './dropboxApi.js';

export async function revokeDropboxSignIn(api: DropboxApi): Promise<void> {
  await api.rpc('auth/token/revoke');
}
