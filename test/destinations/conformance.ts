// The suite every destination must pass (after rclone's fstests): the contract in destination.ts, attacked, and
// the promises a run keeps on top of it (adoption of a lost ledger, repair, another account's files).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repairDestinations } from '../../src/backup/repair.js';
import { verifyDestinations } from '../../src/backup/verify.js';
import { NameTakenError, type Destination, type FileIdentity } from '../../src/destinations/destination.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createDocumentRenderer } from '../../src/render/pool.js';
import { inMemoryBaseLinker } from '../../tools/emulators/baselinker/inMemory.js';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { freshLedger, runInProcess, testConfig } from '../helpers/inProcess.js';
import { tempDir } from '../helpers/tempDir.js';

/** One destination's storage, and ways to look at it and tamper with it behind the program's back. */
export interface DestinationHarness {
  /** A destination instance on this storage, as a new process would make it with this ledger. */
  open(ledger: Ledger): Destination;
  /** The bytes at "a/b/name", or null. */
  read(path: string): Promise<Buffer | null>;
  /** Every file under the root as "a/b/name" (the destination's own bookkeeping at the top excluded). */
  allFiles(): Promise<string[]>;
  /** Puts a file there as a person or another tool would (no identity). */
  plant(path: string, bytes: Buffer): Promise<void>;
  /** Removes a file, or cuts it to half its size, as a person or a broken disk would. */
  tamper(path: string, how: 'remove' | 'truncate'): Promise<void>;
  /** Calls that would have deleted, replaced or moved something, as the service recorded them; [] where none can. */
  violations(): unknown[];
  /** The checksum it reports for these bytes, computed apart from it; "sha256:<hex>" unless it names another. */
  checksum?(bytes: Uint8Array): string;
  /** Leaves an instance as a killed process would: never closed (for harnesses whose open() closes earlier ones). */
  abandon?(d: Destination): void;
}

const FOLDER = ['BaseLinker Backup', '2026', '11', 'Invoices'];
const AS_OF = '2026-11-20';
const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** Documents only: not the backup's own records in `.baselinker-backup/`. */
const documentsIn = (files: string[]) => files.filter((f) => !f.split('/').includes('.baselinker-backup')).sort();

function identity(token: string, body: Uint8Array, o: Partial<FileIdentity> = {}): FileIdentity {
  return { account: 'default', kind: 'invoices', sourceId: '3101', version: 1, hash: 'h1', token, size: body.byteLength, sha256: sha(body), ...o };
}

async function putDoc(d: Destination, folder: readonly string[], name: string, body: Uint8Array, o: Partial<FileIdentity> = {}) {
  return d.put({ folder, name, contentType: 'application/pdf', body, identity: identity(o.token ?? (await d.newToken()), body, o) });
}

