// The files.list `q` language (developers.google.com/drive/api/guides/ref-search-terms), parsed into a tree and
// evaluated per file. Anything it does not understand is a 400 "Invalid Value" on `q`, as on Drive: an emulator
// that treats an unknown term as true hides exactly the bugs it exists to catch.
//
// Faithful details that matter to a backup client:
//  - `name = 'x'` is case-insensitive on Drive (rclone re-checks the case of every hit for this reason), so a
//    client that trusts the query alone can match "invoices" for "Invoices".
//  - `name contains 'x'` matches word prefixes only ("HelloWorld" matches 'Hello', not 'World').
//  - trashed items match unless the query says `trashed = false`.
import { invalidParam } from './errors.js';
import type { DriveStore, StoredFile } from './store.js';

export type Query =
  | { t: 'and' | 'or'; a: Query; b: Query }
  | { t: 'not'; a: Query }
  | { t: 'cmp'; field: string; op: string; value: string | boolean }
  | { t: 'in'; value: string; field: string }
  | { t: 'has'; field: 'properties' | 'appProperties'; key: string; value: string };

type Tok = { k: 'str'; v: string } | { k: 'word'; v: string } | { k: 'op'; v: string } | { k: 'eof' };

const bad = () => invalidParam('q');

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      // String literal; a backslash escapes the next character (\' and \\ are the documented ones).
      let v = '';
      i++;
      for (;;) {
        if (i >= q.length) throw bad();
        const d = q[i]!;
        if (d === '\\') {
          if (i + 1 >= q.length) throw bad();
          v += q[i + 1];
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.push({ k: 'str', v });
    } else if ('(){}'.includes(c)) {
      out.push({ k: 'op', v: c });
      i++;
    } else if ('=!<>'.includes(c)) {
      const two = q.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        out.push({ k: 'op', v: two });
        i += 2;
      } else if (c === '!') {
        throw bad();
      } else {
        out.push({ k: 'op', v: c });
        i++;
      }
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i))!;
      out.push({ k: 'word', v: m[0] });
      i += m[0].length;
    } else {
      throw bad();
    }
  }
  out.push({ k: 'eof' });
  return out;
}

// Which operators each query term accepts (from the reference table).
const TEXT_OPS = ['contains', '=', '!='];
const TIME_OPS = ['<=', '<', '=', '!=', '>', '>='];
const FIELD_OPS: Record<string, string[]> = {
  name: TEXT_OPS,
  mimeType: TEXT_OPS,
  fullText: ['contains'],
  createdTime: TIME_OPS,
  modifiedTime: TIME_OPS,
  viewedByMeTime: TIME_OPS,
  trashed: ['=', '!='],
  starred: ['=', '!='],
  sharedWithMe: ['=', '!='],
  visibility: ['=', '!='],
  'shortcutDetails.targetId': ['=', '!='],
};
const BOOL_FIELDS = new Set(['trashed', 'starred', 'sharedWithMe']);
const TIME_FIELDS = new Set(['createdTime', 'modifiedTime', 'viewedByMeTime']);
const IN_FIELDS = new Set(['parents', 'owners', 'writers', 'readers']);

