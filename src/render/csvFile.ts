// A CSV file written row by row, so that several files can be filled from one pass over the orders while none of
// them holds more than a stream buffer: each write waits while the file's buffer is full.
import { once } from 'node:events';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';

export interface CsvFile {
  /** Appends a row of finished cells (spreadsheetCells.ts); resolves once the file can take more. */
  write(cells: readonly string[]): Promise<void>;
  /** Ends the file and returns how many rows (without the header) and bytes it holds. */
  close(): Promise<{ rows: number; size: number }>;
}

/**
 * UTF-8 with a BOM (Excel reads a BOM-less file in the system's code page), CRLF line ends, RFC 4180 quoting, and
 * mode 0600: it holds customers' personal data.
 */
export function openCsvFile(file: string, header: readonly string[], delimiter: string): CsvFile {
  const stringifier = stringify({
    bom: true,
    delimiter,
    header: true,
    columns: [...header],
    record_delimiter: 'windows',
    // csv-stringify quotes a field holding the record delimiter (CRLF) but not a lone LF or CR, which ends the row in
    // Excel and Calc just the same: a line break in a comment would split the order in two. And LibreOffice's Text
    // Import dialog splits on commas and tabs as well as semicolons unless told otherwise, so "12,5" and
    // "Kowalski, Jan" are quoted too: a quoted decimal comma is still read as a number.
    quoted_match: /[\r\n,\t]/,
  });
  const done = pipeline(stringifier, fs.createWriteStream(file, { mode: 0o600 }));
  // A failed write must surface at the next write or at close, never as an unhandled rejection.
  let failure: unknown = null;
  done.catch((error: unknown) => (failure ??= error));
  let rows = 0;
  return {
    async write(cells) {
      if (failure) throw failure;
      rows++;
      if (!stringifier.write(cells)) await Promise.race([once(stringifier, 'drain'), done]);
    },
    async close() {
      stringifier.end();
      await done;
      return { rows, size: fs.statSync(file).size };
    },
  };
}
