import { describe, expect, it } from 'vitest';
import { candidateNames, safeBaseName } from '../../src/backup/naming.js';
import { nameProblem, pathProblem, sameName, toOneDriveName } from '../../src/destinations/onedrive/names.js';

const personal = { business: false };
const business = { business: true };

describe('OneDrive names', () => {
  it.each([
    ['a"b.pdf'],
    ['a:b.pdf'],
    ['a\\b'],
    ['a|b'],
    ['tab\there'],
    [' lead.pdf'],
    ['trail.pdf '],
    ['dot.'],
    ['CON'],
    ['com0.pdf'],
    ['.lock'],
    ['DESKTOP.INI'],
    ['~$report.pdf'],
    ['x_vti_y.pdf'],
    [''],
  ])('refuses %j everywhere, and toOneDriveName makes it acceptable', (name) => {
    expect(nameProblem(name, personal)).not.toBeNull();
    const fixed = toOneDriveName(name, business);
    expect(nameProblem(fixed, business)).toBeNull();
  });

  it('refuses #, % and a leading ~ on business drives only', () => {
    for (const name of ['a#b.pdf', '50%.pdf', '~a.pdf']) {
      expect(nameProblem(name, personal)).toBeNull();
      expect(nameProblem(name, business)).toMatch(/OneDrive for Business/);
      expect(nameProblem(toOneDriveName(name, business), business)).toBeNull();
    }
    expect(toOneDriveName('FV#1%.pdf', business)).toBe('FV_1_.pdf');
    expect(toOneDriveName('FV#1%.pdf', personal)).toBe('FV#1%.pdf');
  });

  it('leaves acceptable names alone', () => {
    for (const name of ['FV_1_11_2026.pdf', 'Rechnung 🧾 Müller (id 7) (v2).pdf', 'orders_2026-11-20_02-00-13.csv']) {
      expect(nameProblem(name, business)).toBeNull();
      expect(toOneDriveName(name, business)).toBe(name);
    }
  });

  it('names what src/backup/naming.ts lets through and OneDrive refuses', () => {
    const missed = ['~$draft', 'x_vti_y', 'A#1', '100%', '~tilde', 'COM0']
      .map((number) => candidateNames('invoices', number, '7', 1, 'pdf')[0]!)
      .filter((name) => nameProblem(name, business) !== null);
    expect(missed).toEqual(['~$draft.pdf', 'x_vti_y.pdf', 'A#1.pdf', '100%.pdf', '~tilde.pdf', 'COM0.pdf']);
    expect(missed.map((n) => toOneDriveName(n, business))).toEqual(['_$draft.pdf', 'x_vti-y.pdf', 'A_1.pdf', '100_.pdf', '_tilde.pdf', '_COM0.pdf']);
    // What naming.ts does handle, OneDrive takes.
    expect(nameProblem(`${safeBaseName('A/B:C*D?"<>|')}.pdf`, business)).toBeNull();
  });

  it('compares names without regard to case, and measures paths in characters', () => {
    expect(sameName('Invoices', 'INVOICES')).toBe(true);
    expect(sameName('Faktura Ż.pdf', 'faktura ż.PDF')).toBe(true);
    expect(sameName('a.pdf', 'b.pdf')).toBe(false);
    expect(pathProblem(['x'.repeat(200), 'y'.repeat(199)])).toBeNull();
    expect(pathProblem(['x'.repeat(200), 'y'.repeat(200)])).toMatch(/401 characters/);
  });
});
