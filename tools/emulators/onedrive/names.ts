// Which names OneDrive refuses, as Microsoft's support article "Invalid file names and file types in OneDrive and
// SharePoint" lists them, plus what rclone's tests found the article leaves out (a trailing space or dot; see
// backend/onedrive/onedrive.go, the encoding option). Business drives (SharePoint) refuse more.
import { invalidRequest, type HttpError } from './errors.js';

const INVALID_CHARACTERS = /["*:<>?/\\|]/;
const BUSINESS_INVALID_CHARACTERS = /[#%]/;
// The article lists the bare names; COM0 and LPT0 are in its current list as well.
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|\.lock|desktop\.ini)$/i;
/** The whole decoded path below the drive's root, file name included. */
export const MAX_PATH_CHARACTERS = 400;

export interface NameRules {
  /** OneDrive for Business / SharePoint: also refuses "#", "%" and a leading "~". */
  business: boolean;
}

/** The 400 Graph answers for a name it refuses, or undefined when the name is fine. */
export function nameError(name: string, rules: NameRules): HttpError | undefined {
  const bad = (why: string) => invalidRequest(why, 'nameContainsInvalidCharacters');
  if (name === '' || name === '.' || name === '..') return bad('The provided name is not valid.');
  if (INVALID_CHARACTERS.test(name) || [...name].some((c) => c.charCodeAt(0) < 32)) {
    return bad('The provided name cannot contain any illegal characters.');
  }
  if (/^\s|\s$/.test(name)) return bad(`Path (${name}) contains invalid leading or trailing whitespace.`);
  if (name.endsWith('.')) return bad(`Path (${name}) contains invalid trailing character.`);
  if (RESERVED.test(name) || name.startsWith('~$') || /_vti_/i.test(name)) return bad(`The name ${name} is reserved.`);
  if (rules.business && (BUSINESS_INVALID_CHARACTERS.test(name) || name.startsWith('~'))) {
    return bad('The provided name cannot contain any illegal characters.');
  }
  return undefined;
}

/** OneDrive compares names without regard to case, and keeps the case they were given. */
export function sameName(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

export function pathTooLong(path: string): HttpError | undefined {
  return path.length > MAX_PATH_CHARACTERS ? invalidRequest('Path exceeds maximum length.', 'pathIsTooLong') : undefined;
}
