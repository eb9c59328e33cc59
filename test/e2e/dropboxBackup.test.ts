// The CLI against both emulators over HTTP: BaseLinker in, Dropbox out. Signing in with PKCE and a pasted code, the
// tree and the bytes in the App folder, a rerun that stores only the new orders file, exactly one copy after a crash
// between upload and ledger, faults, rate limits and lock contention waited out as Dropbox says, a full Dropbox,
// revoke, and a grant revoked at Dropbox.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoLandmarks, demoShop, type DemoLandmarks } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { startDropboxEmulator, type DropboxEmulator, type DropboxEmulatorOptions } from '../../tools/emulators/dropbox/server.js';
import { BIN, guardEnv, logMessages, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDir.js';

const AS_OF = '2026-11-20';
const TOKEN = 'dropbox-e2e-bl-token-5c02e1';
const MONTH = 'BaseLinker Backup/2026/11';
/** The backup's own record of its cutoff, beside the documents: what a new installation carries on from. */
const CUTOFF_RECORD = 'BaseLinker Backup/.baselinker-backup/cutoff-default-2026-11-01.json';

let baselinker: BaseLinkerEmulator;
let dropbox: DropboxEmulator;
let landmarks: DemoLandmarks;
let env: Record<string, string>;
let dataDir: string;

async function open(o: DropboxEmulatorOptions = {}): Promise<void> {
  baselinker = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: AS_OF }) });
  dropbox = await startDropboxEmulator(o);
  landmarks = demoLandmarks({ asOf: AS_OF });
  dataDir = path.join(tempDir('blb-dropbox-'), 'data');
  env = {
    BASELINKER_TOKEN: TOKEN,
    BASELINKER_API_URL: baselinker.url,
    BASELINKER_REQUESTS_PER_MINUTE: '0',
    BACKUP_DATA_DIR: dataDir,
    BACKUP_DESTINATION: 'dropbox',
    DROPBOX_APP_KEY: dropbox.appKey,
    DROPBOX_API_URL: dropbox.apiUrl,
    DROPBOX_CONTENT_URL: dropbox.contentUrl,
    DROPBOX_AUTHORIZE_URL: dropbox.authorizeUrl,
  };
}

beforeEach(async () => open());

afterEach(async () => {
  // Whatever a test did, the program never deleted, moved or replaced anything in Dropbox.
  expect(dropbox.violations).toEqual([]);
  await Promise.all([baselinker.close(), dropbox.close()]);
});

