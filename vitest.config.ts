import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores on CI: the golden and converter tests are CPU-heavy, so run files two at a time at most.
    maxWorkers: 2,
  },
});
