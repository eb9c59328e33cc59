// Paths as the API takes them. The argument patterns are files.stone's aliases, checked first (a mismatch is a 400
// naming the pattern); then each name is checked (a bad one is a 409 malformed_path or disallowed_name). Paths are
// case-insensitive and case-preserving: the store keys them lower-cased, and each item keeps the case it was made with.
import { tagged, type Union } from './stone.js';

export const PATTERNS = {
  /** WritePath: where a folder is created. */
  write: '(/(.|[\\r\\n])*)|(ns:[0-9]+(/(.|[\\r\\n])*)?)',
  /** WritePathOrId: where a file is committed, what is deleted or moved. */
  writeOrId: '(/(.|[\\r\\n])*)|(ns:[0-9]+(/(.|[\\r\\n])*)?)|(id:.*)',
  /** ReadPath: get_metadata, download. */
  read: '(/(.|[\\r\\n])*|id:.*)|(rev:[0-9a-f]{9,})|(ns:[0-9]+(/(.|[\\r\\n])*)?)',
  /** PathROrId: list_folder, where "" is the root. */
  listOrId: '(/(.|[\\r\\n])*)?|id:.*|(ns:[0-9]+(/(.|[\\r\\n])*)?)',
} as const;

/**
 * Names Dropbox will not store (its help page on ignored files; rclone backend/dropbox `ignoredFiles`). Compared
 * without case. "icon\r" is the macOS folder icon file.
 */
const DISALLOWED = new Set(['desktop.ini', 'thumbs.db', '.ds_store', 'icon\r', '.dropbox', '.dropbox.attr']);

/** Dropbox's limit on one name (rclone: maxFileNameLength = 255), counted here in UTF-16 units, the stricter count. */
export const MAX_NAME_LENGTH = 255;

export type PathProblem = 'malformed_path' | 'disallowed_name';

/**
 * What is wrong with one name, if anything. Malformed: empty, "." or "..", longer than 255, a backslash, NUL or
 * DEL, or a trailing space (rclone's Dropbox encoder escapes exactly these, because the service refuses or mangles
 * them); and any character outside the Basic Multilingual Plane, most emoji among them ("Dropbox doesn't allow file
 * names/paths with non-BMP unicode characters", Dropbox staff in dropbox-sdk-java#42; a batch entry with one fails
 * its path test, rclone#6199): in UTF-16, any surrogate.
 */
export function nameProblem(name: string): PathProblem | null {
  // eslint-disable-next-line no-control-regex
  if (name === '' || name === '.' || name === '..' || name.length > MAX_NAME_LENGTH || /[\\\u0000\u007f\ud800-\udfff]/.test(name) || name.endsWith(' ')) {
    return 'malformed_path';
  }
  if (DISALLOWED.has(name.toLowerCase())) return 'disallowed_name';
  return null;
}

/** Splits "/a/b" into names; a problem with any of them is the path's problem. */
export function splitPath(path: string): { names: string[] } | { problem: PathProblem } {
  const names = path.split('/').slice(1);
  let problem: PathProblem | null = null;
  for (const name of names) {
    const p = nameProblem(name);
    if (p === 'malformed_path') return { problem: p };
    problem ??= p;
  }
  return problem ? { problem } : { names };
}

export function problemUnion(problem: PathProblem): Union {
  return tagged(problem);
}

export function lower(path: string): string {
  return path.toLowerCase();
}

export function joinPath(names: readonly string[]): string {
  return names.length === 0 ? '' : `/${names.join('/')}`;
}
