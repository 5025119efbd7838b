import { defineConfig } from 'vitest/config';

// Whole-repo runs and editors; each package's own `vitest run` is what turbo caches.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
