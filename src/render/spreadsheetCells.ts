// Cells of a CSV that Excel and LibreOffice Calc open without changing them. Both guess a type for every unquoted or
// quoted value: "+48 604 555 666" becomes the number 48604555666, "0042348723648234" loses its zeros, InPost's
// 24-digit parcel numbers become 6.02677E+23, "01067" becomes 1067, "3 Maja 5" becomes a date, "PRAWDA" a boolean;
// a value starting with "=" (in Excel also "+", "-", "@") runs as a formula. CSV itself has no way to say "text".
//
// What does say it, in both programs with their default import settings, is a formula whose whole body is one
// string literal: ="0042" is the text 0042, exactly, and nothing inside the quotes is ever evaluated, because a
// quote in the value is doubled ("") and a string literal ends only at a single quote. This is no place a user's
// data can escape from: the data never leaves the literal. (Proved in LibreOffice by test/render/spreadsheet.test.ts;
// for Excel see docs/drafts/documents.md.) A leading apostrophe, the usual defence, is shown by LibreOffice as part
// of the text, so it changes what it protects; it is used only where a literal cannot be: text with a line break
// (LibreOffice does not evaluate a formula spanning lines) or longer than Excel takes in one formula.
//
// So: identifiers (phone numbers, parcel numbers, ids, post codes, EAN, NIP) are always literals; free text only
// when a spreadsheet would read it as something else; numbers and dates are written for the spreadsheet to read.

/** Excel takes at most 255 characters in one string literal; longer text is joined from several with "&". */
const MAX_LITERAL = 255;
/** Excel's limit on a formula's length. */
const MAX_FORMULA = 8192;
/** What makes Excel or LibreOffice read a cell as a formula (OWASP's list; "\n" for a cell starting a new line). */
const FORMULA_START = /^[=+\-@\t\r\n]/;

/**
 * Words a spreadsheet reads as part of a number, date, time or boolean: month names and abbreviations in Polish and
 * English (LibreOffice in a Polish locale reads "3 Maja 5" as 2005-05-03 and "maj 2026" as a date), AM/PM, the
 * exponent E, and the booleans. A value whose only words are these may be converted.
 */
const CONVERTIBLE_WORDS = new Set(
  [
    'styczeń stycznia sty luty lutego lut marzec marca mar kwiecień kwietnia kwi maj maja czerwiec czerwca cze',
    'lipiec lipca lip sierpień sierpnia sie wrzesień września wrz październik października paź listopad listopada lis',
    'grudzień grudnia gru january jan february feb march april apr may june jun july jul august aug september sep sept',
    'october oct november nov december dec am pm a p e true false prawda fałsz',
  ]
    .join(' ')
    .split(' '),
);

/**
 * An identifier: exactly its text in any spreadsheet, never a number, date or formula. Empty stays empty.
 */
export function identifierCell(value: string): string {
  return value === '' ? '' : textLiteral(value);
}

/**
 * Free text (names, addresses, comments): as it is when a spreadsheet would take it for text anyway, else as a
 * literal like an identifier.
 */
export function textCell(value: string): string {
  if (value === '' || readsAsText(value)) return value;
  return textLiteral(value);
}

/** A number as the spreadsheet reads one: a decimal comma where the delimiter is ";" (Polish and most of Europe). */
export function numberCell(value: number, decimalComma: boolean): string {
  if (!Number.isFinite(value)) return '';
  let plain = String(value);
  // Only a long or exponent form can carry binary noise (0.30000000000000004) or an exponent; short ones are exact.
  if (plain.length > 15 || plain.includes('e')) plain = plainNumber(Number(value.toPrecision(15)));
  return decimalComma ? plain.replace('.', ',') : plain;
}

/** Up to 15 significant digits, what a spreadsheet keeps of a number, and never an exponent. */
function plainNumber(value: number): string {
  const text = String(value);
  if (!text.includes('e')) return text;
  if (Math.abs(value) >= 1) return BigInt(Math.round(value)).toString();
  return value.toFixed(20).replace(/\.?0+$/, '');
}

/** Text a spreadsheet leaves alone: it starts with a letter and has a word no number or date is made of. */
function readsAsText(value: string): boolean {
  if (!/^\p{L}/u.test(value)) return false;
  const words = value.toLowerCase().match(/\p{L}+/gu) ?? [];
  return words.some((word) => !CONVERTIBLE_WORDS.has(word));
}

/**
 * ="…" with the value's quotes doubled, split into literals of at most 255 characters. Where no literal can hold the
 * value (a line break, or a formula too long for Excel), text that would run as a formula gets a leading apostrophe
 * instead, and any other text stays as it is: a number or date is never written over several lines.
 */
function textLiteral(value: string): string {
  if (!/[\r\n]/.test(value)) {
    const parts = chunks(value, MAX_LITERAL).map((part) => `"${part.replaceAll('"', '""')}"`);
    const formula = `=${parts.join('&')}`;
    if (formula.length <= MAX_FORMULA) return formula;
  }
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Splits into pieces of at most `size` UTF-16 units without cutting a surrogate pair in two. */
function chunks(value: string, size: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of value) {
    if (current.length + ch.length > size) {
      out.push(current);
      current = '';
    }
    current += ch;
  }
  out.push(current);
  return out;
}
