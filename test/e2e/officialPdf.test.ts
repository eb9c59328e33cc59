// The official invoice, end to end: the built CLI, the BaseLinker emulator, a local folder. By default the stored file
// is BaseLinker's own PDF byte for byte, fetched once per new invoice version; a "file" that is not a PDF gives our
// own rendering and a warning, not a broken file and not a failed run. invoices.pdf = "render" stores ours instead,
// and switching between the two stores nothing again. invoices.external adds the external accounting system's files.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DemoLandmarks } from '../../tools/emulators/baselinker/demoShop.js';
import { callMethod } from '../../tools/emulators/baselinker/methods.js';
import type { BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { renderInvoicePdf } from '../../src/render/invoicePdf.js';
import { parseInvoice } from '../../src/sources/baselinker/parse.js';
import { runCli } from '../helpers/cli.js';
import { AS_OF, startDemoBackup, TIME_ZONE } from '../helpers/demoBackup.js';
import { listFiles, pdfText } from '../helpers/files.js';

const TOKEN = 'e2e-token-0ff1c1a1pdf';
const MONTH = 'BaseLinker Backup/2026/11';

let emulator: BaseLinkerEmulator;
let landmarks: DemoLandmarks;
let backupDir: string;
let env: Record<string, string>;

beforeEach(async () => {
  ({ emulator, landmarks, backupDir, env } = await startDemoBackup(TOKEN, 'blb-official-'));
});

afterEach(async () => {
  await emulator.close();
});

const backupInvoices = (extra: Record<string, string> = {}) => runCli(['run', '--date', AS_OF, '--only', 'invoices'], { ...env, ...extra });
const stored = (number: string, extension = 'pdf') =>
  fs.readFileSync(path.join(backupDir, MONTH, 'Invoices', `${number.replaceAll('/', '_')}.${extension}`));
const invoiceNamed = (number: string) => emulator.shop.invoices.find((i) => i.number === number)!;

/** The invoice ids of the getInvoiceFile requests, with whether each asked for the external file. */
function fileRequests(): { id: number; external: boolean }[] {
  return emulator.requests
    .filter((r) => r.method === 'getInvoiceFile')
    .map((r) => r.parameters as { invoice_id: number; get_external?: boolean })
    .map((p) => ({ id: p.invoice_id, external: p.get_external === true }));
}

/** A file as getInvoiceFile serves it, decoded here from the emulator's answer (not through the request log). */
async function servedFile(invoiceId: number, external = false): Promise<Buffer> {
  const answer = await callMethod(emulator.shop, 'getInvoiceFile', { invoice_id: invoiceId, get_external: external });
  if (!answer.ok) throw new Error(answer.message);
  const data = String(answer.payload.invoice);
  expect(data.startsWith('data:')).toBe(true);
  return Buffer.from(data.slice('data:'.length), 'base64');
}

/** The PDF our renderer makes of an invoice with the run's settings (the default language, pl). */
async function ourPdf(number: string): Promise<Buffer> {
  const invoice = parseInvoice({ ...invoiceNamed(number), ...governmentFields(number) });
  const corrected = invoice.correcting && emulator.shop.invoices.find((i) => i.invoice_id === invoice.correcting!.invoiceId);
  return Buffer.from(
    await renderInvoicePdf(invoice, {
      language: 'pl',
      timeZone: TIME_ZONE,
      corrected: corrected ? { number: corrected.number, issuedAt: corrected.date_add, ksefNumber: corrected.government?.id ?? '' } : undefined,
    }),
  );
}

function governmentFields(number: string) {
  const g = invoiceNamed(number).government;
  return { gov_id: g?.id ?? '', gov_date: g?.date ?? 0, gov_status: g?.status ?? 0 };
}

function warnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; message: string })
    .filter((entry) => entry.level === 'warn')
    .map((entry) => entry.message);
}

