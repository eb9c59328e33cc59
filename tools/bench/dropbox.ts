// Dropbox: what batching buys and what a lost ledger costs, in this process against the Dropbox emulator over HTTP.
// - Documents handed over four at a time (as the run does, backup/deliver.ts), stored three ways: by the destination
//   (upload sessions, one finish_batch_v2 per batch, one batch at a time per account); as single files/upload calls
//   one commit at a time; and as single calls four at once, as a client that ignores the namespace lock would. The
//   emulator answers after a round trip and holds its lock for each commit, so commits that overlap meet
//   too_many_write_operations and wait the second Dropbox names. Bodies are made beforehand: rendering is not timed.
// - Adoption: a Dropbox filled night by night (one inventory file per night's run), then met by an empty ledger, as
//   after a lost data dir: every request adoptDestination makes, and its time on the loopback.
// Every server listens on 127.0.0.1 and is closed; the temp folders are removed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adoptDestination } from '../../src/backup/adopt.js';
import { loadConfig } from '../../src/config/config.js';
import type { Destination, FileIdentity } from '../../src/destinations/destination.js';
import { dropboxDestination } from '../../src/destinations/dropbox/dropbox.js';
import { DropboxApi } from '../../src/destinations/dropbox/dropboxApi.js';
import { commitLane, type CommitLane } from '../../src/destinations/dropbox/lane.js';
import { dropboxTokens } from '../../src/destinations/dropbox/tokens.js';
import { uploadOne } from '../../src/destinations/dropbox/upload.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { startDropboxEmulator, type DropboxEmulator, type DropboxEmulatorOptions } from '../emulators/dropbox/server.js';
import type { BenchRow, BenchSection } from './report.js';

/** A modest round trip to Dropbox, and how long a commit holds the account's lock. */
const NETWORK = { latencyMs: 25, commitMs: 20 };
const DOCUMENTS = 60;
const IN_FLIGHT = 4;
const BODY_BYTES = 30_000;
/** The adoption: a Dropbox filled by this many nightly runs of this many documents. */
const NIGHTS = 100;
const PER_NIGHT = 10;

async function withEmulator<T>(o: DropboxEmulatorOptions, fn: (emu: DropboxEmulator, api: () => DropboxApi) => Promise<T>): Promise<T> {
  const emu = await startDropboxEmulator(o);
  try {
    const refreshToken = emu.issueRefreshToken();
    const tokens = dropboxTokens({ appKey: emu.appKey, refreshToken, apiUrl: emu.apiUrl, clock: systemClock });
    return await fn(emu, () => new DropboxApi({ tokens, apiUrl: emu.apiUrl, contentUrl: emu.contentUrl, clock: systemClock, logger: silentLogger }));
  } finally {
    await emu.close();
  }
}

/** Runs `work(i)` for 0…n-1, `IN_FLIGHT` at a time, each slot taking the next as soon as it is free. */
async function fourAtATime(n: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < n) await work(next++);
  }));
}

function body(i: number): Uint8Array {
  const bytes = Buffer.alloc(BODY_BYTES, `%PDF-1.7 document ${i} `);
  return new Uint8Array(bytes);
}

function identity(i: number, bytes: Uint8Array, kind: 'invoices' | 'receipts' = 'invoices'): FileIdentity {
  return { account: 'default', kind, sourceId: String(100_000 + i), version: 1, hash: `h${i}`, token: `t${i}`, size: bytes.byteLength, sha256: '' };
}

interface Storing {
  how: string;
  seconds: number;
  documents: number;
  requests: number;
  commits: number;
  contended: number;
}

/** The figures of one way of storing DOCUMENTS documents. */
async function storing(how: string, store: (api: DropboxApi, lane: CommitLane, i: number) => Promise<void>, finish: (api: DropboxApi) => Promise<void> = async () => {}): Promise<Storing> {
  return withEmulator(NETWORK, async (emu, apiFor) => {
    const api = apiFor();
    const lane = commitLane();
    await api.rpc('users/get_current_account');
    const from = emu.requests.length;
    const started = Date.now();
    await fourAtATime(DOCUMENTS, (i) => store(api, lane, i));
    await finish(api);
    const seconds = (Date.now() - started) / 1000;
    const calls = emu.requests.slice(from).filter((r) => !r.route.startsWith('/'));
    const documents = emu.files.filter((f) => f.path.endsWith('.pdf')).length;
    if (documents !== DOCUMENTS) throw new Error(`${how}: ${documents} documents stored, not ${DOCUMENTS}`);
    return {
      how,
      seconds,
      documents,
      requests: calls.length,
      commits: calls.filter((r) => r.status === 200 && ['files/upload', 'files/upload_session/finish_batch_v2'].includes(r.route)).length,
      contended: calls.filter((r) => r.status === 429).length,
    };
  });
}

