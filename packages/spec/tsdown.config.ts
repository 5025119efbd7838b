import { defineConfig, type UserConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// Annotated because isolatedDeclarations cannot infer a default export's type.
// `@nfd/spec/errors`: NfdError alone, for a program's start path (the entry loads every schema).
const config: UserConfig = defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/errors.ts'] });
export default config;
