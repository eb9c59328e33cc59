// The `fields` partial-response selector (Google's "FieldMask" syntax for JSON APIs):
//   nextPageToken,files(id,name,parents)   files/id   *   files(*)   user(displayName)
// A selection names keys; parentheses select sub-keys of an object or of each element of an array; "a/b" is
// shorthand for "a(b)". Whitespace around names is tolerated (the Java and Python samples write "files(id, name)").
// Naming a key the resource does not have is a 400 "Invalid field selection", never silently ignored.
import { driveError, type HttpError } from './errors.js';

/** A parsed selection: key → sub-selection, where `true` means "the whole value". */
export type Selection = Map<string, Selection | true>;

/** Which names are valid at each level: a set of keys, each optionally with its own schema. */
export interface Schema {
  keys: Set<string>;
  /** Schemas of object/array-valued keys whose sub-keys are checked; others accept any sub-selection. */
  nested?: Record<string, Schema>;
}

function invalidSelection(name: string): HttpError {
  return driveError(400, 'invalidParameter', `Invalid field selection ${name}`, {
    location: 'fields',
    locationType: 'parameter',
  });
}

/** Parses and validates a selection against a schema. Throws the Drive 400 on a syntax error or unknown key. */
export function parseFields(text: string, schema: Schema): Selection {
  let i = 0;
  const skipWs = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const parseList = (sch: Schema | undefined, closing: boolean): Selection => {
    const sel: Selection = new Map();
    for (;;) {
      skipWs();
      parsePath(sel, sch);
      skipWs();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (closing && text[i] === ')') {
        i++;
        return sel;
      }
      if (!closing && i >= text.length) return sel;
      throw invalidSelection(text.slice(i) || text);
    }
  };
  const parsePath = (sel: Selection, sch: Schema | undefined): void => {
    const start = i;
    while (i < text.length && /[A-Za-z0-9_*@.-]/.test(text[i]!)) i++;
    const name = text.slice(start, i);
    if (name === '') throw invalidSelection(text.slice(start) || text);
    if (name === '*') {
      for (const k of sch?.keys ?? []) sel.set(k, true);
      if (!sch) sel.set('*', true);
      return;
    }
    if (sch && !sch.keys.has(name)) throw invalidSelection(name);
    const childSchema = sch?.nested?.[name];
    skipWs();
    if (text[i] === '(') {
      i++;
      merge(sel, name, parseList(childSchema, true));
    } else if (text[i] === '/') {
      i++;
      const sub: Selection = new Map();
      parsePath(sub, childSchema);
      merge(sel, name, sub);
    } else {
      sel.set(name, true);
    }
  };
  const result = parseList(schema, false);
  return result;
}

function merge(sel: Selection, name: string, sub: Selection): void {
  const prev = sel.get(name);
  if (prev === true) return;
  if (!prev) {
    sel.set(name, sub);
    return;
  }
  for (const [k, v] of sub) {
    const p = prev.get(k);
    if (v === true || p === undefined) prev.set(k, v);
    else if (p !== true) merge(prev, k, v);
  }
}

/** Applies a selection to a JSON value: objects keep selected keys, arrays are filtered element-wise. */
export function applySelection(value: unknown, sel: Selection | true): unknown {
  if (sel === true) return value;
  if (Array.isArray(value)) return value.map((v) => applySelection(v, sel));
  if (value === null || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  if (sel.has('*')) return src;
  const out: Record<string, unknown> = {};
  // Keep the resource's own key order, as Google does, not the order of the selection.
  for (const k of Object.keys(src)) {
    const s = sel.get(k);
    if (s !== undefined) out[k] = applySelection(src[k], s);
  }
  return out;
}
