// The BaseLinker emulator without HTTP: the same shop and method handlers, answered in the same process. The run's
// own tests use it to exercise the backup's rules (cutoff, backfill, recheck window, versions, exit codes) in
// milliseconds; the wire itself is tested over HTTP elsewhere.
import type { Answer, BaseLinkerApi, Params } from '../../../src/sources/baselinker/transport.js';
import { SourceError, UnauthorisedError } from '../../../src/lib/errors.js';
import { callMethod } from './methods.js';
import type { Shop } from './shop.js';

export interface InMemoryBaseLinker extends BaseLinkerApi {
  readonly calls: { method: string; params: Params }[];
}

export function inMemoryBaseLinker(shop: Shop, o: { token?: string; expectedToken?: string } = {}): InMemoryBaseLinker {
  const requestsByMethod = new Map<string, number>();
  const calls: { method: string; params: Params }[] = [];
  return {
    calls,
    requestsByMethod,
    get requestCount() {
      return calls.length;
    },
    async call(method, params): Promise<Answer> {
      calls.push({ method, params });
      requestsByMethod.set(method, (requestsByMethod.get(method) ?? 0) + 1);
      if (o.expectedToken !== undefined && o.token !== o.expectedToken) {
        throw new UnauthorisedError('BaseLinker refused the token (ERROR_BAD_TOKEN: Invalid user token); check BASELINKER_TOKEN');
      }
      // Through JSON, as the parameters travel on the wire.
      const result = await callMethod(shop, method, JSON.parse(JSON.stringify(params)) as Params);
      if (!result.ok) throw new SourceError(`BaseLinker ${method} failed: ${result.code}: ${result.message}`, result.code);
      return JSON.parse(JSON.stringify({ status: 'SUCCESS', ...result.payload })) as Answer;
    },
  };
}
