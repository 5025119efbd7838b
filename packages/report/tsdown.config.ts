import { defineConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// Node.js types are part of this package's API: its declarations reference them (the dependency
// @types/node provides them), so they resolve in a project whose tsconfig lists no `types`.
// `@nfd/report/style`: createStyler alone, for a program's start path.
export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts', 'src/style.ts'],
  outputOptions: { banner: '/// <reference types="node" />' },
});
