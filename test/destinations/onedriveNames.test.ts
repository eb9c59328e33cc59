import { describe, expect, it } from 'vitest';
import { candidateNames, safeBaseName } from '../../src/backup/naming.js';
import { nameProblem, pathProblem, sameName } from '../../src/destinations/onedrive/names.js';

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
  ])('refuses %j everywhere', (name) => {
    expect(nameProblem(name, personal)).not.toBeNull();
    expect(nameProblem(name, business)).not.toBeNull();
  });

  it('refuses #, % and a leading ~ on business drives only', () => {
    for (const name of ['a#b.pdf', '50%.pdf', '~a.pdf']) {
      expect(nameProblem(name, personal)).toBeNull();
      expect(nameProblem(name, business)).toMatch(/OneDrive for Business/);
    }
  });

  it('takes the names our naming makes', () => {
    for (const name of ['FV_1_11_2026.pdf', 'Rechnung 🧾 Müller (id 7) (v2).pdf', 'orders_2026-11-20_02-00-13.csv']) {
      expect(nameProblem(name, business)).toBeNull();
    }
  });

  it("gives every document a name OneDrive takes, on business drives too: src/backup/naming.ts knows OneDrive's rules", () => {
    const numbers = ['~$draft', 'x_vti_y', 'A#1', '100%', '~tilde', 'COM0', 'lpt0.x', 'A/B:C*D?"<>|', ' trailing. ', '..', 'CON'];
    for (const number of numbers) {
      for (const name of candidateNames('invoices', number, '7', 2, 'pdf')) expect(nameProblem(name, business), name).toBeNull();
    }
    expect(numbers.map((n) => safeBaseName(n))).toEqual(['_$draft', 'x_vti-y', 'A_1', '100_', '_tilde', '_COM0', '_lpt0.x', 'A_B_C_D_____', 'trailing', '', '_CON']);
  });

  it('compares names without regard to case, and measures paths in characters', () => {
    expect(sameName('Invoices', 'INVOICES')).toBe(true);
    expect(sameName('Faktura Ż.pdf', 'faktura ż.PDF')).toBe(true);
    expect(sameName('a.pdf', 'b.pdf')).toBe(false);
    expect(pathProblem(['x'.repeat(200), 'y'.repeat(199)])).toBeNull();
    expect(pathProblem(['x'.repeat(200), 'y'.repeat(200)])).toMatch(/401 characters/);
  });
});
