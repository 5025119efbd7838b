import { defineConfig } from 'tsdown';
import { baseConfig } from '../../tsdown.config.ts';

// `./launcher` is a second entry so the apps can check the Node version before loading the tree.
export default defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/launcher.ts'] });
