import { defineConfig } from 'tsdown';
import { appConfig } from '../../tsdown.config.ts';

export default defineConfig(appConfig);
