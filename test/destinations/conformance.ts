// The suite every destination must pass (after rclone's fstests): the contract in destination.ts, attacked.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { NameTakenError, type Destination } from '../../src/destinations/destination.js';
import { tempDir } from '../helpers/tempDir.js';

export interface DestinationUnderTest {
  destination: Destination;
  /** The bytes stored at folder/name, or null when nothing is there. */
  read(folder: readonly string[], name: string): Promise<Buffer | null>;
  /** Every file anywhere under the root, as "a/b/name" paths. */
  allFiles(): Promise<string[]>;
}

const FOLDER = ['BaseLinker Backup', '2026', '11', 'Invoices'];
const bytes = (text: string) => new Uint8Array(Buffer.from(text));

export function destinationConformance(make: () => Promise<DestinationUnderTest>): void {
  it('stores bytes under the folder and name, creating the folders', async () => {
    const t = await make();
    const stored = await t.destination.put({ folder: FOLDER, name: 'FV_1_11_2026.pdf', contentType: 'application/pdf', body: bytes('%PDF-1 one'), token: await t.destination.newToken() });
    expect(stored).toMatchObject({ created: true, size: 10 });
    expect((await t.read(FOLDER, 'FV_1_11_2026.pdf'))?.toString()).toBe('%PDF-1 one');
    expect(await t.allFiles()).toEqual(['BaseLinker Backup/2026/11/Invoices/FV_1_11_2026.pdf']);
    expect(await t.destination.list(FOLDER)).toEqual([{ name: 'FV_1_11_2026.pdf', size: 10 }]);
  });

  it('a retry with the same token returns the stored copy and stores no second one', async () => {
    const t = await make();
    const token = await t.destination.newToken();
    const request = { folder: FOLDER, name: 'FV_2_11_2026.pdf', contentType: 'application/pdf', body: bytes('first'), token };
    const first = await t.destination.put(request);
    const again = await t.destination.put({ ...request, body: bytes('second attempt') });
    expect(again).toMatchObject({ created: false, location: first.location });
    expect((await t.read(FOLDER, 'FV_2_11_2026.pdf'))?.toString()).toBe('first');
    expect(await t.allFiles()).toHaveLength(1);
  });

  it('never replaces a file it did not store under this token', async () => {
    const t = await make();
    await t.destination.put({ folder: FOLDER, name: 'taken.pdf', contentType: 'application/pdf', body: bytes('original'), token: await t.destination.newToken() });
    await expect(
      t.destination.put({ folder: FOLDER, name: 'taken.pdf', contentType: 'application/pdf', body: bytes('intruder'), token: await t.destination.newToken() }),
    ).rejects.toBeInstanceOf(NameTakenError);
    expect((await t.read(FOLDER, 'taken.pdf'))?.toString()).toBe('original');
    expect(await t.allFiles()).toHaveLength(1);
  });

  it('keeps hostile but legal names exactly', async () => {
    const t = await make();
    const names = ['Faktura korygująca FK_1_11_2026 (v2).pdf', 'Žluťoučký kůň 🐴.pdf', "O'Brien & Söhne #1.pdf", ' leading space.pdf', '%PDF% [1] {2}.pdf'];
    for (const name of names) {
      await t.destination.put({ folder: FOLDER, name, contentType: 'application/pdf', body: bytes(name), token: await t.destination.newToken() });
    }
    for (const name of names) expect((await t.read(FOLDER, name))?.toString()).toBe(name);
    expect(await t.allFiles()).toHaveLength(names.length);
  });

  it('stores a spooled file body byte for byte', async () => {
    const t = await make();
    const spool = path.join(tempDir(), 'orders.csv');
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 'ąb;');
    fs.writeFileSync(spool, content);
    const stored = await t.destination.put({ folder: ['BaseLinker Backup', '2026', '11', 'Orders'], name: 'orders.csv', contentType: 'text/csv', body: { path: spool, size: content.length }, token: await t.destination.newToken() });
    expect(stored.size).toBe(content.length);
    expect((await t.read(['BaseLinker Backup', '2026', '11', 'Orders'], 'orders.csv'))?.equals(content)).toBe(true);
  });

  it('an upload that fails part-way leaves nothing under the final name, and a retry completes it', async () => {
    const t = await make();
    const token = await t.destination.newToken();
    const missing = { path: path.join(tempDir(), 'vanished.csv'), size: 100 };
    await expect(t.destination.put({ folder: FOLDER, name: 'partial.csv', contentType: 'text/csv', body: missing, token })).rejects.toThrow();
    expect(await t.read(FOLDER, 'partial.csv')).toBeNull();
    const stored = await t.destination.put({ folder: FOLDER, name: 'partial.csv', contentType: 'text/csv', body: bytes('whole'), token });
    expect(stored.created).toBe(true);
    expect(await t.allFiles()).toEqual(['BaseLinker Backup/2026/11/Invoices/partial.csv']);
  });

  it('refuses names and folders that would leave its root', async () => {
    const t = await make();
    for (const [folder, name] of [[['..'], 'x.pdf'], [FOLDER, '..'], [FOLDER, 'a/b.pdf'], [['a/../..'], 'x.pdf']] as const) {
      await expect(t.destination.put({ folder, name, contentType: 'application/pdf', body: bytes('x'), token: await t.destination.newToken() })).rejects.toThrow();
    }
    expect(await t.allFiles()).toEqual([]);
  });
}
