import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { SourceError, UnauthorisedError } from '../../src/lib/errors.js';
import { silentLogger } from '../../src/lib/logger.js';
import { BaseLinkerTransport, networkFailure, parseBlockedUntil } from '../../src/sources/baselinker/transport.js';
import { scanOrders } from '../../src/sources/baselinker/lists.js';
import { fakeClock } from '../helpers/fakeClock.js';
import { freePort } from '../helpers/freePort.js';

const TOKEN = 'transport-test-token-1234';
let emulator: BaseLinkerEmulator;
let clock: ReturnType<typeof fakeClock>;

beforeEach(async () => {
  clock = fakeClock();
  emulator = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: '2026-11-20' }), now: () => clock.now() });
});
afterEach(() => emulator.close());

function transport(o: Partial<ConstructorParameters<typeof BaseLinkerTransport>[0]> = {}) {
  return new BaseLinkerTransport({ apiUrl: emulator.url, token: TOKEN, requestsPerMinute: 60, timeoutMs: 2000, clock, logger: silentLogger, ...o });
}

describe('BaseLinker transport', () => {
  it('speaks the wire protocol: form-encoded method and JSON parameters, token in the header', async () => {
    const answer = await transport().call('getOrderStatusList', {});
    expect(answer.status).toBe('SUCCESS');
    expect(Array.isArray(answer.statuses)).toBe(true);
    expect(emulator.requests).toEqual([expect.objectContaining({ method: 'getOrderStatusList', outcome: 'SUCCESS' })]);
  });

  it('paces itself: 60 a minute are one a second, with no burst', async () => {
    const api = transport();
    for (let i = 0; i < 5; i++) await api.call('getOrderStatusList', {});
    const times = emulator.requests.map((r) => r.at);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([1000, 1000, 1000, 1000]);
  });

  it.each(['http500', 'html', 'badJson', 'reset'] as const)('retries a transient %s and carries on', async (kind) => {
    emulator.injectFault({ kind, times: 2 });
    const answer = await transport().call('getOrderStatusList', {});
    expect(answer.status).toBe('SUCCESS');
    expect(emulator.requests.map((r) => r.outcome)).toEqual(['fault', 'fault', 'SUCCESS']);
  });

  it('retries a timeout', async () => {
    emulator.injectFault({ kind: 'delay', delayMs: 1500 });
    const answer = await transport({ timeoutMs: 300 }).call('getOrderStatusList', {});
    expect(answer.status).toBe('SUCCESS');
  });

  it('gives up after a bounded number of attempts with a clear error', async () => {
    emulator.injectFault({ kind: 'http500', times: 100 });
    await expect(transport({ attempts: 3 }).call('getOrderStatusList', {})).rejects.toThrow(
      `BaseLinker getOrderStatusList kept failing at ${emulator.url} (BASELINKER_API_URL): HTTP 500 (3 attempts)`,
    );
    expect(emulator.requests).toHaveLength(3);
  });

  it('an address where nothing answers is retried as an outage, then named with the variable it came from', async () => {
    const url = `http://127.0.0.1:${await freePort()}/connector.php`;
    const error = await transport({ apiUrl: url, attempts: 3 }).call('getOrders', {}).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`BaseLinker getOrders kept failing at ${url} (BASELINKER_API_URL): network error ECONNREFUSED (3 attempts)`);
    expect(clock.slept).toHaveLength(2);
  });

  it.each([
    [404, 'no BaseLinker API at this address'],
    [410, 'no BaseLinker API at this address'],
    [401, 'this machine is refused there: a firewall or a proxy?'],
    [403, 'this machine is refused there: a firewall or a proxy?'],
    [400, 'the server refuses the request as it is'],
  ])('HTTP %i is not retried: a retry cannot change it, and the error names the address and its variable', async (status, why) => {
    emulator.injectFault({ kind: 'http500', httpStatus: status, times: 10 });
    const error = await transport().call('getOrders', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe(`BaseLinker getOrders: HTTP ${status} (${why}) from ${emulator.url} (BASELINKER_API_URL); a retry will not help: check the address`);
    expect(emulator.requests).toHaveLength(1);
    expect(clock.slept.filter((ms) => ms > 1000)).toEqual([]);
  });

  it.each([408, 425, 429, 502, 503, 504])('HTTP %i is retried: the server asks to come back, or is having a bad moment', async (status) => {
    emulator.injectFault({ kind: 'http500', httpStatus: status, times: 2 });
    expect((await transport().call('getOrderStatusList', {})).status).toBe('SUCCESS');
    expect(emulator.requests.map((r) => r.outcome)).toEqual(['fault', 'fault', 'SUCCESS']);
  });

  it('a wrong path (the emulator answers 404 anywhere but its connector) stops at once', async () => {
    const url = emulator.url.replace('connector.php', 'api.php');
    await expect(transport({ apiUrl: url }).call('getOrders', {})).rejects.toThrow(`HTTP 404 (no BaseLinker API at this address) from ${url} (BASELINKER_API_URL)`);
    expect(clock.slept.filter((ms) => ms > 1000)).toEqual([]);
  });

  it('https spoken to an http port stops at once', async () => {
    const url = emulator.url.replace('http://', 'https://');
    const error = await transport({ apiUrl: url }).call('getOrders', {}).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`BaseLinker getOrders: network error ERR_SSL_WRONG_VERSION_NUMBER at ${url} (BASELINKER_API_URL); a retry will not help: check the address`);
    expect(clock.slept.filter((ms) => ms > 1000)).toEqual([]);
  });

  it('tells a failure of the connection that waiting cannot mend from an outage', () => {
    const failed = (code: string, extra: Record<string, unknown> = {}) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code, ...extra }) });
    expect(networkFailure(failed('ENOTFOUND', { hostname: 'api.baselinkr.com' }))).toEqual({ text: 'the name api.baselinkr.com does not resolve (ENOTFOUND)', permanent: true });
    for (const code of ['CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'SELF_SIGNED_CERT_IN_CHAIN']) expect(networkFailure(failed(code)).permanent, code).toBe(true);
    // A name server out of reach, a refused or cut connection, a timeout: what an outage looks like.
    for (const code of ['EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'UND_ERR_SOCKET']) expect(networkFailure(failed(code)), code).toEqual({ text: `network error ${code}`, permanent: false });
    expect(networkFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toEqual({ text: 'request timed out', permanent: false });
  });

  it('waits out a blocked token until the time in the message, then carries on', async () => {
    emulator.injectFault({ kind: 'blocked', delayMs: 120_000 });
    const api = transport();
    const answer = await api.call('getOrderStatusList', {});
    expect(answer.status).toBe('SUCCESS');
    const [blocked, ok] = emulator.requests;
    expect(blocked).toMatchObject({ outcome: 'ERROR', errorCode: 'ERROR_BLOCKED_TOKEN' });
    // It waited until the block ended (to the second, plus a margin), not less and not much more.
    expect(ok!.at - blocked!.at).toBeGreaterThanOrEqual(120_000);
    expect(ok!.at - blocked!.at).toBeLessThanOrEqual(123_000);
  });

  it('never triggers the block itself when paced at the default budget', async () => {
    const api = transport({ requestsPerMinute: 60 });
    for (let i = 0; i < 150; i++) await api.call('getOrderStatusList', {});
    expect(emulator.requests.filter((r) => r.errorCode === 'ERROR_BLOCKED_TOKEN')).toEqual([]);
  });

  it('a wrong token is "not authorised"; other errors stop with their code', async () => {
    await expect(transport({ token: 'wrong-token-123456' }).call('getOrderStatusList', {})).rejects.toBeInstanceOf(UnauthorisedError);
    const error = await transport().call('getNoSuchMethod', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toMatch(/BaseLinker getNoSuchMethod failed: ERROR_\w+: /);
  });

  it('reads the block time as Polish time', () => {
    expect(new Date(parseBlockedUntil('Query limit exceeded, token blocked until 2026-11-21 02:15:00')!).toISOString()).toBe('2026-11-21T01:15:00.000Z');
    expect(parseBlockedUntil('blocked')).toBeNull();
  });
});

describe('order paging', () => {
  it('returns every confirmed order once, although 120 share one second across a page boundary', async () => {
    const api = transport({ requestsPerMinute: 0 });
    const ids: number[] = [];
    for await (const o of scanOrders(api, 0)) ids.push(Number(o.order_id));
    const confirmed = emulator.shop.orders.filter((o) => Number(o.confirmed) === 1).map((o) => o.order_id);
    expect(ids.sort()).toEqual(confirmed.sort());
    // Close to the minimum of one request per 100 orders.
    expect(api.requestCount).toBeLessThanOrEqual(Math.ceil(confirmed.length / 100) + 2);
  });
});
