// BaseLinker's VAT rates: a percentage, or a negative code for the Polish special cases. The codes are shown
// the way Polish invoices print them ("zw", "np", "oo"), in both languages, with a legend explaining them.
import { TAX_EXEMPT, TAX_NOT_SUBJECT, TAX_REVERSE_CHARGE, type TaxRate } from '../domain/documents.js';
import { formatNumber, type Language } from './format.js';

interface SpecialRate {
  code: string;
  legend: Record<Language, string>;
}

const SPECIAL: ReadonlyArray<[TaxRate, SpecialRate]> = [
  [TAX_EXEMPT, { code: 'zw', legend: { pl: 'zw – zwolnione z VAT', en: 'zw – exempt from VAT' } }],
  [
    TAX_NOT_SUBJECT,
    { code: 'np', legend: { pl: 'np – nie podlega opodatkowaniu', en: 'np – not subject to VAT' } },
  ],
  [
    TAX_REVERSE_CHARGE,
    // Polish law requires the words "odwrotne obciążenie" on a reverse-charge invoice: the legend gives them.
    { code: 'oo', legend: { pl: 'oo – odwrotne obciążenie', en: 'oo – reverse charge (odwrotne obciążenie)' } },
  ],
];

function special(rate: TaxRate): SpecialRate | undefined {
  // Compare with a tolerance: the codes arrive as parsed floats (-0.02 may come as "-0.020").
  return SPECIAL.find(([code]) => Math.abs(code - rate) < 1e-6)?.[1];
}

/** zw, np or oo: no VAT is charged on the line. */
export function isSpecialRate(rate: TaxRate): boolean {
  return special(rate) !== undefined;
}

/** "23%", "5,5%" / "5.5%", or the special code. */
export function formatTaxRate(rate: TaxRate, language: Language): string {
  const code = special(rate);
  if (code) return code.code;
  return `${formatNumber(rate, language, 0, 2)}%`;
}

/** Legend lines for the special codes that occur on a document, in a stable order. */
export function taxRateLegend(rates: Iterable<TaxRate>, language: Language): string[] {
  const used = new Set<SpecialRate>();
  for (const rate of rates) {
    const code = special(rate);
    if (code) used.add(code);
  }
  return SPECIAL.filter(([, s]) => used.has(s)).map(([, s]) => s.legend[language]);
}

/** Sort order for VAT summaries: percentages high to low, then zw, np, oo. */
export function compareTaxRates(a: TaxRate, b: TaxRate): number {
  const rank = (r: TaxRate) => {
    const index = SPECIAL.findIndex(([code]) => Math.abs(code - r) < 1e-6);
    return index < 0 ? -1 : index;
  };
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  return b - a;
}

/** Key that groups equal rates despite float noise. */
export function taxRateKey(rate: TaxRate): string {
  return (Math.round(rate * 10000) / 10000).toString();
}
