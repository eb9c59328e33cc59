// OneDrive emulators for the tests of one file: each one started here is checked after its test to have recorded
// no replace, rename, delete, move or cancel (whatever the test did, the program never asked for one), and closed.
import { afterEach, expect } from 'vitest';
import { startOneDriveEmulator, type OneDriveEmulator, type OneDriveEmulatorOptions } from '../../tools/emulators/onedrive/server.js';

const running: OneDriveEmulator[] = [];

export async function oneDriveEmulator(o: OneDriveEmulatorOptions = {}): Promise<OneDriveEmulator> {
  const emu = await startOneDriveEmulator(o);
  running.push(emu);
  return emu;
}

afterEach(async () => {
  while (running.length) {
    const emu = running.pop()!;
    expect(emu.violations).toEqual([]);
    await emu.close();
  }
});
