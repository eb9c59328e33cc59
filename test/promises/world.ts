// One self-contained world for a promise test: the BaseLinker emulator with the demo shop, a data dir and a
// destination in a temp folder, and the real CLI pointed at them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import type { Shop } from '../../tools/emulators/baselinker/shop.js';
import type { DocumentRow, RunRow } from '../../src/ledger/ledger.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startCli, type RunningCli } from './cliProcess.js';
import { compareWithLedger, duplicatesAndLost, partialFiles, referenceFrom, type Reference } from './checks.js';
import type { HarnessDestination, TrialDestination } from './destinations.js';

export const AS_OF = '2026-11-20';
export const TIME_ZONE = 'Europe/Warsaw';
/** Recognisable, so the secrets test can search every output for it. */
export const TOKEN = 'BLTOKEN-promise-5ecr3t-7f3a9c21d4e8';

export interface World {
  root: string;
  dataDir: string;
  emulator: BaseLinkerEmulator;
  destination: TrialDestination;
  env: Record<string, string>;
  /** `backup run --date AS_OF …`, to the end. */
  run(args?: string[], env?: Record<string, string>): Promise<CliResult>;
  /** `backup run --date AS_OF …`, left running. */
  start(args?: string[], env?: Record<string, string>): RunningCli;
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  rows(): DocumentRow[];
  runs(): RunRow[];
  /** Any read-only query on the ledger ([] when there is none yet). */
  query<T>(sql: string): T[];
  close(): Promise<void>;
}

// A SIGKILL loses nothing that was written, fsynced or not, so the worlds live in memory when the machine offers
// it: the many fsyncs of a run cost nothing there, and the trials run several times faster.
const TEMP_BASE = (() => {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
})();
/** A fresh temp folder; the caller removes it (a world does when it closes). */
/** Whether the BaseLinker emulator of this world has received a request for `method` yet (for waitFor). */
export const methodArrived = (world: World, method: string) => () => world.emulator.requests.some((r) => r.method === method);

export function worldDir(prefix = 'blb-promise-'): string {
  return fs.mkdtempSync(path.join(TEMP_BASE, prefix));
}

export async function openWorld(harness: HarnessDestination, o: { shop?: Shop; env?: Record<string, string> } = {}): Promise<World> {
  const root = worldDir();
  const emulator = await startBaseLinkerEmulator({ token: TOKEN, shop: o.shop ?? demoShop({ asOf: AS_OF, timeZone: TIME_ZONE }) });
  const destination = await harness.open(root);
  const dataDir = path.join(root, 'data');
  const env = {
    BASELINKER_TOKEN: TOKEN,
    BASELINKER_API_URL: emulator.url,
    BASELINKER_REQUESTS_PER_MINUTE: '0',
    BACKUP_DATA_DIR: dataDir,
    BACKUP_TIMEZONE: TIME_ZONE,
    ...destination.env,
    ...o.env,
  };
  const query = <T>(sql: string): T[] => {
    const file = path.join(dataDir, 'ledger.sqlite');
    if (!fs.existsSync(file)) return [];
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as T[];
    } catch (error) {
      // A run killed while creating the ledger leaves a file without tables: nothing recorded yet.
      if (/no such table/.test((error as Error).message)) return [];
      throw error;
    } finally {
      db.close();
    }
  };
  return {
    root,
    dataDir,
    emulator,
    destination,
    env,
    run: (args = [], extra = {}) => runCli(['run', '--date', AS_OF, ...args], { ...env, ...extra }, { timeoutMs: 120_000 }),
    start: (args = [], extra = {}) => startCli(['run', '--date', AS_OF, ...args], { ...env, ...extra }),
    cli: (args, extra = {}) => runCli(args, { ...env, ...extra }, { timeoutMs: 120_000 }),
    rows: () => query<DocumentRow>('SELECT * FROM documents ORDER BY id'),
    runs: () => query<RunRow>('SELECT * FROM runs ORDER BY id'),
    query,
    /** Stops the emulators and removes the world's folder (tests run side by side, so each cleans up its own). */
    async close() {
      try {
        await destination.close();
        await emulator.close();
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** What a clean, uninterrupted run stores into a fresh destination: what every other outcome is compared with. */
export async function cleanRun(harness: HarnessDestination): Promise<Reference> {
  const world = await openWorld(harness);
  try {
    const result = await world.run();
    if (result.code !== 0) throw new Error(`the clean reference run failed (${result.code}): ${result.stderr}`);
    return referenceFrom(await world.destination.files());
  } finally {
    await world.close();
  }
}

/** After a completed run: every problem with "every document exactly once, whole, and as the ledger says". */
export async function exactlyOnceProblems(world: World, reference: Reference): Promise<string[]> {
  const files = await world.destination.files();
  const rows = world.rows();
  const { duplicates, lost } = duplicatesAndLost(files, rows, reference);
  return [...duplicates, ...lost, ...partialFiles(files, reference), ...compareWithLedger(files, rows, { completed: true }).problems];
}