export function parseQuery(q: string): Query {
  const toks = tokenize(q);
  let p = 0;
  const peek = () => toks[p]!;
  const isWord = (w: string) => {
    const t = peek();
    return t.k === 'word' && t.v.toLowerCase() === w;
  };
  const expectOp = (v: string) => {
    const t = peek();
    if (t.k !== 'op' || t.v !== v) throw bad();
    p++;
  };
  const expectStr = (): string => {
    const t = peek();
    if (t.k !== 'str') throw bad();
    p++;
    return t.v;
  };

  const parseOr = (): Query => {
    let a = parseAnd();
    while (isWord('or')) {
      p++;
      a = { t: 'or', a, b: parseAnd() };
    }
    return a;
  };
  const parseAnd = (): Query => {
    let a = parseUnary();
    while (isWord('and')) {
      p++;
      a = { t: 'and', a, b: parseUnary() };
    }
    return a;
  };
  const parseUnary = (): Query => {
    if (isWord('not')) {
      p++;
      return { t: 'not', a: parseUnary() };
    }
    const t = peek();
    if (t.k === 'op' && t.v === '(') {
      p++;
      const e = parseOr();
      expectOp(')');
      return e;
    }
    return parseTerm();
  };
  const parseTerm = (): Query => {
    const t = peek();
    if (t.k === 'str') {
      // '<value>' in parents|owners|writers|readers
      p++;
      if (!isWord('in')) throw bad();
      p++;
      const f = peek();
      if (f.k !== 'word' || !IN_FIELDS.has(f.v)) throw bad();
      p++;
      return { t: 'in', value: t.v, field: f.v };
    }
    if (t.k !== 'word') throw bad();
    const field = t.v;
    p++;
    if (field === 'properties' || field === 'appProperties') {
      // properties has { key='k' and value='v' }
      if (!isWord('has')) throw bad();
      p++;
      expectOp('{');
      if (!isWord('key')) throw bad();
      p++;
      expectOp('=');
      const key = expectStr();
      if (!isWord('and')) throw bad();
      p++;
      if (!isWord('value')) throw bad();
      p++;
      expectOp('=');
      const value = expectStr();
      expectOp('}');
      return { t: 'has', field, key, value };
    }
    const ops = FIELD_OPS[field];
    if (!ops) throw bad();
    const o = peek();
    const op = o.k === 'op' ? o.v : o.k === 'word' ? o.v.toLowerCase() : '';
    if (!ops.includes(op)) throw bad();
    p++;
    const v = peek();
    let value: string | boolean;
    if (BOOL_FIELDS.has(field)) {
      if (v.k !== 'word' || !['true', 'false'].includes(v.v.toLowerCase())) throw bad();
      value = v.v.toLowerCase() === 'true';
    } else {
      if (v.k !== 'str') throw bad();
      value = v.v;
      if (TIME_FIELDS.has(field) && Number.isNaN(Date.parse(value))) throw bad();
    }
    p++;
    return { t: 'cmp', field, op, value };
  };

  if (peek().k === 'eof') throw bad();
  const e = parseOr();
  if (peek().k !== 'eof') throw bad();
  return e;
}

export interface EvalContext {
  store: DriveStore;
  userEmail: string;
}

/** "HelloWorld" matches 'Hello' but not 'World'; "FV_1_11_2026.pdf" matches '11'. Case-insensitive. */
function namePrefixMatch(name: string, needle: string): boolean {
  const n = name.toLowerCase();
  const x = needle.toLowerCase();
  if (x === '') return true;
  for (let i = n.indexOf(x); i >= 0; i = n.indexOf(x, i + 1)) {
    if (i === 0 || !/[\p{L}\p{N}]/u.test(n[i - 1]!)) return true;
  }
  return false;
}

function compare(op: string, a: number | string, b: number | string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

export function evaluate(q: Query, f: StoredFile, ctx: EvalContext): boolean {
  switch (q.t) {
    case 'and':
      return evaluate(q.a, f, ctx) && evaluate(q.b, f, ctx);
    case 'or':
      return evaluate(q.a, f, ctx) || evaluate(q.b, f, ctx);
    case 'not':
      return !evaluate(q.a, f, ctx);
    case 'has': {
      const bag = q.field === 'appProperties' ? f.appProperties : f.properties;
      return Object.hasOwn(bag, q.key) && bag[q.key] === q.value;
    }
    case 'in': {
      if (q.field === 'parents') return f.parents.includes(ctx.store.resolve(q.value));
      // owners/writers/readers: the emulated user owns every My Drive item; shared-drive items have no owner.
      const me = q.value === 'me' || q.value.toLowerCase() === ctx.userEmail.toLowerCase();
      return me && (q.field !== 'owners' || f.driveId === undefined);
    }
    case 'cmp':
      return evalCmp(q, f, ctx);
  }
}

function evalCmp(q: Extract<Query, { t: 'cmp' }>, f: StoredFile, ctx: EvalContext): boolean {
  const v = q.value;
  switch (q.field) {
    case 'name':
      if (q.op === 'contains') return namePrefixMatch(f.name, v as string);
      return compare(q.op, f.name.toLowerCase(), (v as string).toLowerCase());
    case 'mimeType':
      if (q.op === 'contains') return f.mimeType.includes(v as string);
      return compare(q.op, f.mimeType, v as string);
    case 'fullText': {
      const hay = `${f.name}\n${f.description ?? ''}\n${f.content && f.content.length < 1 << 20 ? f.content.toString('utf8') : ''}`;
      return hay.toLowerCase().includes((v as string).toLowerCase());
    }
    case 'createdTime':
      return compare(q.op, f.createdTime, Date.parse(v as string));
    case 'modifiedTime':
    case 'viewedByMeTime':
      return compare(q.op, f.modifiedTime, Date.parse(v as string));
    case 'trashed':
      return (ctx.store.isTrashed(f) === v) === (q.op === '=');
    case 'starred':
      return (f.starred === v) === (q.op === '=');
    case 'sharedWithMe':
      return (false === v) === (q.op === '=');
    case 'visibility':
      return compare(q.op, 'limited', v as string);
    case 'shortcutDetails.targetId':
      return compare(q.op, '', v as string);
    default:
      return false;
  }
}
