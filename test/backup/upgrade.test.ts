// An installation made by the previous version: its ledger knew every copy, but the destinations did not know
// which document each file is (the local folder kept a marker file per token, Drive files had no appProperties).
// The first run of this version records those identities at the destination, so that from then on a lost data dir
// costs nothing there either.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { auth } from '@googleapis/drive';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyDestinations } from '../../src/backup/verify.js';
import type { Destination } from '../../src/destinations/destination.js';
import { drivePacer } from '../../src/destinations/gdrive/driveApi.js';
import { googleDriveDestination } from '../../src/destinations/gdrive/googleDrive.js';
import { localFolderDestination } from '../../src/destinations/local/localFolder.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startDriveEmulator, type DriveEmulator } from '../../tools/emulators/drive/server.js';
import { runInProcess } from '../helpers/inProcess.js';
import { tempDir } from '../helpers/tempDir.js';

const AS_OF = '2026-11-20';
const running: DriveEmulator[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

/** The ledger as the previous version left it: no destination held an identity, no cutoff record was stored. */
function asThePreviousVersionLeftIt(dataDir: string): { folder: string; name: string; token: string }[] {
  const db = new Database(path.join(dataDir, 'ledger.sqlite'));
  try {
    const facts = db.prepare("SELECT folder, name FROM documents WHERE kind = 'fact'").all() as { folder: string; name: string }[];
    db.prepare("DELETE FROM documents WHERE kind = 'fact'").run();
    db.prepare('UPDATE documents SET identity_kept = 0, checksum = NULL').run();
    return facts.map((f) => ({ ...f, token: '' }));
  } finally {
    db.close();
  }
}

async function upgradeThenLoseTheLedger(make: (ledger: Ledger) => Destination, makeOld: (dataDir: string, facts: { folder: string; name: string }[]) => Promise<void>, files: () => Promise<string[]>) {
  const shop = demoShop({ asOf: AS_OF });
  const oldDir = tempDir('blb-old-');
  let ledger = Ledger.open(oldDir);
  await runInProcess({ shop, destinations: [make(ledger)], ledger, asOf: AS_OF });
  ledger.close();
  await makeOld(oldDir, asThePreviousVersionLeftIt(oldDir));
  const before = await files();

  // The first run of this version: nothing new to store but the cutoff record, and the identities kept.
  ledger = Ledger.open(oldDir);
  const upgraded = await runInProcess({ shop, destinations: [make(ledger)], ledger, asOf: AS_OF, kinds: ['invoices', 'receipts'] });
  expect(upgraded.exitCode).toBe(0);
  expect(upgraded.tally.stored).toMatchObject({ invoices: 0, receipts: 0 });
  expect(ledger.documents().filter((r) => r.identity_kept === 0)).toEqual([]);
  // What keeps the identities is the destination's own bookkeeping, never taken for a stray file.
  expect((await verifyDestinations(ledger, [make(ledger)])).agree).toBe(true);
  ledger.close();

  // Then the data dir is lost: everything is adopted, nothing stored twice.
  const fresh = Ledger.open(tempDir('blb-new-'));
  const after = await runInProcess({ shop, destinations: [make(fresh)], ledger: fresh, asOf: AS_OF, kinds: ['invoices', 'receipts'] });
  expect(after.tally.stored).toMatchObject({ invoices: 0, receipts: 0 });
  expect(fresh.documents().filter((r) => r.kind === 'invoices')).toHaveLength(15);
  const documents = (list: string[]) => list.filter((f) => /\/(Invoices|Receipts|Orders)\//.test(f));
  expect(documents(await files())).toEqual(documents(before));
}

describe('an installation made by the previous version', () => {
  it('local folder: marker files per token, no journal', async () => {
    const root = tempDir('blb-old-folder-');
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.relative(root, path.join(dir, e.name))]));
    await upgradeThenLoseTheLedger(
      () => localFolderDestination(root),
      async (dataDir, facts) => {
        const state = path.join(root, '.baselinker-backup');
        fs.rmSync(path.join(state, 'journal.jsonl'));
        for (const f of facts) fs.rmSync(path.join(root, f.folder, f.name));
        const db = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true });
        fs.mkdirSync(path.join(state, 'tokens'), { recursive: true });
        for (const r of db.prepare('SELECT folder, name, token FROM documents').all() as { folder: string; name: string; token: string }[]) {
          fs.writeFileSync(path.join(state, 'tokens', r.token), `${r.folder}/${r.name}`);
        }
        db.close();
      },
      async () => walk(root).filter((f) => !f.startsWith('.baselinker-backup')).sort(),
    );
  });

  it('Google Drive: files without appProperties', async () => {
    const drive = await startDriveEmulator();
    running.push(drive);
    const client = new auth.OAuth2({ clientId: drive.clientId, clientSecret: drive.clientSecret, endpoints: { oauth2TokenUrl: drive.tokenUrl } });
    client.setCredentials({ refresh_token: drive.issueRefreshToken() });
    const make = (ledger: Ledger) =>
      googleDriveDestination({
        auth: client,
        rootUrl: drive.rootUrl,
        parentFolderId: null,
        writes: drivePacer(0, systemClock),
        folders: { get: (p) => ledger.folder('gdrive', p), save: (p, id, confirmed) => ledger.saveFolder('gdrive', p, id, confirmed) },
        clock: systemClock,
        logger: silentLogger,
      });
    await upgradeThenLoseTheLedger(
      make,
      async (_dataDir, facts) => {
        for (const f of drive.files) {
          if (facts.some((fact) => `${fact.folder}/${fact.name}` === f.path)) drive.editByHand(f.id, { trash: true });
          else if (f.mimeType !== 'application/vnd.google-apps.folder') drive.editByHand(f.id, { appProperties: {} });
        }
      },
      async () => drive.files.filter((f) => !f.trashed && f.mimeType !== 'application/vnd.google-apps.folder').map((f) => f.path).sort(),
    );
    expect(drive.forbiddenCalls).toEqual([]);
  });
});
