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

/** Shared by the apps: one bundled file each (quick start-up), @nfd/commands and its dependencies inlined. */
export const appConfig: UserConfig = {
  ...baseConfig,
  entry: ['src/main.ts'],
  dts: false,
};
