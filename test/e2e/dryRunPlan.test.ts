// One plan, two executors: a real run right after a dry run over the same state stores exactly the paths the dry
// run planned, on an account where names collide, documents have versions, and there are two destinations.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDir.js';

const AS_OF = '2026-11-20';
const TOKEN = 'dry-run-plan-token-1234';
let emulator: BaseLinkerEmulator | null = null;
afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

type RunJson = { exitCode: number; planned?: { destination: string; path: string }[]; stored?: { destination: string; path: string }[] };
/** An orders file is named after the moment of its download: the dry run's and the real run's differ in it. */
const sameMoment = (p: { destination: string; path: string }) => `${p.destination}  ${p.path.replace(/_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}/, '_<moment>')}`;

describe('the dry run plans what the real run stores', () => {
  it('colliding numbers, a new version and two destinations: the same paths, name for name', async () => {
    const shop = demoShop({ asOf: AS_OF });
    // Two invoices with one number: the second gets its id in its name.
    const template = shop.invoices.find((i) => i.number === 'FV/3/11/2026')!;
    shop.invoices.push({ ...structuredClone(template), invoice_id: 9_200_001 });
    emulator = await startBaseLinkerEmulator({ token: TOKEN, shop });
    const dir = tempDir('blb-plan-');
    const env = {
      BASELINKER_TOKEN: TOKEN,
      BASELINKER_API_URL: emulator.url,
      BASELINKER_REQUESTS_PER_MINUTE: '0',
      BACKUP_TIMEZONE: 'Europe/Warsaw',
      BACKUP_DATA_DIR: path.join(dir, 'data'),
      BACKUP_DESTINATION: `local:${path.join(dir, 'a')},local:${path.join(dir, 'b')}`,
    };
    const run = async (...args: string[]) => {
      const result = await runCli(['run', '--date', AS_OF, '--json', ...args], env, { timeoutMs: 120_000 });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as RunJson;
    };

    // The first night: nothing stored yet, so the dry run plans on an empty ledger.
    const firstPlan = await run('--dry-run');
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
    const first = await run();
    expect(first.stored!.map(sameMoment).sort()).toEqual(firstPlan.planned!.map(sameMoment).sort());
    expect(first.stored!.map((p) => p.path)).toContain('BaseLinker Backup/2026/11/Invoices/FV_3_11_2026 (id 9200001).pdf');

    // An invoice is edited in BaseLinker: the next night stores it as a new version, beside the original.
    shop.invoices.find((i) => i.number === 'FV/5/11/2026')!.invoice_fullname = 'Zofia Nowak-Kowalska';
    const secondPlan = await run('--dry-run');
    const second = await run();
    expect(second.stored!.map(sameMoment).sort()).toEqual(secondPlan.planned!.map(sameMoment).sort());
    const versions = second.stored!.filter((p) => p.path.includes('/Invoices/')).map(sameMoment).sort();
    expect(versions).toEqual([
      `local:${path.join(dir, 'a')}  BaseLinker Backup/2026/11/Invoices/FV_5_11_2026 (v2).pdf`,
      `local:${path.join(dir, 'b')}  BaseLinker Backup/2026/11/Invoices/FV_5_11_2026 (v2).pdf`,
    ]);
  }, 240_000);
});
