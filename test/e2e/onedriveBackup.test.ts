// The CLI against both emulators over HTTP: BaseLinker in, OneDrive out. The device-code sign-in, the tree and the
// bytes in the app's folder, a rerun, exactly one copy after a crash between upload and ledger, faults and
// throttling, a full drive, revoke and a dead sign-in. No request leaves 127.0.0.1 (the suite's network guard).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoLandmarks, demoShop, type DemoLandmarks } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { startOneDriveEmulator, type OneDriveEmulator } from '../../tools/emulators/onedrive/server.js';
import { BIN, guardEnv, logMessages, runCli, type CliResult } from '../helpers/cli.js';
import { lanes, startCli, waitFor } from '../promises/cliProcess.js';
import { worldDir } from '../promises/world.js';

const AS_OF = '2026-11-20';
const TOKEN = 'onedrive-e2e-bl-token-5c1f0e';
const APP = 'Apps/BaseLinker Backup';
const MONTH = 'BaseLinker Backup/2026/11';
const CREDENTIALS = 'onedrive-credentials.json';
const isInventory = (p: string) => /\/\.baselinker-backup\/identities-[^/]+\.json$/.test(p);

const CUTOFF_RECORD = 'BaseLinker Backup/.baselinker-backup/cutoff-default-2026-11-01.json';
const landmarks: DemoLandmarks = demoLandmarks({ asOf: AS_OF });
// Three worlds at a time: a CI machine has two cores, and every test spends part of its time waiting (sign-in polls, Retry-After, backoff).
const lane = lanes(3);

/** BaseLinker's emulator with the demo shop, OneDrive's, a data dir, and the CLI pointed at them. */
interface World {
  onedrive: OneDriveEmulator;
  /** A folder the test owns. */
  root: string;
  dataDir: string;
  env: Record<string, string>;
  /** `backup auth onedrive` as a person does it: read the code it prints, enter it at Microsoft (the emulator). */
  signIn(extra?: Record<string, string>): Promise<string>;
  /** The sign-in `backup auth onedrive` would have saved, without going through it (for tests about other things). */
  seedSignIn(): void;
  cli(args: string[], extra?: Record<string, string>): Promise<CliResult>;
  backup(...args: string[]): Promise<CliResult>;
  /** Files below the app's folder, our inventories of identities left out (bookkeeping). */
  stored(): string[];
  /** The same without the orders CSVs. */
  documents(): string[];
  inventories(): { path: string; content: Buffer }[];
}

function inWorld(title: string, body: (w: World) => Promise<void>): void {
  it.concurrent(title, () =>
    lane(async () => {
      const baselinker = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: AS_OF }) });
      const onedrive = await startOneDriveEmulator({ deviceCodeIntervalSeconds: 1 });
      // Its own folder, removed when it ends: tempDir()'s are removed after each test, and these run side by side.
      const root = worldDir('blb-onedrive-');
      const dataDir = path.join(root, 'data');
      const w: World = {
        onedrive,
        root,
        dataDir,
        env: {
          BASELINKER_TOKEN: TOKEN,
          BASELINKER_API_URL: baselinker.url,
          BASELINKER_REQUESTS_PER_MINUTE: '0',
          BACKUP_DATA_DIR: dataDir,
          BACKUP_DESTINATION: 'onedrive',
          ONEDRIVE_CLIENT_ID: onedrive.clientId,
          ONEDRIVE_API_ROOT_URL: onedrive.graphUrl,
          ONEDRIVE_LOGIN_URL: onedrive.loginUrl,
        },
        signIn: (extra = {}) => signIn(w, extra),
        seedSignIn() {
          fs.mkdirSync(dataDir, { recursive: true });
          const scopes = ['Files.ReadWrite.AppFolder', 'User.Read', 'offline_access'];
          const saved = { clientId: onedrive.clientId, tenant: 'common', scopes, account: onedrive.user.userPrincipalName, refreshToken: onedrive.issueRefreshToken(scopes.join(' ')) };
          fs.writeFileSync(path.join(dataDir, CREDENTIALS), JSON.stringify(saved), { mode: 0o600 });
        },
        cli: (args, extra = {}) => runCli(args, { ...w.env, ...extra }, { timeoutMs: 90_000 }),
        backup: (...args) => w.cli(['run', '--date', AS_OF, ...args]),
        stored: () => onedrive.files.filter((f) => !f.folder && f.path.startsWith(`${APP}/`) && !isInventory(f.path)).map((f) => f.path.slice(APP.length + 1)).sort(),
        documents: () => w.stored().filter((f) => !f.includes('/Orders/')),
        inventories: () => onedrive.files.filter((f) => isInventory(f.path)),
      };
      try {
        await body(w);
        // Whatever a test did, the program never replaced, renamed, deleted, moved or cancelled anything in OneDrive.
        expect(onedrive.violations).toEqual([]);
      } finally {
        await Promise.all([baselinker.close(), onedrive.close()]);
        fs.rmSync(root, { recursive: true, force: true });
      }
    }),
  120_000);
}