/** `backup auth dropbox` as a person does it: open the printed address, press "Allow", paste the code shown. */
async function signIn(): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'auth', 'dropbox'], { env: { ...guardEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    const url = /^\s+(http\S+)$/m.exec(stdout)?.[1];
    if (url && !stdout.includes('[pasted]')) {
      stdout += '[pasted]';
      // A blank line first, as a person pressing Enter too early: it is not taken for the code.
      child.stdin.write(`\n${dropbox.approve(url)}\n`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout;
}

const backup = (...args: string[]) => runCli(['run', '--date', AS_OF, ...args], env);
/** Files below the App folder, "BaseLinker Backup/…", the backup's inventory files apart. */
const below = (p: string) => p.slice(dropbox.appRoot.length + 1);
const isInventory = (p: string) => /\.baselinker-backup\/identities-[^/]+\.json$/.test(p);
const documents = () => dropbox.files.map((f) => below(f.path)).filter((p) => !isInventory(p)).sort();
const inventories = () => dropbox.files.filter((f) => isInventory(f.path));
const apiCalls = (from = 0) => dropbox.requests.slice(from).filter((r) => !r.route.startsWith('/'));
const tally = (routes: string[]) => routes.reduce<Record<string, number>>((n, r) => ({ ...n, [r]: (n[r] ?? 0) + 1 }), {});

function expectedDocuments(): string[] {
  return [
    CUTOFF_RECORD,
    ...landmarks.invoices.thisMonth.map((n) => `${MONTH}/Invoices/${n.replaceAll('/', '_')}.pdf`),
    ...landmarks.receipts.thisMonth.map((n) => `${MONTH}/Receipts/${n.replaceAll('/', '_')}.pdf`),
  ];
}
const withoutOrders = (files: string[]) => files.filter((f) => !f.includes('/Orders/'));

describe('backup to Dropbox, end to end', () => {
  it('signs in with PKCE and a pasted code, stores the tree in the App folder, a rerun stores only the new orders file', async () => {
    const said = await signIn();
    const authorize = new URL(/^\s+(http\S+)$/m.exec(said)![1]!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: dropbox.appKey, response_type: 'code', code_challenge_method: 'S256', token_access_type: 'offline' });
    expect(authorize.searchParams.has('redirect_uri')).toBe(false);
    expect(said).toMatch(/Signed in to the Dropbox of Backup Owner <owner@example\.com>; backups go there\./);
    const credentials = path.join(dataDir, 'dropbox-credentials.json');
    expect(fs.statSync(credentials).mode & 0o777).toBe(0o600);

    const before = dropbox.requests.length;
    const result = await backup();
    expect(result.code, result.stderr).toBe(0);
    const files = documents();
    // The orders CSV and its order-items CSV.
    const csv = files.filter((f) => f.includes('/Orders/'));
    expect(csv).toHaveLength(2);
    expect(files).toEqual([...expectedDocuments(), ...csv].sort());
    for (const f of dropbox.files.filter((f) => f.path.endsWith('.pdf'))) expect(f.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(dropbox.files.every((f) => f.path.startsWith('/Apps/BaseLinker Backup/BaseLinker Backup/'))).toBe(true);

    // One upload session per file, a commit per batch (at most four documents are handed over at once), one
    // listing per folder stored into and of the root (whether it holds a backup to adopt), one sign-in check, one
    // inventory file at the end.
    const calls = tally(apiCalls(before).map((r) => r.route));
    const commits = calls['files/upload_session/finish_batch_v2']!;
    expect(calls['files/upload_session/start']).toBe(files.length);
    expect(commits).toBeGreaterThanOrEqual(Math.ceil((files.length - 2) / 4));
    expect(commits).toBeLessThan(files.length);
    expect(calls).toEqual({ 'users/get_current_account': 1, 'files/list_folder': 5, 'files/upload_session/start': files.length, 'files/upload_session/finish_batch_v2': commits, 'files/upload': 1 });
    expect(apiCalls(before).filter((r) => r.route === 'files/upload_session/finish_batch_v2').every((r) => (r.arg as { entries: unknown[] }).entries.length <= 4)).toBe(true);
    const [inventory] = inventories();
    expect((JSON.parse(inventory!.content.toString()) as { files: unknown[] }).files).toHaveLength(files.length);
    // The token is in none of the output or the log.
    const log = fs.readFileSync(path.join(dataDir, 'backup.log'), 'utf8');
    const saved = JSON.parse(fs.readFileSync(credentials, 'utf8')) as { refreshToken: string };
    for (const secret of [saved.refreshToken, TOKEN]) expect(said + result.stderr + result.stdout + log).not.toContain(secret);

    const again = await backup();
    expect(again.code, again.stderr).toBe(0);
    const added = documents().filter((f) => !files.includes(f));
    expect(added.sort()).toEqual([expect.stringMatching(/^BaseLinker Backup\/2026\/11\/Orders\/order-items_.*\.csv$/), expect.stringMatching(/^BaseLinker Backup\/2026\/11\/Orders\/orders_.*\.csv$/)]);
    expect(inventories()).toHaveLength(2);
  });

  it('a dry run estimates the requests and touches nothing', async () => {
    await signIn();
    const before = dropbox.requests.length;
    const dry = await backup('--dry-run');
    expect(dry.code).toBe(0);
    const files = expectedDocuments().length + 2;
    // An upload per file, a commit per four, a listing per folder stored into (4), one inventory, one check.
    expect(dry.stdout).toContain(`dropbox: ${files} files, about ${files + Math.ceil(files / 4) + 4 + 1 + 1} requests (unpaced)`);
    expect(dry.stdout).toContain(`dropbox  ${MONTH}/Invoices/FV_1_11_2026.pdf`);
    expect(dropbox.files).toEqual([]);
    // It reads only: the sign-in, and whether the root holds a backup already.
    expect(dropbox.requests.slice(before).map((r) => r.route)).toEqual(['/oauth2/token', 'users/get_current_account', 'files/list_folder']);
  });

  it('stores exactly one copy after a crash between an upload and its ledger record', async () => {
    await signIn();
    const crashed = await runCli(['run', '--date', AS_OF], { ...env, BACKUP_CRASH_AT: 'after-upload:3' });
    expect(crashed.signal).toBe('SIGKILL');
    const afterCrash = documents();
    // A batch commits a few at once, so others may have landed before the kill.
    expect(afterCrash.length).toBeGreaterThanOrEqual(3);
    // The kill came before close(): no identity was written.
    expect(inventories()).toEqual([]);
    const done = await backup();
    expect(done.code, done.stderr).toBe(0);
    const files = documents();
    expect(withoutOrders(files)).toEqual(expectedDocuments().sort());
    for (const f of afterCrash) expect(files).toContain(f);
    expect((await runCli(['verify'], env)).code).toBe(0);
  });

  it('completes under 5xx, cut connections, lost answers, 429s and lock contention, waiting exactly what Dropbox names', async () => {
    await signIn();
    // The first run stores the cutoff record and an orders file; the faults then meet the documents, four at once.
    expect((await backup('--only', 'orders')).code).toBe(0);
    dropbox.injectFault({ kind: 'serverError', status: 503, times: 2, match: { route: 'files/upload_session/start' } });
    dropbox.injectFault({ kind: 'resetMidUpload', afterBytes: 100, match: { route: 'files/upload_session/start' } });
    dropbox.injectFault({ kind: 'rateLimited', reason: 'too_many_requests', retryAfterSeconds: 2, match: { route: 'files/upload_session/start' } });
    dropbox.injectFault({ kind: 'dropResponse', match: { route: 'files/upload_session/finish_batch_v2' } });
    const contendedEntries = dropbox.injectFault({ kind: 'batchEntriesContended', entries: 2, match: { route: 'files/upload_session/finish_batch_v2' } });
    dropbox.contendCommits(2, 3);
    const from = dropbox.requests.length;
    const result = await backup('--only', 'invoices,receipts');
    expect(result.code, result.stderr).toBe(0);
    expect(withoutOrders(documents())).toEqual(expectedDocuments().sort());
    const met = dropbox.requests.slice(from).filter((r) => r.fault || r.status === 429);
    // The lost answer was itself one of the contended commits (its 429 never arrived): the other came as a 429.
    expect(met.map((r) => r.fault ?? r.errorSummary?.split('/')[0]).sort()).toEqual(['dropResponse', 'rateLimited', 'resetMidUpload', 'serverError', 'serverError', 'too_many_write_operations']);
    expect(contendedEntries.remaining()).toBe(0);
    const said = logMessages(result.stderr);
    expect(said).toMatch(/Dropbox files\/upload_session\/start: too_many_requests; retry 1 in 2 s/);
    expect(said).toMatch(/Dropbox files\/upload_session\/finish_batch_v2: too_many_write_operations; retry \d in 3 s/);
    expect(said).toMatch(/Dropbox files\/upload_session\/start: HTTP 503 Service Unavailable; retry 1 in \d s/);
    // The retry after the 429 came no sooner than Dropbox said.
    const limited = dropbox.requests.findIndex((r, i) => i >= from && r.fault === 'rateLimited');
    const next = dropbox.requests.slice(limited + 1).find((r) => r.route === 'files/upload_session/start' && !r.fault && r.at >= dropbox.requests[limited]!.at + 1900);
    expect(next).toBeDefined();
  }, 40_000);

  it('a full Dropbox stops the backup there with exit 3 and says what to do', async () => {
    await Promise.all([baselinker.close(), dropbox.close()]);
    await open({ storageLimitBytes: 40_000 });
    await signIn();
    const result = await backup();
    expect(result.code).toBe(3);
    expect(logMessages(result.stderr)).toMatch(/dropbox: Dropbox is full \(path\/insufficient_space\): free up space or upgrade the Dropbox plan; the next run stores the rest/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('revoke stops the backup with exit 5 naming `backup auth dropbox`, which resumes it', async () => {
    await signIn();
    expect((await backup('--only', 'invoices')).code).toBe(0);
    const before = documents();

    const revoked = await runCli(['revoke'], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/Dropbox: Access revoked at Dropbox; dropbox-credentials\.json removed\. The backup to dropbox is stopped; what is stored there stays\. Run `backup auth dropbox` to resume\./);
    expect(fs.existsSync(path.join(dataDir, 'dropbox-credentials.json'))).toBe(false);
    expect(dropbox.requests.some((r) => r.route === 'auth/token/revoke' && r.status === 200)).toBe(true);

    const requestsBefore = dropbox.requests.length;
    const stopped = await backup();
    expect(stopped.code).toBe(5);
    expect(stopped.stderr).toMatch(/backup to Dropbox revoked on \d{4}-\d{2}-\d{2}; run `backup auth dropbox` to resume/);
    expect(dropbox.requests.length).toBe(requestsBefore);
    expect(documents()).toEqual(before);

    await signIn();
    expect((await backup()).code).toBe(0);
    expect(withoutOrders(documents())).toEqual(expectedDocuments().sort());
  });

  it('a grant revoked at Dropbox (Settings → Connected apps) exits 5 with the likely causes, naming `backup auth dropbox`', async () => {
    await signIn();
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'dropbox-credentials.json'), 'utf8')) as { refreshToken: string };
    const token = (await (await fetch(`${dropbox.apiUrl}oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: saved.refreshToken, client_id: dropbox.appKey }) })).json()) as { access_token: string };
    expect((await fetch(`${dropbox.apiUrl}2/auth/token/revoke`, { method: 'POST', headers: { authorization: `Bearer ${token.access_token}` } })).status).toBe(200);
    const result = await backup();
    expect(result.code).toBe(5);
    const said = logMessages(result.stderr);
    // One line: a run that can write nowhere says so before anything else.
    expect(said.split('\n')).toHaveLength(1);
    expect(said).toMatch(/Dropbox refused the saved sign-in \(invalid_grant: refresh token is invalid or revoked\)/);
    expect(said).toMatch(/Run `backup auth dropbox` to sign in again/);
    expect(result.stderr + result.stdout).not.toContain(saved.refreshToken);
  });

  it('the headless alternative: a refresh token from the environment, checked by `backup auth dropbox`, nothing saved', async () => {
    const headless = { ...env, DROPBOX_REFRESH_TOKEN: dropbox.issueRefreshToken() };
    const checked = await runCli(['auth', 'dropbox'], headless);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/DROPBOX_REFRESH_TOKEN signs in to the Dropbox of Backup Owner <owner@example\.com>; backups go there\./);
    expect(fs.existsSync(path.join(dataDir, 'dropbox-credentials.json'))).toBe(false);
    const result = await runCli(['run', '--date', AS_OF, '--only', 'receipts'], headless);
    expect(result.code).toBe(0);
    expect(documents()).toEqual([CUTOFF_RECORD, ...landmarks.receipts.thisMonth.map((n) => `${MONTH}/Receipts/${n.replaceAll('/', '_')}.pdf`)].sort());
  });
});
