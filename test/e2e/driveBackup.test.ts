// The CLI against both emulators over HTTP: BaseLinker in, Google Drive out. Sign-in, the tree and the bytes in
// Drive, exactly one copy after a crash between upload and ledger, faults, revoke and an expired sign-in.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoLandmarks, demoShop, type DemoLandmarks } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { startDriveEmulator, type DriveEmulator } from '../../tools/emulators/drive/server.js';
import { BIN, guardEnv, logMessages, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDir.js';

const AS_OF = '2026-11-20';
const TOKEN = 'drive-e2e-bl-token-77a1c3';
const MONTH = 'BaseLinker Backup/2026/11';

let baselinker: BaseLinkerEmulator;
let drive: DriveEmulator;
let landmarks: DemoLandmarks;
let env: Record<string, string>;
let dataDir: string;

beforeEach(async () => {
  baselinker = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: AS_OF }) });
  drive = await startDriveEmulator({ accessTokenTtlSeconds: 3599 });
  landmarks = demoLandmarks({ asOf: AS_OF });
  dataDir = path.join(tempDir('blb-drive-'), 'data');
  env = {
    BASELINKER_TOKEN: TOKEN,
    BASELINKER_API_URL: baselinker.url,
    BASELINKER_REQUESTS_PER_MINUTE: '0',
    BACKUP_DATA_DIR: dataDir,
    BACKUP_DESTINATION: 'gdrive',
    GDRIVE_WRITES_PER_SECOND: '0',
    GOOGLE_CLIENT_ID: drive.clientId,
    GOOGLE_CLIENT_SECRET: drive.clientSecret,
    GOOGLE_API_ROOT_URL: drive.rootUrl,
    GOOGLE_OAUTH_TOKEN_URL: drive.tokenUrl,
    GOOGLE_OAUTH_REVOKE_URL: drive.revokeUrl,
    GOOGLE_OAUTH_AUTH_URL: drive.authUrl,
  };
});

afterEach(async () => {
  // Whatever a test did, the program never asked Drive to delete, trash or rewrite anything.
  expect(drive.forbiddenCalls).toEqual([]);
  await Promise.all([baselinker.close(), drive.close()]);
});

/**
 * `backup auth google` as a person does it: open the printed address and let the browser follow Google's redirect
 * back to the loopback server, or (a server without a browser) paste the address the redirect leads to.
 */
