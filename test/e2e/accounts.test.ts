// An accounting office: several client shops in one installation, end to end through the CLI over HTTP, into one
// Google Drive. One client's wrong token fails that client alone; shards started at once (as the pods of a
// Kubernetes Indexed Job) back up every client exactly once, night after night, without a data dir of their own.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import type { Shop } from '../../tools/emulators/baselinker/shop.js';
import { startDriveEmulator, type DriveEmulator } from '../../tools/emulators/drive/server.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDir.js';
import { driveCliEnv } from '../../tools/emulators/drive/cliEnv.js';

const AS_OF = '2026-11-20';
const NEXT_NIGHT = '2026-11-21';

interface Client {
  id: string;
  name: string;
  nip: string;
  token: string;
}

const CLIENTS: Client[] = [
  { id: 'alfa', name: 'Alfa', nip: '5261040828', token: 'token-alfa-0001' },
  { id: 'beta', name: 'Beta Handel', nip: '7770001111', token: 'token-beta-0002' },
  { id: 'gamma', name: 'Gamma', nip: '1112223332', token: 'token-gamma-0003' },
  { id: 'delta', name: 'Delta', nip: '1010101016', token: 'token-delta-0004' },
  { id: 'epsilon-2', name: 'Epsilon', nip: 'BE0123456789', token: 'token-epsilon-0005' },
];

/** A client's own shop: the demo shop with ids of its own, as BaseLinker's ids are unique across accounts. */
function shopOf(index: number): Shop {
  const shop = demoShop({ asOf: AS_OF });
  const offset = (index + 1) * 10_000_000;
  for (const o of shop.orders) o.order_id += offset;
  for (const i of shop.invoices) {
    i.invoice_id += offset;
    i.order_id += offset;
    if (i.correcting_to_invoice_id > 0) i.correcting_to_invoice_id += offset;
  }
  for (const r of shop.receipts) {
    r.receipt_id += offset;
    r.order_id += offset;
  }
  return shop;
}

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

async function office(clients: readonly Client[]) {
  const [first, ...rest] = clients.map((c, i) => ({ label: c.id, token: c.token, shop: shopOf(i) }));
  const baselinker: BaseLinkerEmulator = await startBaseLinkerEmulator({ token: first!.token, shop: first!.shop, accounts: rest });
  const drive: DriveEmulator = await startDriveEmulator();
  running.push(baselinker, drive);
  const dir = tempDir('blb-office-');
  const configFile = path.join(dir, 'backup.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({ destinations: ['gdrive'], accounts: clients.map((c) => ({ id: c.id, name: c.name, nip: c.nip })) }, null, 2),
    { mode: 0o600 },
  );
  const tokens = Object.fromEntries(clients.map((c) => [`BASELINKER_TOKEN_${c.id.toUpperCase().replaceAll('-', '_')}`, c.token]));
  const env = {
    BACKUP_CONFIG: configFile,
    BASELINKER_API_URL: baselinker.url,
    BASELINKER_REQUESTS_PER_MINUTE: '0',
    BACKUP_TIMEZONE: 'Europe/Warsaw',
    GDRIVE_WRITES_PER_SECOND: '0',
    ...driveCliEnv(drive),
    ...tokens,
  };
  const files = () => drive.tree().filter((p) => !p.endsWith('/'));
  return { baselinker, drive, dir, env, files };
}

const folderOf = (c: Client) => `BaseLinker Backup/${c.name}_${c.nip}/`;