async function signIn(w: World, extra: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'auth', 'onedrive'], { env: { ...guardEnv(), ...w.env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    const code = /enter the code (\S+) to authenticate/.exec(stdout)?.[1];
    if (code && !stdout.includes('[approved]')) {
      stdout += '[approved]';
      w.onedrive.approveDeviceCode(code);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout;
}

const graphCalls = (w: World, from = 0) => w.onedrive.requests.slice(from).filter((r) => !r.path.includes('/oauth2/'));

function expectedDocuments(): string[] {
  return [
    CUTOFF_RECORD,
    ...landmarks.invoices.thisMonth.map((n) => `${MONTH}/Invoices/${n.replaceAll('/', '_')}.pdf`),
    ...landmarks.receipts.thisMonth.map((n) => `${MONTH}/Receipts/${n.replaceAll('/', '_')}.pdf`),
  ].sort();
}

describe('backup to OneDrive, end to end', () => {
  inWorld('signs in with a device code, stores the tree in the app folder with one request per document, and keeps the sign-in owner-only', async (w) => {
    const said = await w.signIn();
    expect(said).toMatch(/To sign in, use a web browser to open the page https:\/\/www\.microsoft\.com\/link and enter the code \S+ to authenticate\./);
    expect(said).toMatch(/Signed in to OneDrive as owner@outlook\.com \(Backup Owner\); backups go to Apps\/BaseLinker Backup\/ in that OneDrive\./);
    expect(w.onedrive.grantedScopes()).toEqual([['Files.ReadWrite.AppFolder', 'User.Read', 'offline_access']]);
    const credentials = path.join(w.dataDir, CREDENTIALS);
    expect(fs.statSync(credentials).mode & 0o777).toBe(0o600);

    const before = w.onedrive.requests.length;
    const result = await w.backup();
    expect(result.code, result.stderr).toBe(0);
    const files = w.stored();
    // The orders CSV and its order-items CSV.
    const csv = files.filter((f) => f.includes('/Orders/'));
    expect(csv).toHaveLength(2);
    expect(files).toEqual([...expectedDocuments(), ...csv].sort());
    for (const f of w.onedrive.files.filter((x) => x.name.endsWith('.pdf'))) expect(f.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(w.onedrive.tree().filter((p) => p.endsWith('/') && p.startsWith(`${APP}/`))).toEqual(
      ['', 'BaseLinker Backup/', 'BaseLinker Backup/.baselinker-backup/', 'BaseLinker Backup/2026/', `${MONTH}/`, `${MONTH}/Invoices/`, `${MONTH}/Orders/`, `${MONTH}/Receipts/`].map((p) => `${APP}/${p}`),
    );
    // About one request per document: its upload. Besides: the app folder (the check), the root's listing (a
    // backup there to adopt?), the state folder's listing and the root folder's look-up, both finding nothing; the
    // 7 new folders (nothing below a folder the run made is looked up); one inventory.
    const calls = graphCalls(w, before);
    const uploads = calls.filter((r) => r.method === 'PUT' && !/identities-/.test(r.path));
    expect(uploads).toHaveLength(files.length);
    expect(calls).toHaveLength(files.length + 1 + 1 + 2 + 7 + 1);
    // Every identity is at the destination: one inventory, naming every file stored.
    expect(w.inventories()).toHaveLength(1);
    const kept = (JSON.parse(w.inventories()[0]!.content.toString()) as { files: { path: string }[] }).files.map((f) => f.path).sort();
    expect(kept).toEqual(files);
    // No token in the output or the log.
    const log = fs.readFileSync(path.join(w.dataDir, 'backup.log'), 'utf8');
    const saved = JSON.parse(fs.readFileSync(credentials, 'utf8')) as { refreshToken: string; scopes: string[] };
    expect(saved.scopes).toEqual(['Files.ReadWrite.AppFolder', 'User.Read', 'offline_access']);
    for (const secret of [saved.refreshToken, TOKEN]) expect(result.stderr + result.stdout + log + said).not.toContain(secret);
  });

  inWorld('a rerun stores only the new orders files, and a dry run says what a run would cost', async (w) => {
    w.seedSignIn();
    const dry = await w.cli(['run', '--date', AS_OF, '--dry-run']);
    expect(dry.code).toBe(0);
    const files = expectedDocuments().length + 2;
    // An upload per file, a create per new folder (7), an inventory, and the check and the first listings.
    expect(dry.stdout).toContain(`onedrive: ${files} files, about ${files + 7 + 1 + 4} requests (unpaced)`);
    expect(w.stored()).toEqual([]);

    expect((await w.backup()).code).toBe(0);
    const first = w.stored();
    const before = w.onedrive.requests.length;
    expect((await w.backup()).code).toBe(0);
    const added = w.stored().filter((f) => !first.includes(f));
    expect(added.sort()).toEqual([expect.stringMatching(/^BaseLinker Backup\/2026\/11\/Orders\/order-items_.*\.csv$/), expect.stringMatching(/^BaseLinker Backup\/2026\/11\/Orders\/orders_.*\.csv$/)]);
    // The app folder, the Orders folder's listing, the two uploads, their inventory.
    expect(graphCalls(w, before).map((r) => r.method)).toEqual(['GET', 'GET', 'PUT', 'PUT', 'PUT']);
  });

  inWorld('stores exactly one copy after a crash between an upload and its ledger record', async (w) => {
    w.seedSignIn();
    const crashed = await w.cli(['run', '--date', AS_OF], { BACKUP_CRASH_AT: 'after-upload:3' });
    expect(crashed.signal).toBe('SIGKILL');
    const afterCrash = w.stored();
    expect(afterCrash.length).toBeGreaterThanOrEqual(3);
    // Killed before any inventory was written: the files are there, their identities are not yet.
    expect(w.inventories()).toEqual([]);
    const result = await w.backup();
    expect(result.code, result.stderr).toBe(0);
    expect(w.documents()).toEqual(expectedDocuments());
    for (const f of afterCrash) expect(w.stored()).toContain(f);
    expect((await w.cli(['verify'])).code).toBe(0);
  });

  inWorld('completes correctly under 5xx, 429 and 503 with Retry-After, lost answers and cut uploads, waiting exactly as asked', async (w) => {
    w.seedSignIn();
    const warm = await w.backup('--only', 'orders');
    expect(warm.code, warm.stderr).toBe(0);
    const uploads = { method: 'PUT', path: /\.pdf:\/content$/ };
    w.onedrive.injectFault({ kind: 'throttled', status: 429, retryAfterSeconds: 2, match: uploads });
    w.onedrive.injectFault({ kind: 'throttled', status: 503, retryAfterSeconds: 1, match: uploads });
    w.onedrive.injectFault({ kind: 'serverError', status: 500, match: uploads });
    w.onedrive.injectFault({ kind: 'dropResponse', match: uploads });
    w.onedrive.injectFault({ kind: 'resetMidUpload', match: uploads });
    w.onedrive.injectFault({ kind: 'serverError', status: 503, match: { method: 'GET', path: /\/children$/ } });
    const result = await w.backup('--only', 'invoices,receipts');
    expect(result.code, result.stderr).toBe(0);
    expect(w.documents()).toEqual(expectedDocuments());
    expect(w.onedrive.requests.filter((r) => r.fault)).toHaveLength(6);
    // The upload the 429 answered went again no sooner than its Retry-After said.
    const throttled = w.onedrive.requests.find((r) => r.fault === 'throttled' && r.status === 429)!;
    const retried = w.onedrive.requests.find((r) => r.at > throttled.at && r.path === throttled.path)!;
    expect(retried.at - throttled.at).toBeGreaterThanOrEqual(2000);
    expect(logMessages(result.stderr)).toMatch(/HTTP 429 activityLimitReached.*; retry 1 in 2 s/);
  });

  inWorld('SIGTERM while uploads wait out a 10-minute Retry-After: exit 143 at once with one line; the next run stores each document once', async (w) => {
    w.seedSignIn();
    expect((await w.backup('--only', 'orders')).code).toBe(0);
    w.onedrive.injectFault({ kind: 'throttled', status: 429, retryAfterSeconds: 600, match: { method: 'PUT', path: /\.pdf:\/content$/ } });
    const running = startCli(['run', '--date', AS_OF, '--only', 'invoices,receipts'], w.env, 60_000);
    expect(await waitFor(() => w.onedrive.requests.some((r) => r.fault === 'throttled'), running)).toBe(true);
    running.child.kill('SIGTERM');
    const stopped = await running.result;
    expect(stopped.code, stopped.stderr).toBe(143);
    const lines = logMessages(stopped.stderr).split('\n');
    expect(lines.at(-1)).toBe('interrupted by SIGTERM: stopped before the end; what was stored is recorded, and the next run goes on from here');
    expect(lines.filter((l) => l.startsWith('could not store'))).toEqual([]);

    const next = await w.backup('--only', 'invoices,receipts');
    expect(next.code, next.stderr).toBe(0);
    expect(w.documents()).toEqual(expectedDocuments());
  });

  inWorld('a full OneDrive (507) stops with exit 3 and says what to do; the next run stores the rest', async (w) => {
    w.seedSignIn();
    w.onedrive.injectFault({ kind: 'insufficientStorage', match: { method: 'PUT', path: /\.pdf:\/content$/ } });
    const full = await w.backup('--only', 'invoices');
    expect(full.code).toBe(3);
    expect(logMessages(full.stderr)).toMatch(/onedrive: OneDrive is full \(quotaLimitReached\): free up space or buy more storage; the next run stores the rest/);
    expect((await w.backup('--only', 'invoices')).code).toBe(0);
    expect(w.documents().filter((f) => f.includes('/Invoices/'))).toEqual(expectedDocuments().filter((f) => f.includes('/Invoices/')));
  });

  inWorld('revoke forgets the sign-in and says where to remove the access; runs exit 5 until `backup auth onedrive`', async (w) => {
    await w.signIn();
    expect((await w.backup('--only', 'receipts')).code).toBe(0);
    const before = w.stored();

    const revoked = await w.cli(['revoke']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`OneDrive: Microsoft has no call that withdraws one app's sign-in; ${CREDENTIALS} removed.`);
    expect(revoked.stdout).toContain('https://account.live.com/consent/Manage');
    expect(revoked.stdout).toContain('https://myapps.microsoft.com');
    expect(revoked.stdout).toMatch(/The backup to onedrive is stopped; what is stored there stays\. Run `backup auth onedrive` to resume\./);
    expect(fs.existsSync(path.join(w.dataDir, CREDENTIALS))).toBe(false);

    const requests = w.onedrive.requests.length;
    const stopped = await w.backup();
    expect(stopped.code).toBe(5);
    expect(stopped.stderr).toMatch(/backup to OneDrive revoked on \d{4}-\d{2}-\d{2}; run `backup auth onedrive` to resume/);
    expect(w.onedrive.requests.length).toBe(requests);
    expect(w.stored()).toEqual(before);

    expect(await w.signIn()).toMatch(/The revocation is lifted: the next run resumes where the last one stopped\./);
    expect((await w.backup()).code).toBe(0);
    expect(w.documents()).toEqual(expectedDocuments());
  });

  inWorld('a sign-in Microsoft no longer accepts (invalid_grant) exits 5, naming the likely cause and `backup auth onedrive`', async (w) => {
    w.seedSignIn();
    const saved = JSON.parse(fs.readFileSync(path.join(w.dataDir, CREDENTIALS), 'utf8')) as { refreshToken: string };
    // The owner removed the app at account.live.com/consent/Manage.
    w.onedrive.revokeConsent();
    const result = await w.backup();
    expect(result.code).toBe(5);
    const said = logMessages(result.stderr);
    // One line: a run that can write nowhere says so before anything else.
    expect(said.split('\n')).toHaveLength(1);
    expect(said).toMatch(/Microsoft refused the saved OneDrive sign-in \(invalid_grant AADSTS65001\): the app's access was removed from the Microsoft account/);
    expect(said).toMatch(/Run `backup auth onedrive` to sign in again$/);
    expect(result.stderr + result.stdout).not.toContain(saved.refreshToken);
    expect(w.stored()).toEqual([]);
  });

  inWorld('the headless alternative: a refresh token from the environment (rotation said once), and a local copy beside OneDrive', async (w) => {
    const local = path.join(w.root, 'copy');
    const headless = { ONEDRIVE_REFRESH_TOKEN: w.onedrive.issueRefreshToken(), BACKUP_DESTINATION: `onedrive,local:${local}` };
    // `backup auth onedrive` checks the environment's sign-in instead of making another.
    const checked = await w.cli(['auth', 'onedrive'], headless);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/^Signed in to OneDrive as owner@outlook\.com \(ONEDRIVE_REFRESH_TOKEN; .*\); backups go to Apps\/BaseLinker Backup\/ in that OneDrive\.$/m);
    const result = await w.cli(['run', '--date', AS_OF, '--only', 'invoices'], headless);
    expect(result.code, result.stderr).toBe(0);
    const warnings = logMessages(result.stderr).split('\n').filter((l) => l.includes('ONEDRIVE_REFRESH_TOKEN'));
    expect(warnings).toEqual([expect.stringMatching(/the new one cannot be saved in the environment; run `backup auth onedrive`/)]);
    const invoices = landmarks.invoices.thisMonth.map((n) => `${MONTH}/Invoices/${n.replaceAll('/', '_')}.pdf`).sort();
    expect(w.stored()).toEqual([CUTOFF_RECORD, ...invoices].sort());
    for (const f of invoices) expect(fs.existsSync(path.join(local, f))).toBe(true);
    expect(fs.existsSync(path.join(w.dataDir, CREDENTIALS))).toBe(false);
  });

  inWorld('onedrive:<folder path> asks for the whole drive and stores under that folder; the app-folder sign-in is not enough for it', async (w) => {
    w.seedSignIn();
    w.env.BACKUP_DESTINATION = 'onedrive:/Backups/Shop/';
    const refused = await w.backup('--only', 'receipts');
    expect(refused.code).toBe(5);
    expect(logMessages(refused.stderr)).toMatch(/may write only to the app's own folder, and onedrive:Backups\/Shop needs the whole drive \(Files\.ReadWrite\): run `backup auth onedrive` again/);

    expect(await w.signIn()).toMatch(/backups go to Backups\/Shop\/ in that OneDrive\./);
    expect(w.onedrive.grantedScopes().at(-1)).toEqual(['Files.ReadWrite', 'User.Read', 'offline_access']);
    expect((await w.backup('--only', 'receipts')).code).toBe(0);
    const receipts = w.onedrive.files.filter((f) => f.path.startsWith(`Backups/Shop/${MONTH}/Receipts/`));
    expect(receipts).toHaveLength(landmarks.receipts.thisMonth.length);
    const status = JSON.parse((await w.cli(['status', '--json'])).stdout) as { destinations: { id: string }[] };
    expect(status.destinations.map((d) => d.id)).toEqual(['onedrive:Backups/Shop']);
  });
});
