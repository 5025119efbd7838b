import { defineProject } from 'vitest/config';

// End-to-end tests spawn the built bin (turbo builds it first) and check exit code, stdout and stderr.
export default defineProject({ test: { include: ['test/**/*.test.ts'], testTimeout: 20_000 } });
