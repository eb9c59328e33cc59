// The run in this process: the BaseLinker emulator's shop answered in memory, any destination, a ledger in a temp
// folder. The run's rules (cutoff, backfill, recheck window, versions, adoption, exit codes) are tested this way
// in milliseconds; the CLI and HTTP are tested end to end elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { resolveAsOf } from '../../src/backup/asOf.js';
import { recordingExecutor, storingExecutor } from '../../src/backup/deliver.js';
import { runBackup, type RunReport } from '../../src/backup/run.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { DocumentKind } from '../../src/domain/documents.js';
import type { Destination } from '../../src/destinations/destination.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { systemClock, type Clock } from '../../src/lib/clock.js';
import { silentLogger, type Logger } from '../../src/lib/logger.js';
import { createDocumentRenderer } from '../../src/render/pool.js';
import { inMemoryBaseLinker } from '../../tools/emulators/baselinker/inMemory.js';
import type { Shop } from '../../tools/emulators/baselinker/shop.js';
import { tempDir } from './tempDir.js';

export const TIME_ZONE = 'Europe/Warsaw';

/** A configuration as the loader makes it, from these environment variables; the destinations are passed apart. */
export function testConfig(env: Record<string, string> = {}): Config {
  const dir = tempDir('blb-config-');
  return loadConfig({ BACKUP_DESTINATION: `local:${path.join(dir, 'unused')}`, BACKUP_TIMEZONE: TIME_ZONE, BACKUP_DATA_DIR: path.join(dir, 'data'), ...env }, dir);
}

export interface InProcessRun {
  shop: Shop;
  destinations: readonly Destination[];
  ledger: Ledger;
  asOf: string;
  config?: Config;
  kinds?: DocumentKind[];
  dryRun?: boolean;
  clock?: Clock;
  logger?: Logger;
}

export async function runInProcess(o: InProcessRun): Promise<RunReport> {
  const config = o.config ?? testConfig();
  const spoolDir = tempDir('blb-spool-');
  fs.mkdirSync(spoolDir, { recursive: true });
  return runBackup(
    {
      config,
      ledger: o.ledger,
      destinations: o.destinations,
      api: inMemoryBaseLinker(o.shop),
      clock: o.clock ?? systemClock,
      logger: o.logger ?? silentLogger,
      executor: o.dryRun ? recordingExecutor : storingExecutor,
      spoolDir,
      renderer: createDocumentRenderer({ cores: 1 }),
    },
    { asOf: resolveAsOf(o.asOf, systemClock.now(), config.timeZone), kinds: o.kinds ?? config.kinds },
  );
}

/** A ledger in a temp data dir, as a run opens it. */
export function freshLedger(): Ledger {
  return Ledger.open(tempDir('blb-ledger-'));
}
