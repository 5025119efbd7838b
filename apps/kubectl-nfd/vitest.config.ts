import { defineProject } from 'vitest/config';
import { repositoryTestOptions } from '../../test/support/project.ts';

// End-to-end tests spawn the built bin (turbo builds it first) and check exit code, stdout and stderr.
export default defineProject({
  test: {
    ...repositoryTestOptions,
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
