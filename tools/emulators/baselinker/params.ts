// Reading request parameters the way a PHP API does: clients send numbers as strings and flags as
// 0/1/"0"/"1"/"true"/booleans, and the real API accepts all of them. Being strict here would make the emulator
// reject requests the real server takes.

export type Params = Record<string, unknown>;

/** An integer parameter, or undefined when absent or empty. NaN-producing values count as absent. */
export function intParam(params: Params, key: string): number | undefined {
  const raw = params[key];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : Number(raw);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

export function boolParam(params: Params, key: string, fallback: boolean): boolean {
  const raw = params[key];
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw !== 0;
  const s = String(raw).trim().toLowerCase();
  return !(s === '0' || s === 'false' || s === 'no');
}

export function stringParam(params: Params, key: string): string | undefined {
  const raw = params[key];
  if (raw === undefined || raw === null || raw === '') return undefined;
  return String(raw);
}
