// One way to show an instant to a person: in a named zone (the account's, or the schedule's), with its offset, so
// that a line read in a container running on UTC means the same as one read in Warsaw.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** 2026-11-21T03:30:00+01:00 */
export function isoInZone(ms: number, timeZone: string): string {
  return format(new TZDate(ms, timeZone), "yyyy-MM-dd'T'HH:mm:ssXXX");
}
