import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDir.js';

const TOKEN = 'ping-test-token-5520aa';
let emulator: BaseLinkerEmulator;
let server: Server;
let pings: { path: string; body: string }[] = [];
let pingUrl: string;
let failNext = 0;

beforeAll(async () => {
  emulator = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: '2026-11-20' }) });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      pings.push({ path: req.url ?? '', body });
      res.writeHead(failNext-- > 0 ? 503 : 200).end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pingUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping/abc-123`;
});
afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  pings = [];
  failNext = 0;
});

function env(patch: Record<string, string> = {}) {
  const root = tempDir();
  return {
    BASELINKER_TOKEN: TOKEN,
    BASELINKER_API_URL: emulator.url,
    BASELINKER_REQUESTS_PER_MINUTE: '0',
    BACKUP_DATA_DIR: path.join(root, 'data'),
    BACKUP_DESTINATION: `local:${path.join(root, 'backup')}`,
    BACKUP_HEALTHCHECK_URL: pingUrl,
    ...patch,
  };
}

describe('health pings (healthchecks.io convention)', () => {
  it('pings /start, then the URL itself on success', async () => {
    const result = await runCli(['run', '--date', '2026-11-20', '--only', 'invoices'], env());
    expect(result.code).toBe(0);
    expect(pings.map((p) => p.path)).toEqual(['/ping/abc-123/start', '/ping/abc-123']);
  });

  it('pings /<exit code> with the last log lines when the run fails', async () => {
    const result = await runCli(['run', '--date', '2026-11-20'], env({ BASELINKER_TOKEN: 'wrong-token-xyz-0987' }));
    expect(result.code).toBe(5);
    expect(pings.map((p) => p.path)).toEqual(['/ping/abc-123/start', '/ping/abc-123/5']);
    expect(pings[1]!.body).toContain('BaseLinker refused the token');
    expect(pings[1]!.body).not.toContain('wrong-token-xyz-0987');
  });

  it('a ping that fails never fails the backup, and the URL is not printed', async () => {
    failNext = 100;
    const result = await runCli(['run', '--date', '2026-11-20', '--only', 'receipts'], env());
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/health-check ping could not be delivered/);
    expect(result.stderr).not.toContain('abc-123');
  });

  it('a dry run does not ping', async () => {
    await runCli(['run', '--date', '2026-11-20', '--dry-run'], env());
    expect(pings).toEqual([]);
  });
});