async function signIn(how: 'browser' | 'paste' = 'browser'): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'auth', 'google'], { env: { ...guardEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const opened = new Promise<void>((resolve) => {
    child.stdout.on('data', async (d: Buffer) => {
      stdout += d.toString();
      const url = /^\s+(http\S+)$/m.exec(stdout)?.[1];
      if (url && !stdout.includes('[opened]')) {
        stdout += '[opened]';
        if (how === 'browser') {
          const page = await fetch(url);
          expect(await page.text()).toContain('signed in');
        } else {
          const consent = await fetch(url, { redirect: 'manual' });
          child.stdin.write(`not an address\n${consent.headers.get('location')}\n`);
        }
        resolve();
      }
    });
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  await opened;
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout;
}

const backup = (...args: string[]) => runCli(['run', '--date', AS_OF, ...args], env);
const driveFiles = () => drive.tree().filter((p) => !p.endsWith('/'));

/** The backup's own record of its cutoff, beside the documents: what a new installation carries on from. */
const CUTOFF_RECORD = 'BaseLinker Backup/.baselinker-backup/cutoff-default-2026-11-01.json';

function expectedDocuments(): string[] {
  return [
    CUTOFF_RECORD,
    ...landmarks.invoices.thisMonth.map((n) => `${MONTH}/Invoices/${n.replaceAll('/', '_')}.pdf`),
    ...landmarks.receipts.thisMonth.map((n) => `${MONTH}/Receipts/${n.replaceAll('/', '_')}.pdf`),
  ];
}

describe('backup to Google Drive, end to end', () => {
  it('signs in with the loopback flow, stores the tree in Drive, and keeps the token owner-only', async () => {
    const said = await signIn();
    expect(said).toMatch(/access_type=offline/);
    expect(said).toMatch(/code_challenge_method=S256/);
    expect(said).toContain(encodeURIComponent('https://www.googleapis.com/auth/drive.file'));
    expect(said).toMatch(/Signed in to Google Drive as .+; backups go there/);
    const credentials = path.join(dataDir, 'google-credentials.json');
    expect(fs.statSync(credentials).mode & 0o777).toBe(0o600);

    const requestsBefore = drive.requests.length;
    const result = await backup();
    expect(result.code).toBe(0);
    const runRequests = drive.requests.slice(requestsBefore).filter((r) => !r.path.startsWith('/token'));
    const files = driveFiles();
    const csv = files.filter((f) => f.includes('/Orders/'));
    // The orders CSV and its order-items CSV.
    expect(csv).toHaveLength(2);
    expect(files).toEqual([...expectedDocuments(), ...csv].sort());
    for (const file of drive.files.filter((f) => f.name.endsWith('.pdf'))) expect(file.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(drive.tree().filter((p) => p.endsWith('/'))).toEqual([
      'BaseLinker Backup/', 'BaseLinker Backup/.baselinker-backup/', 'BaseLinker Backup/2026/', `${MONTH}/`, `${MONTH}/Invoices/`, `${MONTH}/Orders/`, `${MONTH}/Receipts/`,
    ]);
    // About one request per stored document: one upload each, a list, a create and a second list per new folder, one batch of
    // ids, one check of the sign-in, and a listing of the root: whether it holds this account's backup already.
    expect(runRequests.filter((r) => r.path.startsWith('/upload/')).length).toBe(files.length);
    expect(runRequests.length).toBe(files.length + 7 * 3 + 2 + 1);
    // The token is in none of the output or the log.
    const log = fs.readFileSync(path.join(dataDir, 'backup.log'), 'utf8');
    const saved = JSON.parse(fs.readFileSync(credentials, 'utf8')) as { refreshToken: string; clientSecret: string };
    for (const secret of [saved.refreshToken, saved.clientSecret, TOKEN]) expect(result.stderr + result.stdout + log).not.toContain(secret);
  });

  it('a dry run lists the Drive paths and estimates the requests and the paced time, touching nothing', async () => {
    await signIn();
    const before = drive.requests.length;
    const dry = await runCli(['run', '--date', AS_OF, '--dry-run'], { ...env, GDRIVE_WRITES_PER_SECOND: '3' });
    expect(dry.code).toBe(0);
    // The invoices and receipts with the cutoff record, the orders CSV and its order-items CSV.
    const files = expectedDocuments().length + 2;
    // One upload per file, a search, a create and a second search for each of the 7 new folders, one batch of ids, one check.
    expect(dry.stdout).toContain(`gdrive: ${files} files, about ${files + 7 * 3 + 2} requests (${Math.ceil((files + 7) / 3)} s at 3 writes/s)`);
    expect(dry.stdout).toContain(`gdrive  ${MONTH}/Invoices/FV_1_11_2026.pdf`);
    expect(driveFiles()).toEqual([]);
    // It reads only: the sign-in, and whether a backup root is there already (to adopt, had the data dir been lost).
    expect(drive.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /token', 'GET /drive/v3/about', 'GET /drive/v3/files']);
  });

  it('signs in on a headless server from the pasted redirect address', async () => {
    const said = await signIn('paste');
    expect(said).toContain('That is not an address');
    expect(said).toMatch(/Signed in to Google Drive as /);
    expect((await backup('--only', 'receipts')).code).toBe(0);
    expect(driveFiles()).toHaveLength(landmarks.receipts.thisMonth.length + 1);
  });

  it('stores exactly one copy after a crash between an upload and its ledger record', async () => {
    await signIn();
    const crashed = await runCli(['run', '--date', AS_OF], { ...env, BACKUP_CRASH_AT: 'after-upload:3' });
    expect(crashed.signal).toBe('SIGKILL');
    const afterCrash = driveFiles();
    // Uploads run a few at a time, so others may have finished before the kill.
    expect(afterCrash.length).toBeGreaterThanOrEqual(3);
    expect((await backup()).code).toBe(0);
    const files = driveFiles();
    expect(new Set(files).size).toBe(files.length);
    expect(files.filter((f) => !f.includes('/Orders/'))).toEqual(expectedDocuments().sort());
    for (const f of afterCrash) expect(files).toContain(f);
  });

  it('completes correctly under injected 403 rate limits, 429 and 5xx', async () => {
    await signIn();
    // The first run stores the cutoff record (and an orders file); the faults then meet the documents, several at once.
    expect((await backup('--only', 'orders')).code).toBe(0);
    const uploads = { path: '/upload/drive/v3/files' };
    drive.injectFault({ kind: 'userRateLimitExceeded', times: 3, match: uploads });
    drive.injectFault({ kind: 'tooManyRequests', retryAfterSeconds: 1, times: 2, match: uploads });
    drive.injectFault({ kind: 'serverError', status: 503, times: 3 });
    drive.injectFault({ kind: 'dropResponse', times: 2, match: uploads });
    const result = await backup('--only', 'invoices,receipts');
    expect(result.code).toBe(0);
    expect(driveFiles().filter((f) => !f.includes('/Orders/'))).toEqual(expectedDocuments().sort());
    expect(drive.requests.filter((r) => r.fault).length).toBeGreaterThanOrEqual(10);
  });

  it('revoke stops the backup with exit 5 and a clear message; auth google resumes where it stopped', async () => {
    await signIn();
    expect((await backup('--only', 'invoices')).code).toBe(0);
    const before = driveFiles();

    const revoked = await runCli(['revoke'], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/Google Drive: Access revoked at Google; google-credentials.json removed. The backup to gdrive is stopped/);
    expect(fs.existsSync(path.join(dataDir, 'google-credentials.json'))).toBe(false);

    const requestsBefore = drive.requests.length;
    const stopped = await backup();
    expect(stopped.code).toBe(5);
    expect(stopped.stderr).toMatch(/backup to Google Drive revoked on \d{4}-\d{2}-\d{2}; run `backup auth google` to resume/);
    expect(drive.requests.length).toBe(requestsBefore);
    expect(driveFiles()).toEqual(before);
    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout) as {
      destinations: { id: string; revokedAt: string | null }[];
      runs: { outcome: string; exitCode: number; requests: Record<string, number> }[];
    };
    expect(status.destinations).toEqual([expect.objectContaining({ id: 'gdrive', revokedAt: expect.stringMatching(/^20\d\d-/) })]);
    expect(status.runs[0]).toMatchObject({ outcome: 'failed', exitCode: 5 });
    expect(status.runs[1]!.requests.gdrive).toBeGreaterThan(landmarks.invoices.thisMonth.length);
    expect((await runCli(['status'], env)).stdout).toMatch(/gdrive +since .* REVOKED 20\d\d-/);

    await signIn();
    expect((await backup()).code).toBe(0);
    expect(driveFiles().filter((f) => !f.includes('/Orders/'))).toEqual(expectedDocuments().sort());
  });

  it('an expired or revoked refresh token exits 5 and names the likely causes', async () => {
    await signIn();
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'google-credentials.json'), 'utf8')) as { refreshToken: string };
    await fetch(`${drive.revokeUrl}?token=${encodeURIComponent(saved.refreshToken)}`, { method: 'POST' });
    const result = await backup();
    expect(result.code).toBe(5);
    const said = logMessages(result.stderr);
    // One line: a destination that cannot be written is found before the run says it starts.
    expect(said.split('\n')).toHaveLength(1);
    expect(said).toMatch(/Google refused the saved sign-in \(invalid_grant/);
    expect(said).toMatch(/"Testing", whose sign-ins expire after 7 days/);
    expect(said).toMatch(/Run `backup auth google` to sign in again$/);
    expect(result.stderr + result.stdout).not.toContain(saved.refreshToken);
  });

  it('the headless alternative: a refresh token from the environment, and a local copy beside Drive', async () => {
    const local = path.join(tempDir(), 'copy');
    const headless = { ...env, GOOGLE_REFRESH_TOKEN: drive.issueRefreshToken(), BACKUP_DESTINATION: `gdrive,local:${local}` };
    const result = await runCli(['run', '--date', AS_OF, '--only', 'invoices'], headless);
    expect(result.code).toBe(0);
    const invoices = landmarks.invoices.thisMonth.map((n) => `${MONTH}/Invoices/${n.replaceAll('/', '_')}.pdf`).sort();
    expect(driveFiles()).toEqual([CUTOFF_RECORD, ...invoices].sort());
    for (const f of invoices) expect(fs.existsSync(path.join(local, f))).toBe(true);
    const status = JSON.parse((await runCli(['status', '--json'], headless)).stdout) as { destinations: { id: string }[] };
    expect(status.destinations.map((d) => d.id)).toEqual(['gdrive', `local:${local}`]);
  });
});
