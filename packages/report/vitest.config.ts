import { defineProject } from 'vitest/config';
import { repositoryTestOptions } from '../../test/support/project.ts';

export default defineProject({
  test: {
    ...repositoryTestOptions,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
