import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'tsdown';

/** Shared by every package's tsdown.config.ts: ESM for Node, declarations by oxc (isolatedDeclarations). */
export const baseConfig: UserConfig = {
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
};

const source = (path: string): string => fileURLToPath(new URL(`packages/${path}`, import.meta.url));

/**
 * Shared by the apps: @nfd/commands and its dependencies inlined, bundled from the workspace
 * packages' sources (not their one-file dist) so that each command's implementation, and the
 * libraries only it needs, land in chunks loaded when that command runs (cold start).
 */
export const appConfig: UserConfig = {
  ...baseConfig,
  entry: ['src/main.ts'],
  dts: false,
  alias: {
    '@nfd/commands/launcher': source('commands/src/launcher.ts'),
    '@nfd/commands': source('commands/src/index.ts'),
    '@nfd/feature-sources': source('feature-sources/src/index.ts'),
    '@nfd/matcher': source('matcher/src/index.ts'),
    '@nfd/oci-artifact': source('oci-artifact/src/index.ts'),
    '@nfd/report': source('report/src/index.ts'),
    '@nfd/spec': source('spec/src/index.ts'),
  },
};
