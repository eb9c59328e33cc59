// The Dropbox emulator for a test file: started on demand, closed after each test, which first checks that nothing
// was deleted, moved, copied over or replaced, whatever the test did.
import { afterEach, expect } from 'vitest';
import { startDropboxEmulator, type DropboxEmulator, type DropboxEmulatorOptions } from '../../tools/emulators/dropbox/server.js';

/** Call once at the top of a test file; returns how its tests start an emulator. */
export function dropboxEmulators(): (o?: DropboxEmulatorOptions) => Promise<DropboxEmulator> {
  const running: DropboxEmulator[] = [];
  afterEach(async () => {
    while (running.length > 0) {
      const emu = running.pop()!;
      expect(emu.violations).toEqual([]);
      await emu.close();
    }
  });
  return async (o = {}) => {
    const emu = await startDropboxEmulator(o);
    running.push(emu);
    return emu;
  };
}
