import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, flushLogger } from '../../src/lib/logger.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function linesOf(o: Parameters<typeof createLogger>[0], log: (logger: ReturnType<typeof createLogger>) => void): Promise<string[]> {
  const written: string[] = [];
  // winston's console transport writes to console._stderr, which is process.stderr outside a test runner.
  const stream = (console as unknown as { _stderr?: NodeJS.WriteStream })._stderr ?? process.stderr;
  vi.spyOn(stream, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
  const logger = createLogger(o);
  log(logger);
  await flushLogger(logger);
  return written.join('').split('\n').filter(Boolean);
}

describe('log lines', () => {
  it("readable lines show the time in the account's zone, whatever the machine's clock zone", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 21, 1, 2, 3), toFake: ['Date'] });
    const lines = await linesOf({ interactive: true, timeZone: 'Europe/Warsaw' }, (l) => l.info('stored 3 invoices'));
    expect(lines.map((l) => l.replace(/^\r\x1b\[2K/, ''))).toEqual(['02:02:03 info  stored 3 invoices']);
  });

  it('JSON lines keep the instant in UTC, which names its zone', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 21, 1, 2, 3), toFake: ['Date'] });
    const [line] = await linesOf({ interactive: false, timeZone: 'Europe/Warsaw' }, (l) => l.info('stored 3 invoices'));
    expect(JSON.parse(line!)).toEqual({ level: 'info', message: 'stored 3 invoices', timestamp: '2026-11-21T01:02:03.000Z' });
  });
});
