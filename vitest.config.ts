import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['libs/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tools/**/*.test.ts'],
    // Numerical tests (Taylor tests, factorisations at 256^2) take seconds, not ms.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: more forks than that only thrash.
    maxWorkers: 2,
  },
});
