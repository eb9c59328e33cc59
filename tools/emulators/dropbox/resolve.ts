// From a path argument to what it names, for writes (errors are WriteError unions) and for reads (LookupError).
// "id:…" paths name an item the app can see; "ns:…" and "rev:…" paths are not emulated and refused as bad input.
import type { Call, DropboxContext } from './context.js';
import { WriteFailure } from './errors.js';
import { realLower, visible } from './metadata.js';
import { splitPath } from './paths.js';
import { tagged, type Union } from './stone.js';
import type { StoredItem } from './store.js';

/** A LookupError (files.stone) for the route to wrap in its own union. */
export class LookupFailure extends Error {
  constructor(readonly error: Union) {
    super(`lookup failed: ${error['.tag']}`);
  }
}

export interface Target {
  /** The names below the app's root. */
  names: string[];
  /** The real lower-cased path. */
  lowerPath: string;
  item: StoredItem | undefined;
}

function byId(ctx: DropboxContext, id: string): StoredItem | undefined {
  const item = ctx.store.byId(id);
  return item && visible(ctx.view, item.lowerPath) ? item : undefined;
}

/** The app-relative names of a stored item. */
function namesOf(ctx: DropboxContext, item: StoredItem): string[] {
  return ctx.store.displayPath(item).split('/').slice(1 + ctx.rootNames.length);
}

function refuseUnemulated(call: Call, field: string, path: string): void {
  if (path.startsWith('ns:') || path.startsWith('rev:')) call.fail(`${field}: '${path}': namespace and revision paths are not emulated`);
}

export function writeTarget(ctx: DropboxContext, call: Call, path: string, field = 'path'): Target {
  refuseUnemulated(call, field, path);
  if (path.startsWith('id:')) {
    const item = byId(ctx, path);
    if (!item) throw new WriteFailure(tagged('malformed_path'));
    return { names: namesOf(ctx, item), lowerPath: item.lowerPath, item };
  }
  const split = splitPath(path);
  if ('problem' in split) throw new WriteFailure(tagged(split.problem));
  const lowerPath = realLower(ctx.view, split.names);
  return { names: split.names, lowerPath, item: ctx.store.get(lowerPath) };
}

/** A path to read. `root` says whether "" (the app's root) may be named, as list_folder allows. */
export function readTarget(ctx: DropboxContext, call: Call, path: string, root: boolean, field = 'path'): Target {
  refuseUnemulated(call, field, path);
  if (path === '/' && root) call.fail(`${field}: Specify the root folder as an empty string rather than as "/".`);
  if (path === '/' || (path === '' && !root)) call.fail(`${field}: The root folder is unsupported.`);
  if (path === '') return { names: [], lowerPath: ctx.view.rootLower, item: undefined };
  if (path.startsWith('id:')) {
    const item = byId(ctx, path);
    if (!item) throw new LookupFailure(tagged('not_found'));
    return { names: namesOf(ctx, item), lowerPath: item.lowerPath, item };
  }
  const split = splitPath(path);
  if ('problem' in split) {
    if (split.problem === 'malformed_path') throw new LookupFailure(tagged('malformed_path'));
    throw new LookupFailure(tagged('not_found'));
  }
  const lowerPath = realLower(ctx.view, split.names);
  return { names: split.names, lowerPath, item: ctx.store.get(lowerPath) };
}

/** The item a read names, which must exist. */
export function existing(target: Target): StoredItem {
  if (!target.item) throw new LookupFailure(tagged('not_found'));
  return target.item;
}

/** "name (1).ext", "name (2).ext", … : the first free name in a folder, as autorename makes them. */
export function freeName(ctx: DropboxContext, parentLower: string, name: string, mark: (n: number) => string = (n) => ` (${n})`): string {
  const dot = name.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const candidate = `${base}${mark(n)}${ext}`;
    if (!ctx.store.get(`${parentLower}/${candidate.toLowerCase()}`)) return candidate;
  }
}
