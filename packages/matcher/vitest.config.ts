import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { repositoryTestOptions } from '../../test/support/project.ts';

// Annotated because isolatedDeclarations cannot infer a default export's type.
const config: UserWorkspaceConfig = defineProject({
  test: {
    ...repositoryTestOptions,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
  },
});
export default config;
