// How the promise tests reach a destination: configure the CLI for it, and read back every file it holds. The crash
// harness and the other promise tests take one of these, so another destination joins them with one adapter:
// start its emulator in open(), return the environment that points the CLI at it, and list its files with bytes.
import fs from 'node:fs';
import path from 'node:path';
import { startDriveEmulator } from '../../tools/emulators/drive/server.js';
import { startDropboxEmulator } from '../../tools/emulators/dropbox/server.js';
import type { EmulatorFile } from '../../tools/emulators/drive/store.js';
import { startOneDriveEmulator } from '../../tools/emulators/onedrive/server.js';
import type { CrashPoint } from '../../src/lib/crashPoint.js';
import { driveCliEnv } from '../../tools/emulators/drive/cliEnv.js';

export interface TrialDestination {
  /** BACKUP_DESTINATION and whatever else the CLI needs to reach it. */
  env: Record<string, string>;
  /** The id the ledger records it under (`documents.destination`). */
  id: string;
  /** Every document it holds, "folder/…/name" → bytes; its own bookkeeping left out. */
  files(): Promise<Map<string, Buffer>>;
  /** Uploads begun and not finished (temp files, open upload sessions), when it can tell. */
  unfinishedUploads?(): Promise<number>;
  /** Puts a file there behind the program's back (verify's "unexpected file", names held by others). */
  plant?(relativePath: string, bytes: Buffer): Promise<void>;
  /** Removes or truncates a stored file behind the program's back (verify's "missing" and "wrong size"). */
  tamper?(relativePath: string, how: 'remove' | 'truncate'): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessDestination {
  /** Names it in test titles and the tally. */
  label: string;
  /** Crash points its own code reaches, besides the store's (after-reserve, after-render, after-upload). */
  crashPoints: readonly CrashPoint[];
  /** A fresh, empty destination for one trial; `root` is a temp folder the trial owns. */
  open(root: string): Promise<TrialDestination>;
}

const STATE_DIR = '.baselinker-backup';

export const localDestination: HarnessDestination = {
  label: 'local',
  crashPoints: ['mid-write'],
  async open(root) {
    const dir = path.join(root, 'backup');
    return {
      env: { BACKUP_DESTINATION: `local:${dir}` },
      id: `local:${dir}`,
      async files() {
        const out = new Map<string, Buffer>();
        const walk = (folder: string) => {
          if (!fs.existsSync(folder)) return;
          for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
            const full = path.join(folder, entry.name);
            if (folder === dir && entry.name === STATE_DIR) continue;
            if (entry.isDirectory()) walk(full);
            else out.set(path.relative(dir, full), fs.readFileSync(full));
          }
        };
        walk(dir);
        return out;
      },
      async unfinishedUploads() {
        const tmp = path.join(dir, STATE_DIR, 'tmp');
        return fs.existsSync(tmp) ? fs.readdirSync(tmp).length : 0;
      },
      async plant(relativePath, bytes) {
        fs.mkdirSync(path.dirname(path.join(dir, relativePath)), { recursive: true });
        fs.writeFileSync(path.join(dir, relativePath), bytes);
      },
      async tamper(relativePath, how) {
        const file = path.join(dir, relativePath);
        if (how === 'remove') fs.rmSync(file);
        else fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
      },
      async close() {},
    };
  },
};

/**
 * Google Drive, through its emulator: signed in with a refresh token the emulator issues, files read back from the
 * emulator's store. Several files under one path (Drive allows that) all count: the second is listed as a duplicate.
 */
export const driveDestination: HarnessDestination = {
  label: 'gdrive',
  crashPoints: [],
  async open() {
    const drive = await startDriveEmulator();
    const isFolder = (f: EmulatorFile) => f.mimeType === 'application/vnd.google-apps.folder';
    return {
      env: {
        BACKUP_DESTINATION: 'gdrive',
        GDRIVE_WRITES_PER_SECOND: '0',
        ...driveCliEnv(drive),
      },
      id: 'gdrive',
      async files() {
        const out = new Map<string, Buffer>();
        for (const f of drive.files.filter((f) => !isFolder(f) && !f.trashed)) {
          let key = f.path;
          for (let n = 2; out.has(key); n++) key = `${f.path} [copy ${n}]`;
          out.set(key, f.content);
        }
        return out;
      },
      // A person removing a file in Drive's UI moves it to the trash; a damaged copy has other bytes.
      async tamper(relativePath, how) {
        const file = drive.files.find((f) => f.path === relativePath && !f.trashed);
        if (!file) throw new Error(`no file ${relativePath} in Drive`);
        drive.editByHand(file.id, how === 'remove' ? { trash: true } : { content: file.content.subarray(0, file.content.length >> 1) });
      },
      async close() {
        if (drive.forbiddenCalls.length > 0) throw new Error(`Drive was asked to delete or rewrite: ${JSON.stringify(drive.forbiddenCalls)}`);
        await drive.close();
      },
    };
  },
};

/**
 * Dropbox, through its emulator (an App folder app): signed in with a refresh token the emulator issues, files read
 * back from the emulator's store below the App folder. The identities the backup keeps in its inventory files are its
 * own bookkeeping, not documents; a person deletes a file or saves other bytes over it. Any call that deleted, moved
 * or replaced something fails the trial when it closes.
 */
