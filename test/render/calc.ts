// LibreOffice Calc, headless, as a test instrument: it opens CSV files through its CSV filter, with the filter's
// defaults or with the options of the dialog a user's double-click opens, and saves what it made of them as flat ODS,
// whose cells (type and value) are read back here. A fresh user profile per call, so no setting a person chose on
// this machine leaks in.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const hasCalc = spawnSync('soffice', ['--version']).error === undefined;
/** Skipped locally without LibreOffice (with a message); in CI they run regardless, so CI cannot pass without it. */
export const skipCalcTests = !hasCalc && !process.env.CI;
if (skipCalcTests) console.warn('Skipping LibreOffice tests: soffice not found (apt-get install -y libreoffice-calc-nogui).');

/**
 * How Calc is to read the CSV. Without `dialog`, the CSV filter's own defaults for every option after the language
 * (what LibreOffice uses when a program opens a CSV through it: formulas evaluated, special numbers detected). With
 * `dialog`, the options of the Text Import dialog a person meets on opening a CSV (see importDialogDefaults).
 */
export interface CsvImport {
  /** Field separators, e.g. ";" or ",;\t". */
  separators: string;
  /** The locale the numbers and dates are read in: 1045 is Polish, 1033 US English. */
  language: number;
  dialog?: { evaluateFormulas: boolean; detectSpecialNumbers: boolean; quotedFieldAsText: boolean };
}

/**
 * The Text Import dialog's settings on a fresh profile, as this LibreOffice ships them (its registry,
 * Office/Calc/Dialogs/CSVImport): what a double-click on a CSV offers. In LibreOffice 7.4 the separators are comma,
 * semicolon and tab, and formulas are not evaluated, special numbers not detected, quoted fields not forced to text.
 */
export function importDialogDefaults(): { separators: string; evaluateFormulas: boolean; detectSpecialNumbers: boolean; quotedFieldAsText: boolean } {
  const soffice = realpathSync(execFileSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' }).trim());
  const registry = readFileSync(join(dirname(soffice), '..', 'share', 'registry', 'main.xcd'), 'utf8');
  const group = /<group oor:name="CSVImport">([\s\S]*?)<\/group>/.exec(registry)?.[1];
  if (!group) throw new Error('no CSVImport settings in LibreOffice\'s registry');
  const value = (name: string) => new RegExp(`oor:name="${name}"[^>]*>\\s*<value>([^<]*)</value>`).exec(group)?.[1];
  return {
    separators: value('Separators') ?? '',
    evaluateFormulas: value('EvaluateFormulas') === 'true',
    detectSpecialNumbers: value('DetectSpecialNumbers') === 'true',
    quotedFieldAsText: value('QuotedFieldAsText') === 'true',
  };
}

/** A cell as Calc holds it: its type, its value (text, number, ISO date-time) and any formula. */
export interface CalcCell {
  type: 'string' | 'float' | 'percentage' | 'currency' | 'date' | 'time' | 'boolean' | 'empty';
  value: string;
  formula: string | null;
}

/**
 * The CSV import filter's option string (token order as LibreOffice documents it): separators, text delimiter ("),
 * character set (76 = UTF-8), first line, column formats (none: Calc guesses, as it does for a user), language;
 * then, for the dialog, quoted field as text, detect special numbers, three export-only tokens, evaluate formulas.
 */
function filterOptions(o: CsvImport): string {
  const head = ['CSV:' + [...o.separators].map((c) => c.charCodeAt(0)).join('/'), 34, 76, 1, '', o.language];
  if (!o.dialog) return head.join(',');
  const d = o.dialog;
  return [...head, String(d.quotedFieldAsText), String(d.detectSpecialNumbers), 'false', 'false', 'false', -1, String(d.evaluateFormulas)].join(',');
}

/** Opens each CSV in Calc and returns its first sheet's rows of cells, by file name. */
export function openInCalc(files: readonly string[], o: CsvImport): Map<string, CalcCell[][]> {
  const out = mkdtempSync(join(tmpdir(), 'calc-out-'));
  const profile = mkdtempSync(join(tmpdir(), 'calc-profile-'));
  try {
    execFileSync(
      'soffice',
      [`-env:UserInstallation=${pathToFileURL(profile).href}`, '--headless', '--convert-to', 'fods', `--infilter=${filterOptions(o)}`, '--outdir', out, ...files],
      { stdio: 'pipe', timeout: 120_000 },
    );
    return new Map(files.map((file) => [basename(file), readSheet(readFileSync(join(out, basename(file).replace(/\.csv$/, '.fods')), 'utf8'))]));
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

const attribute = (tag: string, name: string) => {
  const m = new RegExp(`${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]!) : null;
};

function unescapeXml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** The text a cell shows: its paragraphs, line breaks and spaces as they are. */
function cellText(inner: string): string {
  const paragraphs = [...inner.matchAll(/<text:p[^>]*?(?:\/>|>([\s\S]*?)<\/text:p>)/g)].map((m) =>
    (m[1] ?? '')
      .replace(/<text:line-break\/>/g, '\n')
      .replace(/<text:tab\/>/g, '\t')
      .replace(/<text:s(?: text:c="(\d+)")?\/>/g, (_m, n: string | undefined) => ' '.repeat(Number(n ?? 1)))
      .replace(/<[^>]+>/g, ''),
  );
  return unescapeXml(paragraphs.join('\n'));
}

function readSheet(fods: string): CalcCell[][] {
  const table = /<table:table [\s\S]*?<\/table:table>/.exec(fods)?.[0] ?? '';
  const rows: CalcCell[][] = [];
  for (const row of table.matchAll(/<table:table-row([^>]*)>([\s\S]*?)<\/table:table-row>/g)) {
    const cells: CalcCell[] = [];
    for (const cell of row[2]!.matchAll(/<table:(?:covered-)?table-cell([^>]*?)(?:\/>|>([\s\S]*?)<\/table:(?:covered-)?table-cell>)/g)) {
      const tag = cell[1]!;
      const type = (attribute(tag, 'office:value-type') ?? 'empty') as CalcCell['type'];
      const value =
        type === 'float' || type === 'percentage' || type === 'currency'
          ? attribute(tag, 'office:value')!
          : type === 'date'
            ? attribute(tag, 'office:date-value')!
            : type === 'time'
              ? attribute(tag, 'office:time-value')!
              : type === 'boolean'
                ? attribute(tag, 'office:boolean-value')!
                : (attribute(tag, 'office:string-value') ?? cellText(cell[2] ?? ''));
      const repeat = Number(attribute(tag, 'table:number-columns-repeated') ?? 1);
      for (let i = 0; i < Math.min(repeat, 1024); i++) cells.push({ type, value, formula: attribute(tag, 'table:formula') });
    }
    while (cells.length > 0 && cells.at(-1)!.type === 'empty') cells.pop();
    const repeat = Number(attribute(row[1]!, 'table:number-rows-repeated') ?? 1);
    if (cells.length === 0) continue;
    for (let i = 0; i < repeat; i++) rows.push(cells);
  }
  return rows;
}
