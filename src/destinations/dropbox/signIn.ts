// Signing in to Dropbox from a command line, on a server without a browser as well: OAuth 2 with PKCE (S256),
// token_access_type=offline (the only way to get a refresh token) and no redirect_uri, so Dropbox shows the code on
// its page and the person pastes it here. No app secret is involved: a PKCE sign-in is refreshed with the app key
// alone. Returns the refresh token and whose Dropbox it is.
import { createHash, randomBytes } from 'node:crypto';
import readline from 'node:readline';
import type { Clock } from '../../lib/clock.js';
import { UnauthorisedError, UsageError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { registerSecret } from '../../lib/secrets.js';
import { DropboxApi } from './dropboxApi.js';
import { DropboxOAuthError } from './errors.js';
import { DEFAULT_API_URL, postTokenForm } from './tokens.js';
import { parseAccount, type DropboxAccount } from './wire.js';

export const DEFAULT_AUTHORIZE_URL = 'https://www.dropbox.com/oauth2/authorize';

/** What a backup needs, ticked in the App Console's Permissions tab before the first sign-in. */
export const REQUIRED_SCOPES = ['files.content.write', 'files.content.read', 'files.metadata.read', 'account_info.read'] as const;

export interface DropboxSignInOptions {
  appKey: string;
  authorizeUrl?: string;
  apiUrl?: string;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
}

export interface SignInIo {
  /** Shows the person what to do (stdout). */
  say(text: string): void;
  /** Where the pasted code comes from (stdin); null when nobody can type. */
  input: NodeJS.ReadableStream | null;
}

export interface DropboxSignIn {
  refreshToken: string;
  account: DropboxAccount;
}

export async function signInToDropbox(o: DropboxSignInOptions, io: SignInIo): Promise<DropboxSignIn> {
  if (!io.input) throw new UsageError('signing in to Dropbox needs a person to paste a code: run `backup auth dropbox` in a terminal');
  const verifier = randomBytes(48).toString('base64url');
  const url = new URL(o.authorizeUrl ?? DEFAULT_AUTHORIZE_URL);
  url.search = new URLSearchParams({
    client_id: o.appKey,
    response_type: 'code',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    token_access_type: 'offline',
  }).toString();
  io.say(
    [
      'Open this address in a browser (on any computer), sign in to Dropbox and press "Allow":',
      '',
      `  ${url.toString()}`,
      '',
      'Dropbox then shows an access code. Paste it here and press Enter:',
    ].join('\n'),
  );
  const code = await pastedCode(io.input);
  const apiUrl = o.apiUrl ?? DEFAULT_API_URL;
  let answer: Record<string, unknown>;
  try {
    answer = await postTokenForm(apiUrl, { grant_type: 'authorization_code', code, client_id: o.appKey, code_verifier: verifier }, o.timeoutMs ?? 60_000);
  } catch (error) {
    if (error instanceof DropboxOAuthError) {
      if (error.error === 'invalid_grant') {
        throw new UsageError(`Dropbox did not take the code (${error.description || error.error}): a code works once and only for a few minutes; run \`backup auth dropbox\` again and paste the new one`);
      }
      throw new UsageError(`Dropbox refused the sign-in (${error.error}${error.description ? `: ${error.description}` : ''}); check the app key against the App Console`);
    }
    throw error;
  }
  const refreshToken = answer['refresh_token'];
  const accessToken = answer['access_token'];
  if (typeof accessToken !== 'string') throw new UsageError('Dropbox answered the sign-in without an access token; try again');
  registerSecret(accessToken);
  if (typeof refreshToken !== 'string') throw new UsageError('Dropbox sent no refresh token (offline access was not granted); try again');
  registerSecret(refreshToken);
  const granted = typeof answer['scope'] === 'string' ? answer['scope'].split(' ') : [...REQUIRED_SCOPES];
  const missing = REQUIRED_SCOPES.filter((s) => !granted.includes(s));
  if (missing.length > 0) {
    throw new UsageError(`the Dropbox app lacks the permission${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: tick ${missing.length > 1 ? 'them' : 'it'} in the App Console (Permissions tab, then Submit), and run \`backup auth dropbox\` again`);
  }
  const api = new DropboxApi({
    tokens: {
      accessToken: async () => accessToken,
      refresh: async () => {
        throw new UnauthorisedError('the new Dropbox sign-in expired at once; check the computer\'s clock and try again');
      },
    },
    apiUrl,
    clock: o.clock,
    logger: o.logger,
  });
  return { refreshToken, account: parseAccount(await api.rpc('users/get_current_account')) };
}

/** The first non-empty line the person types. */
async function pastedCode(input: NodeJS.ReadableStream): Promise<string> {
  const lines = readline.createInterface({ input, terminal: false });
  try {
    for await (const line of lines) {
      const code = line.trim();
      if (code) return code;
    }
  } finally {
    lines.close();
  }
  throw new UsageError('sign-in cancelled: the input ended before a code was pasted');
}