export const dropboxDestination: HarnessDestination = {
  label: 'dropbox',
  crashPoints: [],
  async open() {
    const dropbox = await startDropboxEmulator();
    const below = (path: string) => path.slice(dropbox.appRoot.length + 1);
    const isInventory = (path: string) => /(^|\/)\.baselinker-backup\/identities-[^/]+\.json$/.test(path);
    const fileAt = (relativePath: string) => {
      const file = dropbox.files.find((f) => below(f.path).toLowerCase() === relativePath.toLowerCase());
      if (!file) throw new Error(`no file ${relativePath} in Dropbox`);
      return file;
    };
    return {
      env: {
        BACKUP_DESTINATION: 'dropbox',
        DROPBOX_APP_KEY: dropbox.appKey,
        DROPBOX_REFRESH_TOKEN: dropbox.issueRefreshToken(),
        DROPBOX_API_URL: dropbox.apiUrl,
        DROPBOX_CONTENT_URL: dropbox.contentUrl,
        DROPBOX_AUTHORIZE_URL: dropbox.authorizeUrl,
      },
      id: 'dropbox',
      async files() {
        return new Map(dropbox.files.filter((f) => !isInventory(below(f.path))).map((f) => [below(f.path), f.content]));
      },
      async plant(relativePath, bytes) {
        dropbox.seed({ path: `${dropbox.appRoot}/${relativePath}`, content: bytes });
      },
      async tamper(relativePath, how) {
        const file = fileAt(relativePath);
        dropbox.editByHand(file.path, how === 'remove' ? { remove: true } : { content: file.content.subarray(0, file.content.length >> 1) });
      },
      async close() {
        if (dropbox.violations.length > 0) throw new Error(`Dropbox was asked to delete, move or replace: ${JSON.stringify(dropbox.violations)}`);
        await dropbox.close();
      },
    };
  },
};

/**
 * OneDrive, through its emulator: the app's own folder, signed in with a refresh token the emulator issues (from the
 * environment: a data dir lost on purpose must not take the sign-in with it), files read back from the emulator's
 * store below the app folder, our inventories of identities left out as bookkeeping. A person removes or changes a
 * file in OneDrive's own apps, which the emulator does not count as the program's doing. Open upload sessions are
 * not counted as unfinished uploads: OneDrive lets them expire, and cancelling one is a call this program lacks.
 */
export const oneDriveDestination: HarnessDestination = {
  label: 'onedrive',
  crashPoints: [],
  async open() {
    // Microsoft does not end a refresh token when it hands out the next (refresh-tokens.md): every run of a trial
    // starts again from the one in the environment, so the emulator keeps replaced ones alive for a day.
    const onedrive = await startOneDriveEmulator({ refreshGraceSeconds: 24 * 3600 });
    const APP = 'Apps/BaseLinker Backup/';
    const inventory = /(^|\/)\.baselinker-backup\/identities-[^/]+\.json$/;
    const at = (relativePath: string) => `${APP}${relativePath}`;
    return {
      env: {
        BACKUP_DESTINATION: 'onedrive',
        ONEDRIVE_CLIENT_ID: onedrive.clientId,
        ONEDRIVE_REFRESH_TOKEN: onedrive.issueRefreshToken(),
        ONEDRIVE_API_ROOT_URL: onedrive.graphUrl,
        ONEDRIVE_LOGIN_URL: onedrive.loginUrl,
      },
      id: 'onedrive',
      async files() {
        const out = new Map<string, Buffer>();
        for (const f of onedrive.files) if (!f.folder && f.path.startsWith(APP) && !inventory.test(f.path)) out.set(f.path.slice(APP.length), f.content);
        return out;
      },
      async plant(relativePath, bytes) {
        onedrive.seed({ path: at(relativePath), content: bytes });
      },
      async tamper(relativePath, how) {
        const file = onedrive.files.find((f) => f.path === at(relativePath));
        if (!file) throw new Error(`no file ${relativePath} in OneDrive`);
        onedrive.editByHand(file.path, how === 'remove' ? { remove: true } : { content: file.content.subarray(0, file.content.length >> 1) });
      },
      async close() {
        const violations = onedrive.violations;
        await onedrive.close();
        if (violations.length > 0) throw new Error(`OneDrive was asked to replace, rename, delete, move or cancel: ${JSON.stringify(violations)}`);
      },
    };
  },
};

/**
 * The destinations the promise tests run against: BACKUP_PROMISE_DESTINATIONS=local,gdrive,onedrive,dropbox picks
 * them (default: local). The first one also runs the tests that need plant() and tamper().
 */
const ALL: readonly HarnessDestination[] = [localDestination, driveDestination, oneDriveDestination, dropboxDestination];
export const HARNESS_DESTINATIONS: readonly HarnessDestination[] = (process.env.BACKUP_PROMISE_DESTINATIONS ?? 'local')
  .split(',')
  .map((label) => {
    const found = ALL.find((d) => d.label === label.trim());
    if (!found) throw new Error(`BACKUP_PROMISE_DESTINATIONS: no destination "${label}" (${ALL.map((d) => d.label).join(', ')})`);
    return found;
  });
