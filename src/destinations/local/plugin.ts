import fs from 'node:fs';
import path from 'node:path';
import { definePlugin } from '../plugin.js';
import { localFolderDestination } from './localFolder.js';

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/** A folder on this machine or a mounted share: `local:/srv/backup`. */
export const localFolder = definePlugin({
  scheme: 'local',
  title: 'local folder',
  usage: '"local:<folder>"',
  settings: {},
  parseTarget(target, cwd) {
    if (!target) throw new Error('must name a folder: "local:<folder>"');
    const folder = path.resolve(cwd, target);
    // A file in the way is a mistake in the setting: say so at start, not once per document. A missing folder is
    // fine (the first run creates it; whether it can is checked before anything is read).
    for (let dir = folder; ; dir = path.dirname(dir)) {
      const stat = statOrNull(dir);
      if (stat && !stat.isDirectory()) throw new Error(`must be a folder, and ${dir} is a file`);
      if (stat || path.dirname(dir) === dir) return folder;
    }
  },
  id: (spec) => `local:${spec.target}`,
  create: (spec) => localFolderDestination(spec.target!),
});
