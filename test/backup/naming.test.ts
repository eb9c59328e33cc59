import { describe, expect, it } from 'vitest';
import { candidateNames, ordersFileName, safeBaseName } from '../../src/backup/naming.js';

describe('file names', () => {
  it.each([
    ['FV/12/11/2026', 'FV_12_11_2026'],
    ['PAR/5/11/2026/P', 'PAR_5_11_2026_P'],
    ['A\\B:C*D?E"F<G>H|I', 'A_B_C_D_E_F_G_H_I'],
    ['..', ''],
    ['../../etc/passwd', '___.._etc_passwd'],
    ['.hidden', '_hidden'],
    ['trailing dots...', 'trailing dots'],
    ['tab\there\nnewline\u0007bell', 'tab_here_newline_bell'],
    ['CON', '_CON'],
    ['con.2026', '_con.2026'],
    // OneDrive's own rules, for every destination alike.
    ['COM0', '_COM0'],
    ['lpt¹.2026', '_lpt¹.2026'],
    ['FV#12%', 'FV_12_'],
    ['~$draft', '_$draft'],
    ['~tilde', '_tilde'],
    ['x_VTI_y', 'x_VTI-y'],
    ['lone \ud800 surrogate', 'lone _ surrogate'],
    ['Rechnung 🧾 Müller', 'Rechnung _ Müller'],
    ['Rechnung ♞ Müller', 'Rechnung ♞ Müller'],
    ['   ', ''],
    ['', ''],
  ])('%j → %j', (number, expected) => {
    expect(safeBaseName(number)).toBe(expected);
  });

  it('keeps long names within the file-system limit, whole characters only', () => {
    const name = safeBaseName('Ż'.repeat(300));
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(180);
    expect(name).toBe('Ż'.repeat(90));
  });

  it('offers the plain name, then the id-qualified one; versions get "(vN)"', () => {
    expect(candidateNames('invoices', 'FV/12/11/2026', '77', 1, 'pdf').slice(0, 2)).toEqual(['FV_12_11_2026.pdf', 'FV_12_11_2026 (id 77).pdf']);
    expect(candidateNames('invoices', 'FV/12/11/2026', '77', 2, 'pdf')[0]).toBe('FV_12_11_2026 (v2).pdf');
    expect(candidateNames('receipts', '', '9', 1, 'pdf')[0]).toBe('receipt-9.pdf');
    expect(candidateNames('invoices', '///', '9', 1, 'pdf')[0]).toBe('___.pdf');
  });

  it('two documents whose numbers differ only in unsafe characters still get different names', () => {
    const a = candidateNames('invoices', 'A/1', '1', 1, 'pdf');
    const b = candidateNames('invoices', 'A_1', '2', 1, 'pdf');
    expect(a[0]).toBe(b[0]);
    expect(a[1]).not.toBe(b[1]);
  });

  it('an orders file is a snapshot: a second one in the same second is "_2", never a version', () => {
    expect(candidateNames('orders', 'orders_2026-11-20_02-02-03', 'orders_2026-11-20_02-02-03', 2, 'csv').slice(0, 2)).toEqual([
      'orders_2026-11-20_02-02-03.csv',
      'orders_2026-11-20_02-02-03_2.csv',
    ]);
  });

  it('names the orders CSV by the moment of download in the account time zone', () => {
    expect(ordersFileName(Date.UTC(2026, 10, 20, 1, 2, 3), 'Europe/Warsaw')).toBe('orders_2026-11-20_02-02-03.csv');
  });
});
