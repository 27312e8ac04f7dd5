import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests bind UDP addresses and Redis prefixes of their own, so files may run in parallel.
    fileParallelism: true,
    pool: 'forks',
  },
});
