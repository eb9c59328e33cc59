import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';
import { UsageError } from '../../lib/errors.js';
import { DRIVE_FILE_SCOPE } from './credentials.js';
import type { OAuthClient } from './oauth.js';

export interface SignInIo {
  /** Shows the person what to do (stdout). */
  say(text: string): void;
  /** Where a pasted redirect URL comes from (stdin); none when nobody can type. */
  input: NodeJS.ReadableStream | null;
}

/**
 * The installed-app flow for a command-line tool: a loopback redirect to 127.0.0.1 with PKCE, offline access and
 * the drive.file scope only. On a machine without a browser the person opens the URL anywhere, and when the
 * browser then fails to reach 127.0.0.1 they paste the address it shows; whichever comes first wins.
 * Returns the refresh token.
 */
export async function signIn(makeClient: (redirectUri: string) => OAuthClient, io: SignInIo, port = 0): Promise<string> {
  const state = randomBytes(16).toString('hex');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = makeClient(redirectUri);
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const url = client.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope: [DRIVE_FILE_SCOPE],
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as never,
  });
  io.say(
    [
      'Open this address in a browser and allow access to the files this app creates in your Google Drive:',
      '',
      `  ${url}`,
      '',
      `Waiting for Google to send the browser back to ${redirectUri} ...`,
      'On a server without a browser: open the address on any computer; when the browser then fails to load',
      'a 127.0.0.1 page, copy that page\'s full address from the address bar and paste it here.',
      '',
    ].join('\n'),
  );

  let lines: readline.Interface | null = null;
  try {
    const redirected = await new Promise<URL>((resolve, reject) => {
      server.on('request', (req, res) => {
        const received = new URL(req.url ?? '/', redirectUri);
        if (!received.searchParams.has('code') && !received.searchParams.has('error')) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end('<html><body><h1>BaseLinker Backup is signed in.</h1><p>You can close this tab.</p></body></html>');
        resolve(received);
      });
      if (io.input) {
        lines = readline.createInterface({ input: io.input, terminal: false });
        lines.on('line', (line) => {
          const text = line.trim();
          if (!text) return;
          try {
            resolve(new URL(text));
          } catch {
            io.say('That is not an address; paste the whole address from the browser, starting with http://127.0.0.1');
          }
        });
        lines.on('close', () => reject(new UsageError('sign-in cancelled: input closed before Google answered')));
      }
    });
    const error = redirected.searchParams.get('error');
    if (error) throw new UsageError(`Google did not grant access (${error})`);
    if (redirected.searchParams.get('state') !== state) throw new UsageError('the pasted address is from another sign-in attempt; start again');
    const code = redirected.searchParams.get('code');
    if (!code) throw new UsageError('the address has no authorisation code; paste the whole address');
    const { tokens } = await client.getToken({ code, codeVerifier, redirect_uri: redirectUri });
    if (!tokens.refresh_token) {
      throw new UsageError('Google sent no refresh token; remove the app\'s access in your Google account (Security → Third-party access) and sign in again');
    }
    return tokens.refresh_token;
  } finally {
    (lines as readline.Interface | null)?.close();
    await closeServer(server);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
