// An accounting office's night: many client shops of realistic nightly size in one installation, stored by one
// process into one Google Drive with Google's write limit on (3 writes a second, the same for every client: it is
// the Google account's) and BaseLinker's on (100 requests a minute, each client's token its own). Time runs
// faster for the CLI and both emulators alike (BACKUP_TIME_SCALE, lib/clock.ts). Printed: the wall time against
// the lower bound those limits set, whether Drive was ever made to refuse a write, and the peak memory, for 50 and
// 200 clients: how both grow, and so when one machine stops being enough.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { largeShop } from '../emulators/baselinker/largeShop.js';
import { startBaseLinkerEmulator } from '../emulators/baselinker/server.js';
import { startDriveEmulator, type RequestRecord } from '../emulators/drive/server.js';
import { scaledClock, TIME_SCALE_ENV } from '../../src/lib/clock.js';
import { runCli, type CliRun } from './cliRun.js';
import { count, mb, percent, seconds, type BenchRow, type BenchSection } from './report.js';
import { driveCliEnv } from '../emulators/drive/cliEnv.js';

const AS_OF = '2026-11-20';
const TIME_ZONE = 'Europe/Warsaw';
const CLIENTS = [50, 200] as const;
const TIME_SCALE = 10;
/** A small shop's month so far: a first night stores this month's few invoices and receipts and two CSVs. */
const SHOP = { orders: 60, invoices: 6, receipts: 3 };
const DRIVE_WRITES_PER_SECOND = 3;
const OUR_BASELINKER_BUDGET = 60;
const PARALLEL_ACCOUNTS = 4;

interface NightResult {
  clients: number;
  run: CliRun;
  /** Compressed-time figures. */
  seconds: number;
  driveWrites: number;
  writesRejected: number;
  baselinkerRequests: number;
  blocked: number;
  files: number;
  lowerBoundSeconds: number;
  boundBy: string;
}

const isWrite = (r: RequestRecord) => /^(POST \/drive\/v3\/files|POST \/upload\/drive\/v3\/files)/.test(`${r.method} ${r.path}`);

async function night(clients: number): Promise<NightResult> {
  process.stderr.write(`  (accounts: ${clients} client shops into one Drive, time ${TIME_SCALE}× faster …)\n`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'blb-bench-accounts-'));
  const origin = Date.now();
  const now = scaledClock(TIME_SCALE, origin).now;
  const ids = Array.from({ length: clients }, (_, i) => `client-${String(i + 1).padStart(3, '0')}`);
  const tokenOf = (id: string) => `bench-token-${id}`;
  const [first, ...rest] = ids.map((id) => ({ label: id, token: tokenOf(id), shop: largeShop({ asOf: AS_OF, timeZone: TIME_ZONE, ...SHOP }) }));
  const baselinker = await startBaseLinkerEmulator({ token: first!.token, shop: first!.shop, accounts: rest, requestsPerMinute: 100, blockSeconds: 300, now });
  const drive = await startDriveEmulator({ writesPerSecond: DRIVE_WRITES_PER_SECOND, now, accessTokenTtlSeconds: 3599 * TIME_SCALE });
  try {
    const configFile = path.join(workDir, 'backup.json');
    fs.writeFileSync(configFile, JSON.stringify({ destinations: ['gdrive'], accounts: ids.map((id) => ({ id, name: `Shop ${id}` })) }), { mode: 0o600 });
    const run = await runCli(
      ['run', '--date', AS_OF],
      {
        BACKUP_CONFIG: configFile,
        BACKUP_DATA_DIR: path.join(workDir, 'data'),
        BACKUP_TIMEZONE: TIME_ZONE,
        BACKUP_LOG_FORMAT: 'json',
        BACKUP_PARALLEL_ACCOUNTS: String(PARALLEL_ACCOUNTS),
        BASELINKER_API_URL: baselinker.url,
        BASELINKER_REQUESTS_PER_MINUTE: String(OUR_BASELINKER_BUDGET),
        GDRIVE_WRITES_PER_SECOND: String(DRIVE_WRITES_PER_SECOND),
        ...driveCliEnv(drive),
        [TIME_SCALE_ENV]: `${TIME_SCALE}@${origin}`,
        ...Object.fromEntries(ids.map((id) => [`BASELINKER_TOKEN_${id.toUpperCase().replaceAll('-', '_')}`, tokenOf(id)])),
      },
      { workDir, timeoutMs: 30 * 60_000 },
    );
    if (run.code !== 0) throw new Error(`the accounts run ended with ${run.code ?? run.signal}:\n${run.stderrTail}`);
    const writes = drive.requests.filter(isWrite);
    const accepted = writes.filter((r) => r.status >= 200 && r.status < 300);
    // Google's limit alone: every accepted write at 3 a second. BaseLinker's: each client's requests at our budget,
    // PARALLEL_ACCOUNTS clients at once.
    const driveBound = accepted.length / DRIVE_WRITES_PER_SECOND;
    const baselinkerBound = (baselinker.requests.length * 60) / OUR_BASELINKER_BUDGET / PARALLEL_ACCOUNTS;
    return {
      clients,
      run,
      seconds: (run.wallMs * TIME_SCALE) / 1000,
      driveWrites: accepted.length,
      writesRejected: writes.filter((r) => r.status === 403 || r.status === 429).length,
      baselinkerRequests: baselinker.requests.length,
      blocked: baselinker.requests.filter((r) => r.errorCode === 'ERROR_BLOCKED_TOKEN').length,
      files: drive.tree().filter((p) => !p.endsWith('/')).length,
      lowerBoundSeconds: Math.max(driveBound, baselinkerBound),
      boundBy: driveBound >= baselinkerBound ? "Google's 3 writes/s" : `BaseLinker at ${OUR_BASELINKER_BUDGET}/min, ${PARALLEL_ACCOUNTS} clients at once`,
    };
  } finally {
    await Promise.all([baselinker.close(), drive.close()]);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function accountsRows(): Promise<BenchRow[]> {
  const results: NightResult[] = [];
  for (const clients of CLIENTS) results.push(await night(clients));
  const rows = results.flatMap((r): BenchRow[] => [
    {
      what: `${r.clients} clients: one night, wall time`,
      figure: `${(r.seconds / 60).toFixed(1)} min`,
      note: `lower bound ${(r.lowerBoundSeconds / 60).toFixed(1)} min (${r.boundBy}): ${percent(r.lowerBoundSeconds / r.seconds)} of it; ${seconds(r.run.wallMs)} of real time`,
    },
    { what: `${r.clients} clients: files stored, Drive writes`, figure: count(r.files), note: `${count(r.driveWrites)} writes (files and folders), ${r.writesRejected} refused by Drive` },
    { what: `${r.clients} clients: BaseLinker requests`, figure: count(r.baselinkerRequests), note: `${r.blocked} blocked-token answers` },
    { what: `${r.clients} clients: peak RSS of the one process`, figure: mb(r.run.peakRssKb) },
  ]);
  const [small, big] = results as [NightResult, NightResult];
  rows.push({
    what: `from ${small.clients} to ${big.clients} clients`,
    figure: `×${(big.seconds / small.seconds).toFixed(1)} time`,
    note: `×${((big.run.peakRssKb ?? NaN) / (small.run.peakRssKb ?? NaN)).toFixed(2)} peak RSS, for ×${big.clients / small.clients} the clients`,
  });
  return rows;
}

export const ACCOUNTS_SECTIONS: BenchSection[] = [{ title: "Many accounts (an accounting office's clients): a first night into one Google Drive, limits on, compressed time", run: accountsRows }];
