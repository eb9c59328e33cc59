import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Nothing may leave 127.0.0.1: see test/helpers/networkGuard.mjs.
    globalSetup: ['test/helpers/networkGuardSetup.ts'],
    setupFiles: ['test/helpers/networkGuard.mjs'],
  },
});
