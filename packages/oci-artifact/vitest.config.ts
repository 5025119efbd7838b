import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { repositoryTestOptions } from '../../test/support/project.ts';

// Annotated because isolatedDeclarations cannot infer a default export's type.
const config: UserWorkspaceConfig = defineProject({
  test: {
    ...repositoryTestOptions,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Real registries for test/integration/** (docker-registry, olareg; oras for interop). Unit tests
    // do not use them; starting them takes about a second. See test/README.md.
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
export default config;
