// The world of the end-to-end tests on a local folder: the demo shop in the BaseLinker emulator as of AS_OF, a fresh
// data dir and backup folder, and the environment that points the CLI at them.
import path from 'node:path';
import { demoLandmarks, demoShop, type DemoLandmarks } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { tempDir } from './tempDir.js';

export const AS_OF = '2026-11-20';
export const TIME_ZONE = 'Europe/Warsaw';

export interface DemoBackup {
  emulator: BaseLinkerEmulator;
  landmarks: DemoLandmarks;
  root: string;
  backupDir: string;
  env: Record<string, string>;
}

export async function startDemoBackup(token: string, prefix: string): Promise<DemoBackup> {
  const emulator = await startBaseLinkerEmulator({ token, shop: demoShop({ asOf: AS_OF, timeZone: TIME_ZONE }) });
  return { emulator, landmarks: demoLandmarks({ asOf: AS_OF, timeZone: TIME_ZONE }), ...demoEnv(emulator, token, prefix) };
}

/**
 * A fresh data dir and backup folder (removed after the test), and the environment that points the CLI at them and
 * at the emulator; `extra` is added to it. For tests that share one emulator.
 */
export function demoEnv(emulator: BaseLinkerEmulator, token: string, prefix = 'blb-', extra: Record<string, string> = {}): Pick<DemoBackup, 'root' | 'backupDir' | 'env'> {
  const root = tempDir(prefix);
  const backupDir = path.join(root, 'backup');
  const env = {
    BASELINKER_TOKEN: token,
    BASELINKER_API_URL: emulator.url,
    BASELINKER_REQUESTS_PER_MINUTE: '0',
    BACKUP_DATA_DIR: path.join(root, 'data'),
    BACKUP_DESTINATION: `local:${backupDir}`,
    BACKUP_TIMEZONE: TIME_ZONE,
    ...extra,
  };
  return { root, backupDir, env };
}
