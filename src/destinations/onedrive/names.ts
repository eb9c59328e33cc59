// Which names OneDrive takes, and how to make one it takes. The rules are Microsoft's ("Invalid file names and file
// types in OneDrive and SharePoint") plus what rclone found the article leaves out (a trailing space or dot is
// refused too). Our own naming (src/backup/naming.ts) already replaces / \ : * ? " < > | and control characters,
// trims trailing dots and spaces and defuses Windows device names; what it lets through and OneDrive refuses is
// handled here: "#" and "%" and a leading "~" on business drives, a leading "~$", "_vti_" anywhere, ".lock",
// "desktop.ini", and COM0/LPT0 (Windows reserves only 1-9).

export interface NameRules {
  /** OneDrive for Business / SharePoint: refuses "#", "%" and a leading "~" as well. */
  business: boolean;
}

/** The longest path OneDrive takes, counted in characters below the drive's root, file name included. */
export const MAX_PATH_CHARACTERS = 400;

const INVALID = /["*:<>?/\\|\u0000-\u001f]/; // eslint-disable-line no-control-regex
const INVALID_ALL = /["*:<>?/\\|\u0000-\u001f]/g; // eslint-disable-line no-control-regex
const BUSINESS_INVALID_ALL = /[#%]/g;
// Reserved as bare names by OneDrive; Windows reserves the device names with any extension, so we do too.
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const RESERVED = /^(\.lock|desktop\.ini)$/i;

/** Why OneDrive would refuse `name`, or null when it would take it. */
export function nameProblem(name: string, rules: NameRules): string | null {
  if (name === '' || name === '.' || name === '..') return 'is empty or a dot name';
  if (INVALID.test(name)) return 'contains a character OneDrive refuses (" * : < > ? / \\ | or a control character)';
  if (/^\s|\s$/.test(name)) return 'starts or ends with a space';
  if (name.endsWith('.')) return 'ends with a dot';
  if (DEVICE.test(name) || RESERVED.test(name)) return 'is a reserved name';
  if (name.startsWith('~$')) return 'starts with ~$ (reserved for Office lock files)';
  if (/_vti_/i.test(name)) return 'contains _vti_';
  if (rules.business && /[#%]/.test(name)) return 'contains # or %, which OneDrive for Business refuses';
  if (rules.business && name.startsWith('~')) return 'starts with ~, which OneDrive for Business refuses';
  return null;
}

/** `name` made acceptable to OneDrive, changed as little as possible; "_" stands in for what had to go. */
export function toOneDriveName(name: string, rules: NameRules): string {
  let out = name.replace(INVALID_ALL, '_');
  if (rules.business) out = out.replace(BUSINESS_INVALID_ALL, '_');
  out = out.trim().replace(/[.\s]+$/, '');
  out = out.replace(/_vti_/gi, (m) => `${m.slice(0, 4)}-`);
  if (out.startsWith('~$') || (rules.business && out.startsWith('~'))) out = `_${out.slice(1)}`;
  if (out === '' || out === '.' || out === '..') out = '_';
  if (DEVICE.test(out) || RESERVED.test(out)) out = `_${out}`;
  return out;
}

/** OneDrive compares names without regard to case, as Windows does. */
export function sameName(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

/** Why OneDrive would refuse this path (its segments below the drive's root), or null. */
export function pathProblem(segments: readonly string[]): string | null {
  const length = segments.join('/').length;
  return length > MAX_PATH_CHARACTERS ? `is ${length} characters long; OneDrive takes at most ${MAX_PATH_CHARACTERS}` : null;
}