describe('the official invoice, end to end', () => {
  it("stores BaseLinker's own PDF by default, byte for byte, with one getInvoiceFile request per new invoice", async () => {
    const result = await backupInvoices();
    expect(result.code).toBe(0);
    const ids = landmarks.invoices.thisMonth.map((n) => invoiceNamed(n).invoice_id);
    expect(fileRequests().map((r) => r.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(fileRequests().every((r) => !r.external)).toBe(true);
    for (const number of landmarks.invoices.thisMonth) {
      const file = stored(number);
      expect(file.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(file.equals(await servedFile(invoiceNamed(number).invoice_id)), number).toBe(true);
    }
    // Every list and single-invoice request asks for the KSeF data.
    const lists = emulator.requests.filter((r) => r.method === 'getInvoices');
    expect(lists.length).toBeGreaterThan(0);
    for (const r of lists) expect(r.parameters).toMatchObject({ get_government_data: true, get_external_invoices: false });

    // Nothing new on the second run: no file is asked for again.
    expect((await backupInvoices()).code).toBe(0);
    expect(fileRequests()).toHaveLength(ids.length);
    expect(listFiles(backupDir)).toHaveLength(ids.length);
  });

  it('renders our own PDF and logs a warning when the file BaseLinker sends is not a PDF', async () => {
    emulator.injectFault({ kind: 'notPdf', method: 'getInvoiceFile' });
    const result = await backupInvoices();
    expect(result.code).toBe(0);
    expect(fileRequests()).toHaveLength(landmarks.invoices.thisMonth.length);

    const faulted = emulator.requests.find((r) => r.fault === 'notPdf')!;
    const faultedNumber = emulator.shop.invoices.find((i) => i.invoice_id === (faulted.parameters as { invoice_id: number }).invoice_id)!.number;
    expect(stored(faultedNumber).equals(await ourPdf(faultedNumber))).toBe(true);
    expect(warnings(result.stderr)).toContain(`BaseLinker's PDF of invoice ${faultedNumber} is not a PDF; rendering our own instead`);

    for (const number of landmarks.invoices.thisMonth.filter((n) => n !== faultedNumber)) {
      expect(stored(number).equals(await servedFile(invoiceNamed(number).invoice_id)), number).toBe(true);
    }
  });

  it('with invoices.pdf = "render" stores ours and asks for no file; switching the source stores nothing again', async () => {
    expect((await backupInvoices({ BACKUP_INVOICES_PDF: 'render' })).code).toBe(0);
    expect(fileRequests()).toEqual([]);
    for (const number of landmarks.invoices.thisMonth) expect(stored(number).equals(await ourPdf(number)), number).toBe(true);
    const before = listFiles(backupDir);

    // The version is BaseLinker's record, not our bytes: the official source finds every invoice already stored.
    const result = await backupInvoices();
    expect(result.code).toBe(0);
    expect(fileRequests()).toEqual([]);
    expect(listFiles(backupDir)).toEqual(before);
  });

  it('warns once a run for what our rendering cannot know: the seller\'s NIP, the basis of an exemption', async () => {
    // BaseLinker's seller text without a NIP (as on the real records), and an exempt line with no basis cited.
    for (const i of emulator.shop.invoices) i.seller = i.seller.replace(/\nNIP: \d+/, '');
    const exempt = invoiceNamed(landmarks.invoices.exempt);
    exempt.additional_info = '';
    const result = await runCli(['run', '--date', AS_OF, '--only', 'invoices,receipts'], { ...env, BACKUP_INVOICES_PDF: 'render' });
    expect(result.code).toBe(0);
    const said = warnings(result.stderr);
    expect(said.filter((w) => w.includes('has no NIP'))).toHaveLength(1);
    expect(said.filter((w) => w.includes('names no legal basis'))).toEqual([
      `invoice ${exempt.number} has exempt ("zw") lines but names no legal basis for the exemption: add it to the invoice's additional info in BaseLinker, or set BACKUP_INVOICES_EXEMPTION_BASIS`,
    ]);
    expect(said.filter((w) => w.includes("receipts are rendered without the seller's NIP"))).toHaveLength(1);
    expect(said.filter((w) => w.includes('the record\'s totals are printed'))).toEqual([]);

    // With the settings, the documents carry both and nothing is said.
    const fixed = await runCli(['run', '--date', AS_OF, '--only', 'invoices,receipts'], {
      ...env,
      BACKUP_INVOICES_PDF: 'render',
      BACKUP_NIP: '6762461234',
      BACKUP_INVOICES_EXEMPTION_BASIS: 'art. 43 ust. 1 pkt 37 ustawy o VAT',
      BACKUP_DATA_DIR: `${env.BACKUP_DATA_DIR}-2`,
      BACKUP_DESTINATION: `local:${backupDir}-2`,
    });
    expect(fixed.code).toBe(0);
    expect(warnings(fixed.stderr)).toEqual([]);
    const text = pdfText(path.join(`${backupDir}-2`, MONTH, 'Invoices', `${exempt.number.replaceAll('/', '_')}.pdf`)).replace(/\s+/g, ' ');
    expect(text).toContain('NIP: 676-246-12-34');
    expect(text).toContain('Podstawa zwolnienia z VAT: art. 43 ust. 1 pkt 37 ustawy o VAT');
  });

  it("with invoices.external also stores the external system's file, named by its number, with its bytes' extension", async () => {
    const external = invoiceNamed(landmarks.invoices.external);
    external.externalFile = 'xml';
    const result = await backupInvoices({ BACKUP_INVOICES_EXTERNAL: 'true' });
    expect(result.code).toBe(0);
    const xml = stored(external.external_invoice_number, 'xml');
    expect(xml.equals(await servedFile(external.invoice_id, true))).toBe(true);
    expect(xml.toString('utf8')).toContain('<Faktura ');
    // Own invoices as before; the external one once, as its external file; its BaseLinker number nowhere.
    expect(listFiles(backupDir)).toHaveLength(landmarks.invoices.thisMonth.length + 1);
    expect(listFiles(backupDir).join('\n')).not.toContain(landmarks.invoices.external.replaceAll('/', '_'));
    expect(fileRequests().filter((r) => r.external)).toEqual([{ id: external.invoice_id, external: true }]);
    // Told apart by the two lists BaseLinker offers: with and without external invoices.
    const lists = emulator.requests.filter((r) => r.method === 'getInvoices').map((r) => (r.parameters as { get_external_invoices: boolean }).get_external_invoices);
    expect(new Set(lists)).toEqual(new Set([true, false]));

    // A PDF from the external system is stored as a PDF; a second run asks for nothing.
    expect((await backupInvoices({ BACKUP_INVOICES_EXTERNAL: 'true' })).code).toBe(0);
    expect(fileRequests().filter((r) => r.external)).toHaveLength(1);
  });
});
