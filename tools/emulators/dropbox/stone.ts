// Stone, Dropbox's interface language, as its JSON looks on the wire (dropbox-api-spec, stone docs
// "json_serializer"): a union is {".tag": member, ...}; a union member of struct type has the struct's fields beside
// the tag; a member of union type nests under its own name ({".tag": "path", "path": {".tag": "not_found"}}); a
// void member may be sent as the bare string ("mode": "add"). Requests are checked as strictly as the server checks
// them: a missing field, a wrong type, an unknown field, or null for a field that is not nullable is a 400.

export type Union = { '.tag': string } & Record<string, unknown>;

export function tagged(tag: string, fields: Record<string, unknown> = {}): Union {
  return { '.tag': tag, ...fields };
}

export function isUnion(v: unknown): v is Union {
  return typeof v === 'object' && v !== null && typeof (v as { '.tag'?: unknown })['.tag'] === 'string';
}

let summaryDots = 0;

/**
 * error_summary: the tags of the error, outermost first, joined by "/", then "/" and a run of dots. Dropbox varies
 * the run ("path/not_found/..", "too_many_requests/.") because the summary is for people: a client that compares
 * it as a string breaks, as it should here too. Struct errors (RateLimitError, UploadWriteFailed) continue through
 * their first union field.
 */
export function errorSummary(error: Record<string, unknown>): string {
  const tags: string[] = [];
  let cur: Record<string, unknown> | undefined = error;
  while (cur) {
    let next: unknown;
    if (isUnion(cur)) {
      tags.push(cur['.tag']);
      next = cur[cur['.tag']];
    }
    if (!isUnion(next)) next = Object.entries(cur).find(([k, v]) => k !== '.tag' && isUnion(v))?.[1];
    cur = isUnion(next) ? next : undefined;
  }
  summaryDots = (summaryDots % 3) + 1;
  return `${tags.join('/')}/${'.'.repeat(summaryDots)}`;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** Fails the request: the caller turns the message into Dropbox's 400 text. */
export type Fail = (message: string) => never;

/**
 * Reads one struct argument field by field. Call done() last: any field nobody read is unknown, and refused.
 * Nested readers name their fields "commit.path", as Dropbox's messages do.
 */
export class ArgReader {
  private readonly read = new Set<string>();

  private constructor(
    private readonly value: Record<string, unknown>,
    readonly fail: Fail,
    private readonly prefix: string,
  ) {}

  static of(value: unknown, fail: Fail, prefix = ''): ArgReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(`${prefix ? `${prefix.slice(0, -1)}: ` : ''}expected object, got ${jsonType(value)}`);
    }
    return new ArgReader(value as Record<string, unknown>, fail, prefix);
  }

  private take(name: string, optional: boolean, nullable: boolean): unknown {
    this.read.add(name);
    const v = this.value[name];
    if (v === undefined) {
      if (!optional) this.fail(`${this.prefix ? `${this.prefix.slice(0, -1)}: ` : ''}missing required field '${name}'`);
      return undefined;
    }
    if (v === null) {
      if (!nullable) this.fail(`${this.prefix}${name}: null is not allowed here (leave the field out instead)`);
      return undefined;
    }
    return v;
  }

  private typeError(name: string, want: string, v: unknown): never {
    return this.fail(`${this.prefix}${name}: expected ${want}, got ${jsonType(v)}`);
  }

  string(name: string, o: { optional?: boolean; nullable?: boolean; pattern?: string; minLength?: number; maxLength?: number } = {}): string | undefined {
    const v = this.take(name, o.optional ?? false, o.nullable ?? false);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.typeError(name, 'string', v);
    if (o.minLength !== undefined && v.length < o.minLength) this.fail(`${this.prefix}${name}: '${v}' has fewer than ${o.minLength} characters`);
    if (o.maxLength !== undefined && v.length > o.maxLength) this.fail(`${this.prefix}${name}: '${v.slice(0, 20)}…' has more than ${o.maxLength} characters`);
    if (o.pattern !== undefined && !new RegExp(`^(?:${o.pattern})$`).test(v)) this.fail(`${this.prefix}${name}: '${v}' did not match pattern '${o.pattern}'`);
    return v;
  }

  requiredString(name: string, o: { pattern?: string; minLength?: number; maxLength?: number } = {}): string {
    return this.string(name, o) as string;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.take(name, true, false);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.typeError(name, 'boolean', v);
    return v;
  }

  uint(name: string, o: { optional?: boolean; nullable?: boolean; min?: number; max?: number } = {}): number | undefined {
    const v = this.take(name, o.optional ?? false, o.nullable ?? false);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.typeError(name, 'unsigned integer', v);
    if (o.min !== undefined && v < o.min) this.fail(`${this.prefix}${name}: ${v} is smaller than ${o.min}`);
    if (o.max !== undefined && v > o.max) this.fail(`${this.prefix}${name}: ${v} is larger than ${o.max}`);
    return v;
  }

  struct(name: string, o: { optional?: boolean; nullable?: boolean } = {}): ArgReader | undefined {
    const v = this.take(name, o.optional ?? false, o.nullable ?? false);
    return v === undefined ? undefined : ArgReader.of(v, this.fail, `${this.prefix}${name}.`);
  }

  list(name: string, o: { maxItems?: number; optional: true }): unknown[] | undefined;
  list(name: string, o?: { maxItems?: number }): unknown[];
  list(name: string, o: { maxItems?: number; optional?: boolean } = {}): unknown[] | undefined {
    const v = this.take(name, o.optional ?? false, o.optional ?? false);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.typeError(name, 'list', v);
    if (o.maxItems !== undefined && v.length > o.maxItems) this.fail(`${this.prefix}${name}: list has more than ${o.maxItems} items`);
    return v;
  }

  /**
   * A union argument: a void member as a bare string or {".tag"}, or a member with a value ({".tag": "update",
   * "update": "rev"}), which must not be given as a bare string.
   */
  union(name: string, members: Record<string, 'void' | 'string'>, fallback?: Union): Union | undefined {
    const v = this.take(name, fallback !== undefined, false);
    if (v === undefined) return fallback;
    const where = `${this.prefix}${name}`;
    if (typeof v === 'string') {
      if (members[v] === 'void') return tagged(v);
      if (members[v] !== undefined) this.fail(`${where}: tag '${v}' needs a value and cannot be given as a string`);
      return this.fail(`${where}: unknown tag '${v}'`);
    }
    if (!isUnion(v)) return this.typeError(name, 'union', v);
    const kind = members[v['.tag']];
    if (kind === undefined) return this.fail(`${where}: unknown tag '${v['.tag']}'`);
    if (kind === 'string' && typeof v[v['.tag']] !== 'string') this.fail(`${where}.${v['.tag']}: expected string, got ${jsonType(v[v['.tag']])}`);
    return v;
  }

  /** Refuses any field that was not read: the server knows its structs and does not guess. */
  done(): void {
    for (const key of Object.keys(this.value)) {
      if (!this.read.has(key)) this.fail(`${this.prefix}unknown field '${key}'`);
    }
  }
}

/** common.DropboxTimestamp: "%Y-%m-%dT%H:%M:%SZ", whole seconds in UTC. */
export const TIMESTAMP_PATTERN = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z';

export function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
