// One setting, declared once: its place in the file, its environment variable, its default, its check and its
// documentation. The Config type, the loader, the README's table and the example file all derive from these.

/** What some checks need besides the value: relative paths are relative to the working folder. */
export interface ParseContext {
  cwd: string;
}

/** Turns a JSON or environment value into the typed value, or throws a message without the key (added later). */
export type Parse<T> = (raw: unknown, context: ParseContext) => T;

export interface Setting<T> {
  readonly kind: 'setting';
  /** Its environment variable; none for settings that live only in the file (`accounts`). */
  readonly env: string | null;
  readonly default: T;
  readonly parse: Parse<T>;
  /** Kept out of every message and log. */
  readonly secret: boolean;
  /**
   * "account": each client account of an accounting office may set its own (unset, it inherits the top level);
   * "install": one value for the whole installation.
   */
  readonly scope: 'account' | 'install';
  readonly doc: string;
  /** How the README shows the default, when the value itself says too little ("all three", "timeZone"). */
  readonly shownDefault?: string;
}

export interface Section {
  readonly [key: string]: Setting<unknown> | Section;
}

/** The typed values of a section: `{ token: Setting<string | null> }` → `{ token: string | null }`. */
export type Values<S> = { -readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : Values<S[K]> };

export function setting<T>(s: {
  env?: string | null;
  default: T;
  parse: Parse<T>;
  secret?: boolean;
  scope: 'account' | 'install';
  doc: string;
  shownDefault?: string;
}): Setting<T> {
  return { kind: 'setting', env: s.env ?? null, default: s.default, parse: s.parse, secret: s.secret ?? false, scope: s.scope, doc: s.doc, shownDefault: s.shownDefault };
}

export function isSetting(value: Setting<unknown> | Section): value is Setting<unknown> {
  return (value as Setting<unknown>).kind === 'setting';
}

/** Every setting of a section with its dotted path, depth first, in declaration order. */
export function flatten(section: Section, prefix = ''): { path: string; setting: Setting<unknown> }[] {
  return Object.entries(section).flatMap(([name, value]) =>
    isSetting(value) ? [{ path: prefix + name, setting: value }] : flatten(value, `${prefix}${name}.`),
  );
}

// The checks. Each throws a message that completes "<key> …" and never contains the value (the loader adds the
// value where it is not secret).

export const text: Parse<string> = (raw) => {
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error('must be a non-empty string');
  return raw.trim();
};

/** An optional value: null (or an empty environment variable) means "not set". */
export const optional =
  <T>(parse: Parse<T>): Parse<T | null> =>
  (raw, context) =>
    raw === null || raw === '' ? null : parse(raw, context);

export const integer =
  (min: number, max: number): Parse<number> =>
  (raw) => {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new Error(`must be a whole number from ${min} to ${max}`);
    return n;
  };

export const number =
  (min: number, max: number): Parse<number> =>
  (raw) => {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) throw new Error(`must be a number from ${min} to ${max}`);
    return n;
  };

export const flag: Parse<boolean> = (raw) => {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && ['true', '1', 'yes'].includes(raw.trim().toLowerCase())) return true;
  if (typeof raw === 'string' && ['false', '0', 'no'].includes(raw.trim().toLowerCase())) return false;
  throw new Error('must be true or false');
};

export const oneOf =
  <const V extends string>(...values: V[]): Parse<V> =>
  (raw) => {
    if (typeof raw !== 'string' || !(values as string[]).includes(raw.trim())) throw new Error(`must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
    return raw.trim() as V;
  };

/** A list: a JSON array in the file, comma-separated in the environment. */
export const list =
  <T>(item: Parse<T>): Parse<T[]> =>
  (raw, context) => {
    const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
    if (!Array.isArray(items) || items.length === 0) throw new Error('must be a non-empty list');
    return items.map((value) => item(value, context));
  };

export const httpUrl: Parse<string> = (raw, context) => {
  const value = text(raw, context);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('must be an http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must be an http(s) URL');
  // fetch() refuses such an address on every request, and a password has no place in a setting shown in messages.
  if (url.username || url.password) throw new Error('must not hold a user name or password');
  return value;
};

export const timeZone: Parse<string> = (raw, context) => {
  const value = text(raw, context);
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw new Error('must be an IANA time zone such as "Europe/Warsaw"');
  }
  return value;
};

export const clockTime: Parse<string> = (raw, context) => {
  const value = text(raw, context);
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) throw new Error('must be a time of day as HH:mm, e.g. "03:30"');
  return value;
};

/** A calendar date YYYY-MM-DD that exists (2026-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * A folder name that is one safe path segment: not "." or "..", no slash or backslash, nothing a destination
 * refuses. `BACKUP_ROOT_FOLDER=../../x` must stop at start, not after the whole account was read.
 */
export const folderName: Parse<string> = (raw, context) => {
  const value = text(raw, context);
  // eslint-disable-next-line no-control-regex
  if (value === '.' || value === '..' || /[/\\:*?"<>|\u0000-\u001f]/.test(value) || /[. ]$/.test(value)) {
    throw new Error('must be a single folder name: no / \\ : * ? " < > |, not "." or "..", not ending in a dot or space');
  }
  return value;
};
