import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

// Annotated because isolatedDeclarations cannot infer a default export's type.
const config: UserWorkspaceConfig = defineProject({
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'] },
});
export default config;
