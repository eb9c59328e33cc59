import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Temp folders in one folder per run, checked for leftovers at the end; nothing may leave 127.0.0.1 (see
    // test/helpers/networkGuard.mjs). Set up in this order, torn down in the reverse one.
    globalSetup: ['test/helpers/tempRootSetup.ts', 'test/helpers/networkGuardSetup.ts'],
    setupFiles: ['test/helpers/networkGuard.mjs'],
  },
});
