import { defineConfig } from 'vitest/config';

/** The benchmarks' own unit tests (their statistics): `npx vitest run --config bench/vitest.config.ts`. */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['bench/**/*.test.ts'],
  },
});
