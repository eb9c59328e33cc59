// The systemd unit and timer a user copies to /etc/systemd/system must start on the first night: valid for
// systemd itself, consistent with the README's steps (the user, the install folder), with a data dir it may write,
// destination folders that cannot fail the start, and a nightly time that exists once on every night.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeWithDrafts } from '../helpers/docs.js';
import { SCHEMA } from '../../src/config/schema.js';
import { tempDir } from '../helpers/tempDir.js';

const root = path.resolve(import.meta.dirname, '../..');
const SERVICE = 'baselinker-backup.service';
const TIMER = 'baselinker-backup.timer';
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

/** Key=value lines of a unit file (a key may repeat). */
function directives(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of fs.readFileSync(path.join(root, 'systemd', file), 'utf8').split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}
const one = (d: Map<string, string[]>, key: string) => {
  const values = d.get(key) ?? [];
  expect(values, key).toHaveLength(1);
  return values[0]!;
};


describe('the systemd unit', () => {
  const service = directives(SERVICE);

  it('runs as a user the README creates, from the folder the README installs into', () => {
    const user = one(service, 'User');
    const folder = one(service, 'WorkingDirectory');
    expect(one(service, 'ExecStart')).toMatch(new RegExp(`^\\S+/node ${folder}/bin/backup\\.js run$`));
    const text = readmeWithDrafts();
    expect(text).toMatch(new RegExp(`useradd [^\\n]*\\b${user}\\b`));
    expect(text).toContain(folder);
  });

  it('keeps its data dir in its state directory, which systemd makes writable, and no folder can fail its start', () => {
    const stateDirectory = one(service, 'StateDirectory');
    expect(service.get('Environment')).toContain(`BACKUP_DATA_DIR=/var/lib/${stateDirectory}`);
    expect(one(service, 'ProtectSystem')).toBe('strict');
    // Without "-", a destination folder that does not exist yet fails the start with 226/NAMESPACE.
    const paths = (service.get('ReadWritePaths') ?? []).flatMap((v) => v.split(/\s+/));
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p, p).toMatch(/^-\//);
    // Exit 4: another run holds the lock, which is not a failure.
    expect(one(service, 'SuccessExitStatus')).toBe('4');
  });

  (hasAnalyze ? it : it.skip)('is valid for systemd (`systemd-analyze verify`, no warning)', () => {
    const dir = tempDir();
    for (const file of [SERVICE, TIMER]) {
      let text = fs.readFileSync(path.join(root, 'systemd', file), 'utf8');
      // verify checks that ExecStart's program exists: where node lives elsewhere on this machine, point at it.
      if (!fs.existsSync('/usr/bin/node')) text = text.replace('/usr/bin/node', process.execPath);
      fs.writeFileSync(path.join(dir, file), text);
    }
    const result = spawnSync('systemd-analyze', ['verify', path.join(dir, SERVICE), path.join(dir, TIMER)], { encoding: 'utf8' });
    expect(result.stderr + result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('the nightly time', () => {
  const time = SCHEMA.schedule.time.default;
  const zone = SCHEMA.timeZone.default;

  it("is the schema's default in the timer and in the crontab", () => {
    expect(one(directives(TIMER), 'OnCalendar')).toBe(`*-*-* ${time}:00 ${zone}`);
    const [hours, minutes] = time.split(':').map(Number) as [number, number];
    const cronLines = fs.readFileSync(path.join(root, 'crontab'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(cronLines.map((l) => l.split(/\s+/).slice(0, 5).join(' '))).toEqual([`${minutes} ${hours} * * *`]);
  });

  (hasAnalyze ? it : it.skip)('fires once on each night around both changes of the clocks (systemd-analyze calendar)', () => {
    const spec = one(directives(TIMER), 'OnCalendar');
    const elapses = (base: string) => {
      const result = spawnSync('systemd-analyze', ['calendar', '--iterations=3', `--base-time=${base}`, spec], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      expect(result.status, result.stderr).toBe(0);
      return [...result.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map((m) => m[1]);
    };
    // 2027-03-28: 02:00–03:00 is skipped in Warsaw. 2026-10-25: it happens twice.
    expect(elapses('2027-03-27 00:00 UTC')).toEqual(['2027-03-27 02:30:00', '2027-03-28 01:30:00', '2027-03-29 01:30:00']);
    expect(elapses('2026-10-24 00:00 UTC')).toEqual(['2026-10-24 01:30:00', '2026-10-25 02:30:00', '2026-10-26 02:30:00']);
  });
});

if (!hasAnalyze) console.log('systemd.test: systemd-analyze is not installed (Debian: apt-get install systemd); the unit is checked by reading it only');
