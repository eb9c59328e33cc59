import path from 'node:path';
import { impossibleFolder } from '../../lib/folders.js';
import { definePlugin } from '../plugin.js';
import { localFolderDestination } from './localFolder.js';

/** A folder on this machine or a mounted share: `local:/srv/backup`. */
export const localFolder = definePlugin({
  scheme: 'local',
  title: 'local folder',
  usage: '"local:<folder>"',
  settings: {},
  parseTarget(target, cwd) {
    if (!target) throw new Error('must name a folder: "local:<folder>"');
    const folder = path.resolve(cwd, target);
    // A file in the way or a kernel file system (/proc) is a mistake in the setting: say so at start, not once per
    // document. A missing folder is fine (the first run creates it; whether it can is checked before anything is read).
    const impossible = impossibleFolder(folder);
    if (impossible) throw new Error(`must name a folder, and ${impossible}`);
    return folder;
  },
  id: (spec) => `local:${spec.target}`,
  create: (spec) => localFolderDestination(spec.target!),
});
