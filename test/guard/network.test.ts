import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { guardEnv } from '../helpers/cli.js';
// @ts-expect-error: plain JavaScript module without types
import { isLoopback } from '../helpers/networkGuard.mjs';

describe('no request leaves 127.0.0.1 during the test suite', () => {
  it('the guard is installed in this test worker and the violations file is set', () => {
    expect((net.Socket.prototype as unknown as Record<symbol, unknown>)[Symbol.for('blb.networkGuard')]).toBe(true);
    expect(fs.existsSync(process.env.BLB_NETWORK_VIOLATIONS ?? '')).toBe(true);
  });

  it('every CLI the tests spawn carries the guard', () => {
    const child = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('node:net').Socket.prototype[Symbol.for('blb.networkGuard')]))"], {
      env: guardEnv(),
      encoding: 'utf8',
    });
    expect(child.stdout).toBe('true');
  });

  it.each([
    ['127.0.0.1', true], ['127.12.0.9', true], ['localhost', true], ['::1', true], ['[::1]', true], [undefined, true],
    ['www.googleapis.com', false], ['oauth2.googleapis.com', false], ['api.baselinker.com', false], ['10.0.0.1', false], ['192.168.1.1', false], ['128.0.0.1', false],
  ])('%s is loopback: %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
