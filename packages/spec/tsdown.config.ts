import { defineConfig, type UserConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// Annotated because isolatedDeclarations cannot infer a default export's type.
const config: UserConfig = defineConfig(baseConfig);
export default config;