describe('an accounting office: many client accounts in one installation', () => {
  it("one client's wrong token fails that client alone (exit 5); the others complete in their own folders; fixed, it runs alone", async () => {
    const clients = CLIENTS.slice(0, 3);
    const o = await office(clients);
    const env = { ...o.env, BACKUP_DATA_DIR: path.join(o.dir, 'data'), BASELINKER_TOKEN_GAMMA: 'a-wrong-token-for-gamma' };

    const night = await runCli(['run', '--date', AS_OF], env, { timeoutMs: 120_000 });
    expect(night.code).toBe(5);
    expect(night.stderr).toMatch(/"account":"gamma".*BaseLinker refused the token|BaseLinker refused the token.*"account":"gamma"/);
    const [alfa, beta, gamma] = clients as [Client, Client, Client];
    const stored = o.files();
    for (const client of [alfa, beta]) {
      const own = stored.filter((f) => f.startsWith(folderOf(client)));
      expect(own.filter((f) => f.includes('/Invoices/'))).toHaveLength(15);
      expect(own.filter((f) => f.includes('/Receipts/'))).toHaveLength(7);
      expect(own.filter((f) => f.includes('/Orders/'))).toHaveLength(2);
    }
    expect(stored.filter((f) => f.startsWith(folderOf(gamma)))).toEqual([]);
    // Each client's files are its own: the invoices in Alfa's folder are Alfa's.
    const alfaInvoice = o.drive.files.find((f) => f.path.startsWith(`${folderOf(alfa)}2026/11/Invoices/`) && f.appProperties.kind === 'invoices')!;
    expect(Number(alfaInvoice.appProperties.source)).toBeGreaterThan(10_000_000);
    expect(Number(alfaInvoice.appProperties.source)).toBeLessThan(20_000_000);

    const status = await runCli(['status'], env);
    expect(status.code).toBe(0);
    const lines = status.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('alfa '))).toMatch(/ ok .*invoices 15/);
    expect(lines.find((l) => l.startsWith('beta '))).toMatch(/ ok .*invoices 15/);
    expect(lines.find((l) => l.startsWith('gamma '))).toMatch(/ failed \(exit 5\)/);

    const fixed = await runCli(['run', '--date', AS_OF, '--account', 'gamma'], { ...env, BASELINKER_TOKEN_GAMMA: gamma.token }, { timeoutMs: 120_000 });
    expect(fixed.code).toBe(0);
    const after = o.files();
    expect(after.filter((f) => f.startsWith(folderOf(gamma)) && f.includes('/Invoices/'))).toHaveLength(15);
    // The others were not run again.
    expect(after.filter((f) => f.startsWith(folderOf(alfa)))).toEqual(stored.filter((f) => f.startsWith(folderOf(alfa))));
    expect(o.drive.forbiddenCalls).toEqual([]);
  }, 150_000);

  it('five clients over three shards started at once, each without a data dir of its own from the night before: every client once, night after night', async () => {
    const o = await office(CLIENTS);
    const night = async (date: string, n: number) => {
      const shards = await Promise.all(
        [0, 1, 2].map((i) => runCli(['run', '--date', date, '--json'], { ...o.env, BACKUP_SHARD: `${i}/3`, BACKUP_DATA_DIR: path.join(o.dir, `night-${n}-pod-${i}`) }, { timeoutMs: 120_000 })),
      );
      for (const s of shards) expect(s.code, s.stderr).toBe(0);
      return shards.map((s) => JSON.parse(s.stdout) as { accounts?: { account: string }[]; account?: string });
    };
    const accountsIn = (doc: { accounts?: { account: string }[]; account?: string }) => (doc.accounts ? doc.accounts.map((a) => a.account) : doc.account ? [doc.account] : []);

    const first = await night(AS_OF, 1);
    const ran = first.flatMap(accountsIn);
    expect(ran.sort()).toEqual(CLIENTS.map((c) => c.id).sort());
    const stored = o.files();
    expect(new Set(stored).size).toBe(stored.length);
    for (const client of CLIENTS) expect(stored.filter((f) => f.startsWith(folderOf(client)) && f.includes('/Invoices/'))).toHaveLength(15);

    // The next night, in new pods with empty data dirs: each client adopts its backup and stores only its new
    // orders files; nothing is stored twice.
    const second = await night(NEXT_NIGHT, 2);
    expect(second.flatMap(accountsIn).sort()).toEqual(ran.sort());
    const after = o.files();
    expect(new Set(after).size).toBe(after.length);
    const added = after.filter((f) => !stored.includes(f));
    expect(added.every((f) => f.includes('/Orders/'))).toBe(true);
    expect(added).toHaveLength(CLIENTS.length * 2);
    expect(after.filter((f) => /\(id \d+\)/.test(f))).toEqual([]);
    expect(o.drive.forbiddenCalls).toEqual([]);
  }, 240_000);
});
