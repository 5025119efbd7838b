// What every package's vitest config shares: the hermetic environment of ./hermetic-env.ts.
import { fileURLToPath } from 'node:url';

/** Spread into a package's `test` options. */
export const repositoryTestOptions: { setupFiles: string[] } = {
  setupFiles: [fileURLToPath(new URL('./hermetic-env.ts', import.meta.url))],
};
