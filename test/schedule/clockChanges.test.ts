// The nights the clocks change, as node-cron itself lives them: its real scheduler, on a fake clock, across the
// night of 2027-03-28 (Europe skips 02:00–03:00) and of 2026-10-25 (Europe repeats it). What `status` and the
// scheduler say about those nights must be what node-cron then does.
import cron from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SCHEMA } from '../../src/config/schema.js';
import { isoInZone } from '../../src/lib/zonedTime.js';
import { clockChangeNotes, occurrences } from '../../src/schedule/clockChanges.js';
import { dailyCronExpression, upcomingNightlyRuns } from '../../src/schedule/nightly.js';

const WARSAW = 'Europe/Warsaw';
const HOUR = 3_600_000;

afterEach(() => {
  vi.useRealTimers();
});

/** Every instant node-cron's own scheduler fires `time` in `zone` over `hours` from `fromIso`, shown in that zone. */
async function fired(time: string, zone: string, fromIso: string, hours: number): Promise<string[]> {
  vi.useFakeTimers({ now: Date.parse(fromIso) });
  const at: number[] = [];
  const task = cron.schedule(dailyCronExpression(time), () => void at.push(Date.now()), { timezone: zone });
  try {
    await vi.advanceTimersByTimeAsync(hours * HOUR);
  } finally {
    await task.destroy();
  }
  return at.map((ms) => isoInZone(ms, zone));
}

/** What upcomingNightlyRuns (status, the scheduler's "next run") says from `fromIso`, for the same span. */
function predicted(time: string, zone: string, fromIso: string, hours: number): string[] {
  vi.useFakeTimers({ now: Date.parse(fromIso) });
  const until = Date.parse(fromIso) + hours * HOUR;
  return upcomingNightlyRuns(time, zone, 5)
    .filter((d) => d.getTime() <= until)
    .map((d) => isoInZone(d.getTime(), zone));
}

describe('the spring night (2027-03-28: 02:00 becomes 03:00 in Warsaw)', () => {
  const from = '2027-03-26T12:00:00Z';

  it.each(['02:00', '02:30'])('%s does not exist that night: node-cron runs no backup then, and status says so', async (time) => {
    const runs = await fired(time, WARSAW, from, 72);
    expect(runs).toEqual([`2027-03-27T${time}:00+01:00`, `2027-03-29T${time}:00+02:00`]);
    expect(predicted(time, WARSAW, from, 72)).toEqual(runs);
    expect(occurrences('2027-03-28', time, WARSAW)).toEqual([]);
    expect(clockChangeNotes(time, WARSAW, Date.parse(from))[0]).toBe(
      `${time} does not exist in Europe/Warsaw on 2027-03-28 (the clocks go forward): no backup that night; a time outside the hour the clocks change runs every night`,
    );
  });

  it('03:30, the default, runs every night once', async () => {
    const runs = await fired('03:30', WARSAW, from, 72);
    expect(runs).toEqual(['2027-03-27T03:30:00+01:00', '2027-03-28T03:30:00+02:00', '2027-03-29T03:30:00+02:00']);
    expect(predicted('03:30', WARSAW, from, 72)).toEqual(runs);
    expect(clockChangeNotes('03:30', WARSAW, Date.parse(from))).toEqual([]);
  });
});

describe('the autumn night (2026-10-25: 03:00 becomes 02:00 again in Warsaw)', () => {
  const from = '2026-10-23T12:00:00Z';

  it('02:30 happens twice that night: node-cron runs one backup, at the second, and status says which', async () => {
    const runs = await fired('02:30', WARSAW, from, 72);
    expect(runs).toEqual(['2026-10-24T02:30:00+02:00', '2026-10-25T02:30:00+01:00', '2026-10-26T02:30:00+01:00']);
    expect(predicted('02:30', WARSAW, from, 72)).toEqual(runs);
    expect(occurrences('2026-10-25', '02:30', WARSAW).map((ms) => isoInZone(ms, WARSAW))).toEqual(['2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00']);
    expect(clockChangeNotes('02:30', WARSAW, Date.parse(from))[0]).toBe(
      '02:30 happens twice in Europe/Warsaw on 2026-10-25 (the clocks go back): one backup, at the second (2026-10-25T02:30:00+01:00)',
    );
  });

  it('03:30, the default, runs every night once', async () => {
    const runs = await fired('03:30', WARSAW, from, 72);
    expect(runs).toEqual(['2026-10-24T03:30:00+02:00', '2026-10-25T03:30:00+01:00', '2026-10-26T03:30:00+01:00']);
    expect(clockChangeNotes('03:30', WARSAW, Date.parse(from))).toEqual([]);
  });

  it('west of Greenwich node-cron takes the first of the two: status follows node-cron, not a rule of its own', async () => {
    // New York repeats 01:00–02:00 on 2026-11-01.
    const runs = await fired('01:30', 'America/New_York', '2026-10-31T12:00:00Z', 48);
    expect(runs).toEqual(['2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00']);
    expect(predicted('01:30', 'America/New_York', '2026-10-31T12:00:00Z', 48)).toEqual(runs);
    expect(clockChangeNotes('01:30', 'America/New_York', Date.parse('2026-10-31T12:00:00Z'))[0]).toBe(
      '01:30 happens twice in America/New_York on 2026-11-01 (the clocks go back): one backup, at the first (2026-11-01T01:30:00-04:00)',
    );
  });
});

it('the default time exists exactly once on every night of the coming years in Warsaw', () => {
  const time = SCHEMA.schedule.time.default;
  expect(time).toBe('03:30');
  for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2031, 0, 1); day += 24 * HOUR) {
    const date = new Date(day).toISOString().slice(0, 10);
    expect(occurrences(date, time, WARSAW), date).toHaveLength(1);
  }
});
