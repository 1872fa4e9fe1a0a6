/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// Vitest settings live here (the issue tracker asks for one config file).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    // Type tests (expectTypeOf, @ts-expect-error) run under tsc with the project's settings.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
