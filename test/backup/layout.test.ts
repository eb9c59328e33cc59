import { describe, expect, it } from 'vitest';
import { accountFolderName, documentFolder, layoutFolders, levelPatterns, parseLayout } from '../../src/backup/layout.js';

const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 12) / 1000;

describe('folder layouts', () => {
  it('puts documents in the month of a date in the account time zone', () => {
    // 2026-10-31 23:30 UTC is already November 1st in Warsaw.
    const lateOctoberUtc = Date.UTC(2026, 9, 31, 23, 30) / 1000;
    const config = { rootFolder: 'BaseLinker Backup', layout: '{yyyy}/{MM}/{kind}', account: { folderName: 'x' } };
    expect(documentFolder({ ...config, timeZone: 'Europe/Warsaw' }, 'invoices', lateOctoberUtc)).toEqual(['BaseLinker Backup', '2026', '11', 'Invoices']);
    expect(documentFolder({ ...config, timeZone: 'UTC' }, 'receipts', lateOctoberUtc)).toEqual(['BaseLinker Backup', '2026', '10', 'Receipts']);
  });

  it.each([
    ['{yyyy}/{MM}/{kind}', ['2026', '03', 'Invoices']],
    ['{account}/{yyyy}/{MM}/{kind}', ['John Doe Group_BE0123456789', '2026', '03', 'Invoices']],
    ['{kind}/{yyyy}/{MM}', ['Invoices', '2026', '03']],
    ['{yyyy}/{kind}', ['2026', 'Invoices']],
    ['Klienci/{account}/{yyyy}-{MM}/{kind}', ['Klienci', 'John Doe Group_BE0123456789', '2026-03', 'Invoices']],
  ])('%s', (template, folders) => {
    const placement = { account: 'John Doe Group_BE0123456789', kind: 'invoices' as const, at: at(2026, 3, 15), timeZone: 'Europe/Warsaw' };
    expect(layoutFolders(parseLayout(template), placement)).toEqual(folders);
    // The walk a lost ledger makes finds exactly these folders again.
    expect(levelPatterns(parseLayout(template), placement.account).map((p, i) => p.test(folders[i]!))).toEqual(folders.map(() => true));
  });

  it.each([
    ['{account}{yyyy}/{kind}', /\{account\} in a folder of its own/],
    ['{yyyy}/{MM}', /must contain \{kind\}/],
    ['{kind}/{month}', /knows \{account\}, \{yyyy\}, \{MM\} and \{kind\} only/],
    ['{yyyy}/{kind}/{yyyy}', /\{yyyy\} at most once/],
    ['{yyyy}//{kind}', /none empty/],
    ['../{yyyy}/{kind}', /no destination accepts/],
    ['.state/{yyyy}/{kind}', /no destination accepts/],
  ])('refuses %s', (template, message) => {
    expect(() => parseLayout(template)).toThrow(message);
  });

  it("names an account's folder <name>_<nip>, else <name>, else its id, safely", () => {
    expect(accountFolderName({ id: 'jd', name: 'John Doe Group', nip: 'BE 0123-456-789' })).toBe('John Doe Group_BE0123456789');
    expect(accountFolderName({ id: 'jd', name: 'Sklep "Żabka" / Kraków', nip: null })).toBe('Sklep _Żabka_ _ Kraków');
    expect(accountFolderName({ id: 'jd', name: null, nip: '5261040828' })).toBe('jd');
  });
});
