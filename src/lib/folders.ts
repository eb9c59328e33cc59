// Folders a person names (the data dir, a local destination): made and checked here, so that one that cannot be
// made or written stops the program with one line that says what to do, before anything is read from BaseLinker.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Makes `dir` and any missing parents, one level at a time. Node's own `mkdir -p` (recursive: true) spins forever
 * at 100% CPU where the kernel answers ENOENT for a parent that exists (/proc, /sys): here that is an error.
 */
export function makeFolders(dir: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d, { mode });
    } catch (error) {
      // Made meanwhile by another process (two runs starting at once): what was wanted.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(d).isDirectory()) continue;
      throw error;
    }
  }
}

/** The folder itself when it exists, else its nearest ancestor that does: where a write would be decided. */
export function nearestExisting(dir: string): string {
  let d = path.resolve(dir);
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/**
 * Why no one could ever keep files in `dir`, whoever runs the program: a file stands in its path, or it lies in a
 * kernel file system (/proc, /sys). Null when it could: a mistake in a setting, found when the settings are read.
 */
export function impossibleFolder(dir: string): string | null {
  const existing = nearestExisting(dir);
  if (!fs.statSync(existing).isDirectory()) return `${existing} is a file`;
  const virtual = virtualFileSystem(existing);
  return virtual ? `${existing} belongs to the kernel's ${virtual} file system, which cannot hold files: choose a folder on a disk` : null;
}

/**
 * Why this process could not make `dir` (if missing) and write in it, as advice for a person; null when it can.
 * Writes nothing, so that a dry run can ask too.
 */
export function whyNotWritable(dir: string): string | null {
  const target = path.resolve(dir);
  const impossible = impossibleFolder(target);
  if (impossible) return impossible;
  const existing = nearestExisting(target);
  const stat = fs.statSync(existing);
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
    return code === 'EROFS' ? readOnlyAdvice(target, existing) : permissionAdvice(target, existing, stat.uid);
  }
}

function readOnlyAdvice(target: string, existing: string): string {
  // systemd sets INVOCATION_ID for every unit it runs; with ProtectSystem=strict, all but ReadWritePaths is read-only.
  const unit = '(`systemctl edit baselinker-backup.service`)';
  if (process.env.INVOCATION_ID) {
    if (existing !== target) {
      // ReadWritePaths=-<folder> lets the service start while the folder is missing, and leaves it read-only.
      return `${target} does not exist, and this systemd service may not create it: \`mkdir -p ${target} && chown ${process.getuid?.() ?? '<user>'} ${target}\`, and keep it in the unit's ReadWritePaths ${unit}`;
    }
    return `${target} is read-only for this systemd service: add \`ReadWritePaths=-${target}\` to its unit ${unit}, then run again`;
  }
  return `${existing} is on a read-only file system: mount it read-write, or choose another folder`;
}

/** Who this process is, who owns the folder, and the one command that fixes it. */
function permissionAdvice(target: string, existing: string, owner: number): string {
  const uid = process.getuid?.();
  if (uid === undefined) return `this user may not write in ${existing}: give it write access`;
  const who = `this user (uid ${uid}) may not write in ${existing}`;
  // In a container the folder is usually a host folder mounted there: the fix is made on the host.
  const where = fs.existsSync('/.dockerenv') ? ' (in Docker: on the host, for the folder mounted here)' : '';
  if (existing !== target) return `${who}: create ${target} for it, e.g. \`mkdir -p ${target} && chown ${uid} ${target}\`${where}`;
  if (owner !== uid) return `${who}, which belongs to uid ${owner}: \`chown -R ${uid} ${target}\`${where}, or run as its owner`;
  return `${who}: \`chmod u+rwx ${target}\``;
}

// statfs(2) magic numbers of Linux's kernel file systems, where mkdir answers ENOENT or EPERM whoever asks.
const VIRTUAL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x62656570, 'configfs'],
  [0xcafe4a11, 'bpf'],
  [0x6e736673, 'nsfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x65735543, 'fusectl'],
  [0x6165676c, 'pstore'],
  [0xf97cff8c, 'selinuxfs'],
]);

function virtualFileSystem(dir: string): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return VIRTUAL_FILE_SYSTEMS.get(Number(fs.statfsSync(dir).type)) ?? null;
  } catch {
    return null;
  }
}
