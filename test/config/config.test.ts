import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { UsageError } from '../../src/lib/errors.js';
import { tempDir } from '../helpers/tempDir.js';

const base = { BACKUP_DESTINATION: 'local:./backup' };

function withFile(content: unknown): { dir: string; env: Record<string, string> } {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'c.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return { dir, env: { BACKUP_CONFIG: 'c.json' } };
}

describe('configuration', () => {
  it('has defaults for everything but the destination and token', () => {
    const config = loadConfig(base, tempDir());
    expect(config).toMatchObject({
      baselinker: { apiUrl: 'https://api.baselinker.com/connector.php', requestsPerMinute: 60, token: null },
      timeZone: 'Europe/Warsaw',
      kinds: ['orders', 'invoices', 'receipts'],
      orders: { lookbackDays: 90, windowDays: 30, csvDelimiter: ';' },
      schedule: { time: '03:30', timeZone: 'Europe/Warsaw' },
      backfillFrom: null,
      nip: null,
      // BaseLinker's own PDF by default: the official copy, with its KSeF number and QR code.
      invoices: { pdf: 'baselinker', external: false, exemptionBasis: null },
    });
    expect(config.destinations).toEqual([{ scheme: 'local', target: expect.stringMatching(/\/backup$/) }]);
    expect(config.account).toMatchObject({ id: 'default', implicit: true });
    expect(config.layout).toBe('{yyyy}/{MM}/{kind}');
  });

  it('reads the file, and the environment overrides it key by key', () => {
    const { dir, env } = withFile({ '// note': 'comments are allowed', orders: { lookbackDays: 120, csvDelimiter: ',' }, destinations: ['local:/srv/a', 'local:/srv/b'] });
    const config = loadConfig({ ...env, BACKUP_ORDERS_LOOKBACK_DAYS: '45', BASELINKER_REQUESTS_PER_MINUTE: '30' }, dir);
    expect(config.orders).toMatchObject({ lookbackDays: 45, csvDelimiter: ',' });
    expect(config.baselinker.requestsPerMinute).toBe(30);
    expect(config.destinations).toEqual([
      { scheme: 'local', target: '/srv/a' },
      { scheme: 'local', target: '/srv/b' },
    ]);
  });

  it('reads the NIP in any usual spelling, and the external-invoices switch', () => {
    for (const spelling of ['6762461234', '676-246-12-34', 'PL 676 246 12 34']) {
      expect(loadConfig({ ...base, BACKUP_NIP: spelling }, tempDir()).nip).toBe('6762461234');
    }
    expect(loadConfig({ ...base, BACKUP_INVOICES_EXTERNAL: 'true', BACKUP_INVOICES_PDF: 'render' }, tempDir()).invoices).toMatchObject({ external: true, pdf: 'render' });
    const { dir, env } = withFile({ nip: '676-246-12-34', invoices: { external: true, exemptionBasis: 'art. 43 ust. 1 pkt 37 ustawy o VAT' } });
    expect(loadConfig({ ...env, ...base }, dir)).toMatchObject({ nip: '6762461234', invoices: { external: true, exemptionBasis: 'art. 43 ust. 1 pkt 37 ustawy o VAT' } });
  });

  it.each([
    [{ ...base, BACKUP_NIP: '6762461235' }, /BACKUP_NIP \(config key "nip"\) must be a NIP with a valid check digit/],
    [{ ...base, BACKUP_NIP: 'PL 12 34' }, /BACKUP_NIP \(config key "nip"\) must be a NIP \(ten digits, e.g. "676-246-12-34"\) or an EU VAT number/],
    [{ ...base, BACKUP_INVOICES_EXTERNAL: 'yes please' }, /BACKUP_INVOICES_EXTERNAL .* must be true or false/],
    [{ ...base, BASELINKER_REQUESTS_PER_MINUTE: '500' }, /BASELINKER_REQUESTS_PER_MINUTE \(config key "baselinker.requestsPerMinute"\) must be a whole number from 0 to 100/],
    [{ ...base, BACKUP_TIMEZONE: 'Mars/Olympus' }, /BACKUP_TIMEZONE .* IANA time zone/],
    [{ ...base, BACKUP_KINDS: 'orders,faktury' }, /BACKUP_KINDS .* must be one of/],
    [{ ...base, BACKUP_BACKFILL_FROM: '2026-02-30' }, /backfillFrom.* date YYYY-MM-DD or "all"/],
    [{ BACKUP_DESTINATION: 'ftp://x' }, /BACKUP_DESTINATION \(config key "destinations"\) must be "local:<folder>", or "gdrive", "gdrive:<parent folder id>"/],
    [{ BACKUP_DESTINATION: 'onedrive:Backups/../Shop' }, /must be "onedrive" \(the app's own folder\) or "onedrive:<folder path>" .*; the folder name "\.\." is empty or a dot name/],
    [{ BACKUP_DESTINATION: 'onedrive:Backups//Shop' }, /the folder name "" is empty/],
    [{ BACKUP_DESTINATION: 'onedrive:Backups/Shop?' }, /the folder name "Shop\?" contains a character OneDrive refuses/],
    [{ BACKUP_DESTINATION: 'onedrive', ONEDRIVE_TENANT: 'common/../x' }, /ONEDRIVE_TENANT .* must be "common", "consumers", "organizations" or a tenant id/],
    [{ ...base, BACKUP_LOG_FORMAT: 'xml' }, /BACKUP_LOG_FORMAT .* must be one of "auto", "json", "text"/],
    [{ ...base, BACKUP_ROOT_FOLDER: '../../x' }, /BACKUP_ROOT_FOLDER .* must be a single folder name/],
    [{ ...base, BACKUP_ROOT_FOLDER: 'a/b' }, /BACKUP_ROOT_FOLDER .* must be a single folder name/],
    [{ ...base, BACKUP_ORDERS_WINDOW_DAYS: '60', BACKUP_ORDERS_LOOKBACK_DAYS: '45' }, /"orders.windowDays" \(60\) must not exceed "orders.lookbackDays" \(45\)/],
    [{ ...base, BACKUP_LAYOUT: '{account}{yyyy}/{kind}' }, /BACKUP_LAYOUT .* \{account\} in a folder of its own/],
    [{}, /no destination configured/],
  ])('names the bad key: %j', (env, message) => {
    expect(() => loadConfig(env, tempDir())).toThrow(message);
  });

  it('takes the OneDrive app folder, or a folder path from the drive root written with or without slashes around it', () => {
    expect(loadConfig({ BACKUP_DESTINATION: 'onedrive,onedrive:/Backups/Shop/' }, tempDir()).destinations).toEqual([
      { scheme: 'onedrive', target: null },
      { scheme: 'onedrive', target: 'Backups/Shop' },
    ]);
  });

  it('rejects unknown keys, malformed JSON and a missing named file with one clear line', () => {
    const unknown = withFile({ orders: { lookbakDays: 10 } });
    expect(() => loadConfig({ ...base, ...unknown.env }, unknown.dir)).toThrow('unknown config key "orders.lookbakDays"');
    const broken = withFile('{\n  "orders": {\n    "lookbackDays": 90,\n  }\n}');
    expect(() => loadConfig({ ...base, ...broken.env }, broken.dir)).toThrow(/is not valid JSON: line 4, column 3: /);
    const section = withFile({ orders: 5 });
    expect(() => loadConfig({ ...base, ...section.env }, section.dir)).toThrow('config key "orders" must be an object with "lookbackDays", "windowDays", "csvDelimiter" (got 5)');
    expect(() => loadConfig({ ...base, BACKUP_CONFIG: 'nope.json' }, tempDir())).toThrow(/cannot read config file .*nope.json: ENOENT/);
    expect(() => loadConfig({ ...base, BACKUP_CONFIG: 'nope.json' }, tempDir())).toThrow(UsageError);
  });

  it('reads a file saved with a byte-order mark', () => {
    const { dir, env } = withFile(`\ufeff${JSON.stringify({ timeZone: 'Europe/Berlin' })}`);
    expect(loadConfig({ ...base, ...env }, dir).timeZone).toBe('Europe/Berlin');
  });

  it('refuses a config file holding a token that others can read, and a token file that others can read', () => {
    const { dir, env } = withFile({ baselinker: { token: 'a-token-in-the-file' } });
    fs.chmodSync(path.join(dir, 'c.json'), 0o644);
    expect(() => loadConfig({ ...base, ...env }, dir)).toThrow(/holds a BaseLinker token and others may read it: chmod 600/);
    fs.chmodSync(path.join(dir, 'c.json'), 0o600);
    expect(loadConfig({ ...base, ...env }, dir).baselinker.token).toBe('a-token-in-the-file');
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'token-from-a-file\n', { mode: 0o640 });
    expect(() => loadConfig({ ...base, BASELINKER_TOKEN_FILE: tokenFile }, dir)).toThrow(/holds a token and others may read it: chmod 600/);
    fs.chmodSync(tokenFile, 0o600);
    expect(loadConfig({ ...base, BASELINKER_TOKEN_FILE: tokenFile }, dir).baselinker.token).toBe('token-from-a-file');
  });

  it('never echoes the token in an error', () => {
    const { dir, env } = withFile({ baselinker: { token: 12345678901 } });
    expect(() => loadConfig({ ...base, ...env }, dir)).toThrow(/baselinker.token" must be a non-empty string$/);
  });

  it('refuses an address with a user name and password in it (fetch would refuse it on every request), without echoing it', () => {
    const url = 'https://proxy-user:pr0xy-s3cret@proxy.example/connector.php';
    const error = (() => {
      try {
        loadConfig({ ...base, BASELINKER_API_URL: url }, tempDir());
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toBe('BASELINKER_API_URL (config key "baselinker.apiUrl") must not hold a user name or password');
  });

  it('the documented example file is valid', () => {
    const example = path.resolve(import.meta.dirname, '../../config/backup.example.json');
    const config = loadConfig({ BACKUP_CONFIG: example }, tempDir());
    expect(config.source).toBe(example);
  });
});
