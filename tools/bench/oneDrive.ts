// End to end into OneDrive: the real CLI against the BaseLinker and OneDrive emulators over HTTP, small enough to
// take about a minute. What it measures is requests, not speed: Microsoft publishes no pace for OneDrive, so a
// request saved is what matters.
// - first night: a backfill of a few hundred documents into an empty app folder: Graph requests per stored file,
//   by kind (uploads, listings, folders, inventories of identities);
// - next night: nothing new but the orders CSV;
// - a lost ledger: the data dir removed, a dry run adopts what OneDrive holds (reading only) and plans the rest:
//   what adopting N stored files costs, and that nothing but the new CSV would be stored again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { largeShop } from '../emulators/baselinker/largeShop.js';
import { startBaseLinkerEmulator } from '../emulators/baselinker/server.js';
import { startOneDriveEmulator, type OneDriveEmulator, type RequestRecord } from '../emulators/onedrive/server.js';
import { runCli, type CliRun } from './cliRun.js';
import type { BenchRow, BenchSection } from './report.js';

const AS_OF = '2026-11-20';
const TIME_ZONE = 'Europe/Warsaw';
const TOKEN = 'bench-token-not-a-secret';
/** More than one batch of identities (200), few enough to render in well under a minute. */
const SHOP = { orders: 600, invoices: 160, receipts: 80 };
/** The issue's target for the normal path. */
const TARGET_PER_DOCUMENT = 1.1;

interface Night {
  run: CliRun;
  calls: RequestRecord[];
}

interface Result {
  files: number;
  inventories: number;
  first: Night;
  next: Night;
  adoption: Night & { planned: number };
}

async function measure(): Promise<Result> {
  process.stderr.write(`  (end to end: OneDrive, ${SHOP.invoices} invoices, ${SHOP.receipts} receipts, backfill …)\n`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'blb-bench-onedrive-'));
  const baselinker = await startBaseLinkerEmulator({ token: TOKEN, shop: largeShop({ asOf: AS_OF, timeZone: TIME_ZONE, ...SHOP }), requestsPerMinute: 1_000_000 });
  const onedrive = await startOneDriveEmulator({ refreshGraceSeconds: 24 * 3600 });
  const dataDir = path.join(workDir, 'data');
  const env = {
    BASELINKER_TOKEN: TOKEN,
    BASELINKER_API_URL: baselinker.url,
    BASELINKER_REQUESTS_PER_MINUTE: '0',
    BACKUP_DATA_DIR: dataDir,
    BACKUP_TIMEZONE: TIME_ZONE,
    BACKUP_LOG_FORMAT: 'json',
    BACKUP_BACKFILL_FROM: 'all',
    BACKUP_DESTINATION: 'onedrive',
    ONEDRIVE_CLIENT_ID: onedrive.clientId,
    ONEDRIVE_REFRESH_TOKEN: onedrive.issueRefreshToken(),
    ONEDRIVE_API_ROOT_URL: onedrive.graphUrl,
    ONEDRIVE_LOGIN_URL: onedrive.loginUrl,
  };
  const night = async (args: string[]): Promise<Night> => {
    const from = onedrive.requests.length;
    const run = await runCli(['run', '--date', AS_OF, ...args], env, { workDir, timeoutMs: 4 * 60_000 });
    if (run.leftLoopback && run.leftLoopback.length > 0) throw new Error(`the CLI tried to leave 127.0.0.1: ${run.leftLoopback.join(', ')}`);
    if (run.code !== 0) throw new Error(`backup run ${args.join(' ')} ended with ${run.code ?? run.signal}:\n${run.stderrTail}`);
    return { run, calls: onedrive.requests.slice(from).filter((r) => !r.path.includes('/oauth2/')) };
  };
  try {
    const first = await night([]);
    const files = stored(onedrive);
    const next = await night([]);
    fs.rmSync(dataDir, { recursive: true });
    const adoption = await night(['--dry-run', '--json']);
    const planned = (JSON.parse(adoption.run.stdout) as { planned: unknown[] }).planned.length;
    return { files, inventories: onedrive.files.filter((f) => isInventory(f.path)).length, first, next, adoption: { ...adoption, planned } };
  } finally {
    await Promise.all([baselinker.close(), onedrive.close()]);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const isInventory = (p: string) => /\/\.baselinker-backup\/identities-[^/]+\.json$/.test(p);
const stored = (onedrive: OneDriveEmulator) => onedrive.files.filter((f) => !f.folder && !isInventory(f.path)).length;

/** What a Graph request was for, from its method and path. */
function kind(r: RequestRecord): string {
  const p = decodeURIComponent(r.path);
  if (r.path.startsWith('/download/')) return 'inventory reads';
  if (r.method === 'PUT' && isInventory(p.replace(/:\/content$/, ''))) return 'inventory writes';
  if (r.method === 'PUT' || r.path.startsWith('/up/') || p.endsWith('/createUploadSession')) return 'uploads';
  if (r.method === 'POST') return 'folder creates';
  if (p.endsWith('/children')) return 'listings';
  return 'look-ups';
}

function byKind(calls: readonly RequestRecord[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(kind(c), (counts.get(kind(c)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

let result: Promise<Result> | null = null;

async function rows(): Promise<BenchRow[]> {
  const r = await (result ??= measure());
  const perFile = r.first.calls.length / r.files;
  const adopted = r.files - 1;
  return [
    { what: 'files stored the first night', figure: String(r.files), note: `${SHOP.invoices} invoices, ${SHOP.receipts} receipts, the orders CSV and the cutoff record; ${(r.first.run.wallMs / 1000).toFixed(1)} s` },
    { what: 'Graph requests per stored file, first night', figure: perFile.toFixed(3), note: `${r.first.calls.length}: ${byKind(r.first.calls)}` },
    { what: `at most ${TARGET_PER_DOCUMENT} requests per stored file`, figure: perFile <= TARGET_PER_DOCUMENT ? 'PASS' : 'FAIL' },
    { what: 'inventories of identities written', figure: String(r.inventories), note: 'one per 200 files stored, and one at the end of each run that stored any' },
    { what: 'Graph requests, next night (only a new orders CSV)', figure: String(r.next.calls.length), note: byKind(r.next.calls) },
    {
      what: `adopting a lost ledger of ${adopted} stored files (dry run)`,
      figure: `${r.adoption.calls.length} requests`,
      note: `${byKind(r.adoption.calls)}; then ${r.adoption.planned} file would be stored (the new CSV)`,
    },
  ];
}

export const ONEDRIVE_SECTIONS: BenchSection[] = [{ title: 'End to end: the CLI over HTTP into OneDrive (app folder), requests per file and adoption', run: rows }];
