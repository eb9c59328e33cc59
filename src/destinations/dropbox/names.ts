// Names as Dropbox takes them. Paths are case-insensitive (and keep their case): "FV_1.pdf" and "fv_1.PDF" are one
// file there. Names it refuses: longer than 255 characters (counted here in UTF-16 units, the stricter count:
// rclone found Dropbox counting some symbols twice), the names of system files it never syncs (desktop.ini,
// thumbs.db, .ds_store, icon\r, .dropbox, .dropbox.attr), what rclone escapes for Dropbox because the service
// refuses or mangles it: "/", "\", NUL, DEL, a trailing space, "." and "..", and any character outside the Basic
// Multilingual Plane, most emoji among them (Dropbox staff in dropbox-sdk-java#42; rclone#6199).

export const MAX_NAME_LENGTH = 255;

const DISALLOWED = new Set(['desktop.ini', 'thumbs.db', '.ds_store', 'icon\r', '.dropbox', '.dropbox.attr']);

/** Why Dropbox would refuse the name, or null when it takes it. */
export function dropboxNameProblem(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return 'is empty, "." or ".."';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000\u007f]/.test(name)) return 'contains "/", "\\", NUL or DEL';
  if (/[\ud800-\udfff]/.test(name)) return 'contains a character outside the Basic Multilingual Plane (an emoji?)';
  if (name.endsWith(' ')) return 'ends with a space';
  if (DISALLOWED.has(name.toLowerCase())) return 'is a system file name Dropbox does not store';
  return null;
}

/** Whether Dropbox would take two names for one (it compares paths without case). */
export function sameDropboxName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** "/BaseLinker Backup/2026/11/Invoices/FV_1.pdf" from names, each checked; "" is the root. */
export function dropboxPath(names: readonly string[]): string {
  for (const name of names) {
    const problem = dropboxNameProblem(name);
    if (problem) throw new DropboxNameError(name, problem);
  }
  return names.length === 0 ? '' : `/${names.join('/')}`;
}

/** A path ("/a/b.pdf") whose every name Dropbox takes; refused before any request is made. */
export function checkedPath(path: string): string {
  if (!path.startsWith('/')) throw new DropboxNameError(path, 'does not start with "/"');
  dropboxPath(path.split('/').slice(1));
  return path;
}

export class DropboxNameError extends Error {
  constructor(
    readonly fileName: string,
    readonly problem: string,
  ) {
    super(`Dropbox would refuse the name ${JSON.stringify(fileName)}: it ${problem}`);
    this.name = 'DropboxNameError';
  }
}

/** The key under which Dropbox knows a path. */
export function dropboxPathKey(path: string): string {
  return path.toLowerCase();
}