export function destinationConformance(make: () => Promise<DestinationHarness>): void {
  it('stores bytes under the folder and name, creating the folders, and lists them with their identity', async () => {
    const h = await make();
    const d = h.open(freshLedger());
    const body = bytes('%PDF-1 one');
    const stored = await putDoc(d, FOLDER, 'FV_1_11_2026.pdf', body, { sourceId: '42' });
    expect(stored).toMatchObject({ created: true, size: 10 });
    // A new process sees what this one closed: identities a destination writes in batches are written by then.
    await d.close?.();
    expect((await h.read(`${FOLDER.join('/')}/FV_1_11_2026.pdf`))?.toString()).toBe('%PDF-1 one');
    expect(await h.allFiles()).toEqual(['BaseLinker Backup/2026/11/Invoices/FV_1_11_2026.pdf']);
    const listing = await h.open(freshLedger()).list(FOLDER, { checksums: true });
    expect(listing.files).toHaveLength(1);
    expect(stored.checksum).toBe(h.checksum?.(body) ?? `sha256:${sha(body)}`);
    expect(listing.files[0]).toMatchObject({ name: 'FV_1_11_2026.pdf', size: 10, checksum: stored.checksum, identity: { sourceId: '42', kind: 'invoices', size: 10, sha256: sha(body) } });
    expect((await d.list(['BaseLinker Backup', '2026'])).folders).toEqual(['11']);
  });

  it('lists a folder that does not exist as empty', async () => {
    const h = await make();
    expect(await h.open(freshLedger()).list(['BaseLinker Backup', '1999', '01'])).toEqual({ files: [], folders: [] });
  });

  it('a retry with the same token returns the stored copy and stores no second one', async () => {
    const h = await make();
    const d = h.open(freshLedger());
    const token = await d.newToken();
    const first = await putDoc(d, FOLDER, 'FV_2_11_2026.pdf', bytes('first'), { token });
    const again = await putDoc(d, FOLDER, 'FV_2_11_2026.pdf', bytes('second attempt'), { token });
    expect(again).toMatchObject({ created: false, location: first.location });
    expect((await h.read(`${FOLDER.join('/')}/FV_2_11_2026.pdf`))?.toString()).toBe('first');
    expect(await h.allFiles()).toHaveLength(1);
  });

  it('takes the same version of the same document, stored with a ledger since lost, as the copy it wants', async () => {
    const h = await make();
    const first = h.open(freshLedger());
    await putDoc(first, FOLDER, 'FV_3_11_2026.pdf', bytes('%PDF-1 v1'), { sourceId: '7', hash: 'record-hash' });
    await first.close?.();
    const again = await putDoc(h.open(freshLedger()), FOLDER, 'FV_3_11_2026.pdf', bytes('%PDF-1 v1 rendered by a newer layout'), { sourceId: '7', hash: 'record-hash' });
    expect(again.created).toBe(false);
    expect(await h.allFiles()).toHaveLength(1);
  });

  it('never replaces a file it did not store, nor another document of ours, under the name', async () => {
    const h = await make();
    const d = h.open(freshLedger());
    await putDoc(d, FOLDER, 'taken.pdf', bytes('original'), { sourceId: '1' });
    await expect(putDoc(d, FOLDER, 'taken.pdf', bytes('intruder'), { sourceId: '2' })).rejects.toBeInstanceOf(NameTakenError);
    await h.plant(`${FOLDER.join('/')}/by-hand.pdf`, Buffer.from('a person put this here'));
    await expect(putDoc(h.open(freshLedger()), FOLDER, 'by-hand.pdf', bytes('ours'), { sourceId: '3' })).rejects.toBeInstanceOf(NameTakenError);
    expect((await h.read(`${FOLDER.join('/')}/taken.pdf`))?.toString()).toBe('original');
    expect((await h.read(`${FOLDER.join('/')}/by-hand.pdf`))?.toString()).toBe('a person put this here');
    expect(await h.allFiles()).toHaveLength(2);
  });

  it('takes a file of exactly these bytes, found under the name without an identity, as the copy', async () => {
    const h = await make();
    const body = bytes('%PDF-1 stored by an older version');
    await h.plant(`${FOLDER.join('/')}/FV_4_11_2026.pdf`, Buffer.from(body));
    const d = h.open(freshLedger());
    const stored = await putDoc(d, FOLDER, 'FV_4_11_2026.pdf', body, { sourceId: '4' });
    expect(stored.created).toBe(false);
    await d.close?.();
    expect(documentsIn(await h.allFiles())).toHaveLength(1);
    // From now on it carries the identity, as if stored with one.
    expect((await h.open(freshLedger()).list(FOLDER)).files[0]!.identity).toMatchObject({ sourceId: '4' });
  });

  it('records identities for files stored without one, so a new ledger can tell them', async () => {
    const h = await make();
    const body = bytes('%PDF-1 legacy');
    await h.plant(`${FOLDER.join('/')}/legacy.pdf`, Buffer.from(body));
    const d = h.open(freshLedger());
    const [file] = (await d.list(FOLDER)).files;
    expect(file!.identity).toBeNull();
    await d.recordIdentities([{ folder: FOLDER, name: 'legacy.pdf', location: file!.location, identity: identity('legacy-token', body, { sourceId: '99' }) }]);
    expect((await h.open(freshLedger()).list(FOLDER)).files.find((f) => f.name === 'legacy.pdf')!.identity).toMatchObject({ sourceId: '99' });
    expect(documentsIn(await h.allFiles())).toEqual([`${FOLDER.join('/')}/legacy.pdf`]);
  });

  it('an identity pending at a crash (no close) is kept by recordIdentities, as the next run hands it over', async () => {
    const h = await make();
    const body = bytes('%PDF-1 stored just before a kill');
    const crashed = h.open(freshLedger());
    const stored = await putDoc(crashed, FOLDER, 'FV_5_11_2026.pdf', body, { sourceId: '5', hash: 'h5' });
    h.abandon?.(crashed);
    const [seen] = (await h.open(freshLedger()).list(FOLDER)).files;
    // Pending means not kept yet; a destination that keeps it with the file says so by not flagging it.
    if (stored.identityPending) expect(seen!.identity).toBeNull();
    else expect(seen!.identity).toMatchObject({ sourceId: '5' });
    const next = h.open(freshLedger());
    await next.recordIdentities([{ folder: FOLDER, name: 'FV_5_11_2026.pdf', location: stored.location, identity: identity('t5', body, { sourceId: '5', hash: 'h5' }) }]);
    expect((await h.open(freshLedger()).list(FOLDER)).files[0]!.identity).toMatchObject({ sourceId: '5', hash: 'h5' });
    expect(documentsIn(await h.allFiles())).toEqual([`${FOLDER.join('/')}/FV_5_11_2026.pdf`]);
  });

  // Legal everywhere: no character outside the Basic Multilingual Plane (an emoji), which Dropbox refuses and
  // naming.ts therefore never makes; a symbol inside it, which every destination takes.
  it('keeps hostile but legal names exactly', async () => {
    const h = await make();
    const d = h.open(freshLedger());
    const names = ['Faktura korygująca FK_1_11_2026 (v2).pdf', 'Žluťoučký kůň ♞.pdf', "O'Brien & Söhne #1.pdf", '%PDF% [1] {2}.pdf'];
    for (const [i, name] of names.entries()) await putDoc(d, FOLDER, name, bytes(name), { sourceId: String(i) });
    for (const name of names) expect((await h.read(`${FOLDER.join('/')}/${name}`))?.toString()).toBe(name);
    expect(await h.allFiles()).toHaveLength(names.length);
  });

  it('stores a spooled file body byte for byte', async () => {
    const h = await make();
    const spool = path.join(tempDir(), 'orders.csv');
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 'ąb;');
    fs.writeFileSync(spool, content);
    const d = h.open(freshLedger());
    const orders = ['BaseLinker Backup', '2026', '11', 'Orders'];
    const stored = await d.put({ folder: orders, name: 'orders.csv', contentType: 'text/csv', body: { path: spool, size: content.length }, identity: identity(await d.newToken(), content, { kind: 'orders', sourceId: 'orders' }) });
    expect(stored.size).toBe(content.length);
    expect((await h.read(`${orders.join('/')}/orders.csv`))?.equals(content)).toBe(true);
  });

  it('an upload that fails part-way leaves nothing under the final name, and a retry completes it', async () => {
    const h = await make();
    const d = h.open(freshLedger());
    const token = await d.newToken();
    const missing = { path: path.join(tempDir(), 'vanished.csv'), size: 100 };
    const whole = bytes('whole');
    await expect(d.put({ folder: FOLDER, name: 'partial.csv', contentType: 'text/csv', body: missing, identity: identity(token, whole) })).rejects.toThrow();
    expect(await h.read(`${FOLDER.join('/')}/partial.csv`)).toBeNull();
    const stored = await d.put({ folder: FOLDER, name: 'partial.csv', contentType: 'text/csv', body: whole, identity: identity(token, whole) });
    expect(stored.created).toBe(true);
    expect(await h.allFiles()).toEqual(['BaseLinker Backup/2026/11/Invoices/partial.csv']);
  });

  it('two first puts into one new folder at once both land, in one folder', async () => {
    const h = await make();
    const d = h.open(freshLedger());
    const fresh = ['BaseLinker Backup', '2027', '01', 'Invoices'];
    await Promise.all([putDoc(d, fresh, 'a.pdf', bytes('a'), { sourceId: 'a' }), putDoc(d, fresh, 'b.pdf', bytes('b'), { sourceId: 'b' })]);
    expect(await h.allFiles()).toEqual(['BaseLinker Backup/2027/01/Invoices/a.pdf', 'BaseLinker Backup/2027/01/Invoices/b.pdf']);
    expect((await d.list(['BaseLinker Backup', '2027'])).folders).toEqual(['01']);
  });

  it('refuses names and folders that would leave its root', async () => {
    const h = await make();
    const d = h.open(freshLedger());
    for (const [folder, name] of [[['..'], 'x.pdf'], [FOLDER, '..'], [FOLDER, 'a/b.pdf'], [['a/../..'], 'x.pdf']] as const) {
      await expect(putDoc(d, folder, name, bytes('x'))).rejects.toThrow();
    }
    expect(await h.allFiles()).toEqual([]);
  });

  // The promises a run keeps on top of the contract, through runBackup itself (the demo shop answered in memory).

  it('a lost ledger adopts what the destination holds: the next run stores nothing twice and misses nothing', async () => {
    const h = await make();
    const shop = demoShop({ asOf: AS_OF });
    const first = freshLedger();
    expect((await runInProcess({ shop, destinations: [h.open(first)], ledger: first, asOf: AS_OF })).exitCode).toBe(0);
    const before = documentsIn(await h.allFiles());
    // New documents arrive; the data dir is lost; a new ledger meets the destination.
    const template = shop.invoices.find((i) => i.number.endsWith('/11/2026') && i.type === 'normal')!;
    shop.invoices.push({ ...structuredClone(template), invoice_id: 9_000_001, number: 'FV/900/11/2026' });
    const second = freshLedger();
    const report = await runInProcess({ shop, destinations: [h.open(second)], ledger: second, asOf: AS_OF, kinds: ['invoices', 'receipts'] });
    expect(report.exitCode).toBe(0);
    const after = documentsIn(await h.allFiles());
    expect(after.filter((f) => !before.includes(f))).toEqual([`BaseLinker Backup/2026/11/Invoices/FV_900_11_2026.pdf`]);
    expect(report.tally.stored).toMatchObject({ invoices: 1, receipts: 0 });
    expect(h.violations()).toEqual([]);
  });

  it('verify --repair stores a deleted copy again under its name and a fresh one beside a damaged one, touching nothing', async () => {
    const h = await make();
    const shop = demoShop({ asOf: AS_OF });
    const ledger = freshLedger();
    const destination = h.open(ledger);
    await runInProcess({ shop, destinations: [destination], ledger, asOf: AS_OF, kinds: ['invoices', 'receipts'] });
    const [deleted, truncated] = documentsIn(await h.allFiles()).filter((f) => f.endsWith('.pdf'));
    const original = (await h.read(truncated!))!;
    await h.tamper(deleted!, 'remove');
    await h.tamper(truncated!, 'truncate');
    const before = await verifyDestinations(ledger, [destination]);
    expect(before.agree).toBe(false);
    expect(before.destinations[0]!.missing.map((f) => f.path)).toEqual([deleted]);
    expect(before.destinations[0]!.damaged.map((f) => f.path)).toEqual([truncated]);

    const config = testConfig();
    const renderer = createDocumentRenderer({ cores: 1 });
    const repaired = await repairDestinations({ ledger, config, api: inMemoryBaseLinker(shop), logger: silentLogger, renderer, account: 'default', runId: 0 }, before, [destination]);
    expect(repaired.unrepairable).toEqual([]);
    expect(repaired.restored.map((p) => p.path)).toEqual([deleted]);
    expect(repaired.beside.map((p) => p.path)).toEqual([truncated!.replace(/\.pdf$/, ' (repaired).pdf')]);
    expect((await verifyDestinations(ledger, [destination])).agree).toBe(true);
    // The damaged copy stays as it was; the fresh one beside it is the original's bytes.
    expect((await h.read(truncated!))!.length).toBe(original.length >> 1);
    expect((await h.read(truncated!.replace(/\.pdf$/, ' (repaired).pdf')))!.equals(original)).toBe(true);
    expect(h.violations()).toEqual([]);
  });

  it("leaves another account's backup alone: nothing adopted, nothing stored, one clear error", async () => {
    const h = await make();
    const ours = freshLedger();
    await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [h.open(ours)], ledger: ours, asOf: AS_OF, kinds: ['invoices'] });
    const before = await h.allFiles();
    // Another shop's installation (also "default"), pointed at the same folder: its invoices have other ids.
    const other = demoShop({ asOf: AS_OF });
    other.invoices = other.invoices.map((i) => ({ ...i, invoice_id: i.invoice_id + 500_000 }));
    const theirs = freshLedger();
    await expect(runInProcess({ shop: other, destinations: [h.open(theirs)], ledger: theirs, asOf: AS_OF, kinds: ['invoices'] })).rejects.toThrow(/another BaseLinker account/);
    expect(await h.allFiles()).toEqual(before);
    expect(theirs.documents()).toEqual([]);
  });
}
