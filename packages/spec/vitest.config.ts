import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { repositoryTestOptions } from '../../test/support/project.ts';

// Annotated because isolatedDeclarations cannot infer a default export's type.
const config: UserWorkspaceConfig = defineProject({
  test: {
    ...repositoryTestOptions,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Every core: the fuzz suites (test/fuzz, 100,000 inputs) are CPU-bound files of their own
    // (vitest's default leaves one core idle, which on a 2-core machine halves the speed).
    maxWorkers: '100%',
  },
});
export default config;
