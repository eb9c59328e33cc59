// The nights the clocks change. In Europe the hour from 02:00 to 03:00 is skipped on the last Sunday of March and
// happens twice on the last Sunday of October (in North America, 02:00–03:00 in spring and 01:00–02:00 in
// autumn): a nightly time inside it does not exist on one night a year and exists twice on another. What
// `backup schedule` then does is node-cron's own answer (upcomingNightlyRuns); this finds those nights and says it.
import { TZDate, tzOffset } from '@date-fns/tz';
import { addDays, format } from 'date-fns';
import { isoInZone } from '../lib/zonedTime.js';
import { upcomingNightlyRuns } from './nightly.js';

const DAY_MS = 86_400_000;
/** The nights looked at: a year, so both of the coming changes are found, whatever the date. */
const NIGHTS = 366;

/** The instants at which the wall-clock time `time` ("HH:mm") occurs on `date` ("YYYY-MM-DD") in `timeZone`: none, one or two. */
export function occurrences(date: string, time: string, timeZone: string): number[] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hours, minutes);
  // The offsets in force a day either side: a change of the clocks that night is between them.
  const offsets = new Set([tzOffset(timeZone, new Date(wall - DAY_MS)), tzOffset(timeZone, new Date(wall + DAY_MS))]);
  const found = [...offsets].map((minutesEast) => wall - minutesEast * 60_000).filter((ms) => wallClock(ms, timeZone) === `${date} ${time}`);
  return [...new Set(found)].sort((a, b) => a - b);
}

/**
 * One line for each kind of night ahead (the next one the time does not exist, the next one it exists twice) that
 * says what `backup schedule` will do then; none when the time exists once every night.
 */
export function clockChangeNotes(time: string, timeZone: string, nowMs = Date.now()): string[] {
  // Asked only when a night needs it: a time that exists once every night costs no node-cron walk through the year.
  let runs: number[] | null = null;
  const runsOn = (night: string) => (runs ??= upcomingNightlyRuns(time, timeZone, NIGHTS + 2).map((d) => d.getTime())).filter((ms) => wallClock(ms, timeZone).startsWith(night));
  const notes = new Map<'skipped' | 'repeated', string>();
  for (let i = 0; i < NIGHTS && notes.size < 2; i++) {
    // Most days the offset is the same a day later: the clocks do not change, and the time exists once.
    if (tzOffset(timeZone, new Date(nowMs + i * DAY_MS)) === tzOffset(timeZone, new Date(nowMs + (i + 1) * DAY_MS))) continue;
    for (const night of [i, i + 1].map((day) => format(addDays(new TZDate(nowMs, timeZone), day), 'yyyy-MM-dd'))) {
      const at = occurrences(night, time, timeZone);
      if (at.length === 1) continue;
      const ran = runsOn(night);
      if (at.length === 0 && !notes.has('skipped')) {
        const what = ran.length === 0 ? 'no backup that night' : `the backup starts at ${isoInZone(ran[0]!, timeZone)} instead`;
        notes.set('skipped', `${time} does not exist in ${timeZone} on ${night} (the clocks go forward): ${what}; a time outside the hour the clocks change runs every night`);
      }
      if (at.length === 2 && !notes.has('repeated')) {
        notes.set('repeated', `${time} happens twice in ${timeZone} on ${night} (the clocks go back): ${describeRepeated(ran, at, timeZone)}`);
      }
    }
  }
  return [...notes.values()];
}

function describeRepeated(ran: number[], at: number[], timeZone: string): string {
  if (ran.length === 0) return 'no backup that night';
  if (ran.length > 1) return 'two backups that night';
  return `one backup, at the ${ran[0] === at[0] ? 'first' : 'second'} (${isoInZone(ran[0]!, timeZone)})`;
}

function wallClock(ms: number, timeZone: string): string {
  return format(new TZDate(ms, timeZone), 'yyyy-MM-dd HH:mm');
}