const FOLDER = ['BaseLinker Backup', '2026', '11', 'Invoices'];

async function comparison(): Promise<BenchRow[]> {
  let destination: (Destination & { close(): Promise<void> }) | null = null;
  const results = [
    await storing(
      'batched (this destination)',
      async (api, lane, i) => {
        destination ??= dropboxDestination({ api, folder: null, lane, logger: silentLogger });
        const bytes = body(i);
        await destination.put({ folder: FOLDER, name: `FV_${i}.pdf`, contentType: 'application/pdf', body: bytes, identity: identity(i, bytes) });
      },
      async () => destination!.close(),
    ),
    await storing('single files/upload, one commit at a time', async (api, lane, i) => {
      await lane.run(() => uploadOne(api, { path: `/${FOLDER.join('/')}/FV_${i}.pdf`, body: body(i) }));
    }),
    await storing('single files/upload, four at once', async (api, _lane, i) => {
      await uploadOne(api, { path: `/${FOLDER.join('/')}/FV_${i}.pdf`, body: body(i) });
    }),
  ];
  return results.map((r) => ({
    what: r.how,
    figure: `${(r.documents / r.seconds).toFixed(1)} documents/s`,
    note: `${(r.requests / r.documents).toFixed(2)} requests per document (${r.requests}: ${r.commits} commits, ${r.contended} refused 429 too_many_write_operations), ${r.seconds.toFixed(1)} s`,
  }));
}

async function adoption(): Promise<BenchRow[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'blb-bench-dropbox-'));
  try {
    return await withEmulator({}, async (emu, apiFor) => {
      // Night by night: each run stores its documents and writes its identities into one inventory file on close.
      const lane = commitLane();
      for (let night = 0; night < NIGHTS; night++) {
        const d = dropboxDestination({ api: apiFor(), folder: null, lane, logger: silentLogger, batching: { idleMs: 1 } });
        const month = String(1 + Math.floor((night * 12) / NIGHTS)).padStart(2, '0');
        await fourAtATime(PER_NIGHT, async (k) => {
          const i = night * PER_NIGHT + k;
          const kind = k % 3 === 0 ? 'receipts' : 'invoices';
          const bytes = new Uint8Array(Buffer.from(`%PDF-1.7 ${kind} ${i}`));
          await d.put({ folder: ['BaseLinker Backup', '2026', month, kind === 'receipts' ? 'Receipts' : 'Invoices'], name: `${kind}-${i}.pdf`, contentType: 'application/pdf', body: bytes, identity: identity(i, bytes, kind) });
        });
        await d.close();
      }
      const stored = emu.files.filter((f) => f.path.endsWith('.pdf')).length;
      const config = loadConfig({ BACKUP_DESTINATION: 'dropbox', BACKUP_DATA_DIR: path.join(work, 'data'), BACKUP_TIMEZONE: 'Europe/Warsaw' }, work);
      const ledger = Ledger.open(path.join(work, 'data'));
      const api = apiFor();
      const from = emu.requests.length;
      const started = Date.now();
      const report = await adoptDestination({ ledger, config, logger: silentLogger, probe: async () => true }, dropboxDestination({ api, folder: null, lane, logger: silentLogger }));
      const seconds = (Date.now() - started) / 1000;
      ledger.close();
      const calls = emu.requests.slice(from).filter((r) => !r.route.startsWith('/'));
      const lists = calls.filter((r) => r.route.startsWith('files/list_folder')).length;
      const downloads = calls.filter((r) => r.route === 'files/download').length;
      if (report.adopted !== stored) throw new Error(`adopted ${report.adopted} of ${stored}`);
      return [
        {
          what: `adopting a lost ledger: ${stored} files, ${NIGHTS} nightly runs`,
          figure: `${calls.length} requests`,
          note: `${lists} folder listings (one per folder of the layout), ${downloads} inventory downloads (one per run that stored), ${seconds.toFixed(1)} s on the loopback`,
        },
        { what: 'per adopted file', figure: `${(calls.length / stored).toFixed(3)} requests`, note: 'a year of nightly runs reads 365 inventory files, whatever they hold' },
      ];
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export const DROPBOX_SECTIONS: BenchSection[] = [
  {
    title: `Dropbox: ${DOCUMENTS} documents of ${BODY_BYTES / 1000} kB, ${IN_FLIGHT} handed over at once, ${NETWORK.latencyMs} ms round trip, commits hold the lock ${NETWORK.commitMs} ms`,
    run: comparison,
  },
  { title: 'Dropbox: adopting what a lost data dir had recorded', run: adoption },
];
