// `npm run emulator`: what it prints is enough to point the real CLI at it, and a taken port says what to do.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, DEFAULT_TOKEN, startByHand } from '../../tools/emulators/baselinker/byHand.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDir.js';

/** The variables the banner tells a person to export. */
function exported(banner: string): Record<string, string> {
  const pairs = [...banner.matchAll(/^ {2}export (.*)$/gm)].flatMap((m) => m[1]!.split(' ').map((pair) => pair.split('=') as [string, string]));
  return Object.fromEntries(pairs);
}

describe('the emulator by hand', () => {
  it('prints the address and token, and the lines it prints work with the CLI as they are', async () => {
    const { emulator, banner } = await startByHand(['--port', '0', '--as-of', '2026-11-20']);
    try {
      expect(banner).toContain(`on ${emulator.url} (token ${DEFAULT_TOKEN})`);
      const env = exported(banner);
      expect(env).toMatchObject({ BASELINKER_API_URL: emulator.url, BASELINKER_TOKEN: DEFAULT_TOKEN });
      // The relative folders it suggests, in a folder of this test's own.
      const cwd = tempDir();
      const result = await runCli(['run', '--date', '2026-11-20', '--dry-run'], { ...env, BASELINKER_REQUESTS_PER_MINUTE: '0' }, { cwd });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`local:${path.join(cwd, 'emulator-backup')}  BaseLinker Backup/2026/11/Invoices/`);
      expect(emulator.requests.length).toBeGreaterThan(0);
    } finally {
      await emulator.close();
    }
  });

  it('listens on a fixed port by default, and a taken port says which to try', async () => {
    expect(DEFAULT_PORT).toBe(4010);
    const first = await startByHand(['--port', '0']);
    try {
      const port = Number(new URL(first.emulator.url).port);
      await expect(startByHand(['--port', String(port)])).rejects.toThrow(`port ${port} is taken: \`npm run emulator -- --port ${port + 1}\``);
    } finally {
      await first.emulator.close();
    }
  });
});
