// Which names OneDrive takes. The rules are Microsoft's ("Invalid file names and file types in OneDrive and
// SharePoint") plus what rclone found the article leaves out (a trailing space or dot is refused too). Our own
// naming (src/backup/naming.ts) makes names that follow them, for every destination alike; these checks are the
// last guard before a request, so that a name OneDrive would refuse is a clear error and not a 400.

export interface NameRules {
  /** OneDrive for Business / SharePoint: a leading "~" is refused, and "#" and "%" where the tenant has them off. */
  business: boolean;
}

/** The longest path OneDrive takes, counted in characters below the drive's root, file name included. */
export const MAX_PATH_CHARACTERS = 400;

const INVALID = /["*:<>?/\\|\u0000-\u001f]/; // eslint-disable-line no-control-regex
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

/** OneDrive compares names without regard to case, as Windows does: names with one key are one name there. */
export function nameKey(name: string): string {
  return name.toUpperCase();
}

export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

/** Why OneDrive would refuse this path (its segments below the drive's root), or null. */
export function pathProblem(segments: readonly string[]): string | null {
  const length = segments.join('/').length;
  return length > MAX_PATH_CHARACTERS ? `is ${length} characters long; OneDrive takes at most ${MAX_PATH_CHARACTERS}` : null;
}
