// invoices.pdf = "baselinker", end to end: the built CLI, the BaseLinker emulator, a local folder. The stored file
// must be BaseLinker's own PDF byte for byte, fetched once per new invoice; a "file" that is not a PDF must give our
// own rendering and a warning in the log, not a broken file and not a failed run.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoLandmarks, demoShop, type DemoLandmarks } from '../../tools/emulators/baselinker/demoShop.js';
import { callMethod } from '../../tools/emulators/baselinker/methods.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { renderInvoicePdf } from '../../src/render/invoicePdf.js';
import { parseInvoice } from '../../src/sources/baselinker/parse.js';
import { runCli } from '../helpers/cli.js';
import { listFiles } from '../helpers/files.js';
import { tempDir } from '../helpers/tempDir.js';

const AS_OF = '2026-11-20';
const TIME_ZONE = 'Europe/Warsaw';
const TOKEN = 'e2e-token-0ff1c1a1pdf';
const MONTH = 'BaseLinker Backup/2026/11';

let emulator: BaseLinkerEmulator;
let landmarks: DemoLandmarks;
let backupDir: string;
let env: Record<string, string>;

beforeEach(async () => {
  emulator = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: AS_OF, timeZone: TIME_ZONE }) });
  landmarks = demoLandmarks({ asOf: AS_OF, timeZone: TIME_ZONE });
  const root = tempDir('blb-official-');
  backupDir = path.join(root, 'backup');
  env = {
    BASELINKER_TOKEN: TOKEN,
    BASELINKER_API_URL: emulator.url,
    BASELINKER_REQUESTS_PER_MINUTE: '0',
    BACKUP_DATA_DIR: path.join(root, 'data'),
    BACKUP_DESTINATION: `local:${backupDir}`,
    BACKUP_TIMEZONE: TIME_ZONE,
    BACKUP_INVOICES_PDF: 'baselinker',
  };
});

afterEach(async () => {
  await emulator.close();
});

const backupInvoices = () => runCli(['run', '--date', AS_OF, '--only', 'invoices'], env);
const stored = (number: string) => fs.readFileSync(path.join(backupDir, MONTH, 'Invoices', `${number.replaceAll('/', '_')}.pdf`));
const invoiceNamed = (number: string) => emulator.shop.invoices.find((i) => i.number === number)!;

/** The ids of the invoices the run asked getInvoiceFile for, one entry per request. */
function fileRequests(): number[] {
  return emulator.requests
    .filter((r) => r.method === 'getInvoiceFile')
    .map((r) => (r.parameters as { invoice_id: number }).invoice_id);
}

/** BaseLinker's PDF of an invoice, decoded here from the emulator's answer (not through the request log). */
async function officialPdf(invoiceId: number): Promise<Buffer> {
  const answer = await callMethod(emulator.shop, 'getInvoiceFile', { invoice_id: invoiceId });
  if (!answer.ok) throw new Error(answer.message);
  const data = String(answer.payload.invoice);
  expect(data.startsWith('data:')).toBe(true);
  return Buffer.from(data.slice('data:'.length), 'base64');
}

/** The PDF our renderer makes of an invoice with the run's settings (the default language, pl). */
async function ourPdf(number: string): Promise<Buffer> {
  const invoice = parseInvoice(invoiceNamed(number));
  const corrected = invoice.correcting && emulator.shop.invoices.find((i) => i.invoice_id === invoice.correcting!.invoiceId);
  return Buffer.from(await renderInvoicePdf(invoice, { language: 'pl', timeZone: TIME_ZONE, correctedNumber: corrected ? corrected.number : undefined }));
}

describe('invoices.pdf = "baselinker", end to end', () => {
  it("stores BaseLinker's own PDF byte for byte, with one getInvoiceFile request per new invoice", async () => {
    const result = await backupInvoices();
    expect(result.code).toBe(0);
    const ids = landmarks.invoices.thisMonth.map((n) => invoiceNamed(n).invoice_id);
    expect(fileRequests().sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    for (const number of landmarks.invoices.thisMonth) {
      const file = stored(number);
      expect(file.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(file.equals(await officialPdf(invoiceNamed(number).invoice_id)), number).toBe(true);
    }

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
    const warnings = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; message: string })
      .filter((entry) => entry.level === 'warn');
    expect(warnings.map((w) => w.message)).toContain(`BaseLinker's PDF of invoice ${faultedNumber} is not a PDF; rendering our own instead`);

    for (const number of landmarks.invoices.thisMonth.filter((n) => n !== faultedNumber)) {
      expect(stored(number).equals(await officialPdf(invoiceNamed(number).invoice_id)), number).toBe(true);
    }
  });
});
