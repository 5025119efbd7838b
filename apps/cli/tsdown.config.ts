import { defineConfig } from 'tsdown';

// One bundled file per app (quick start-up); @nfd/commands and its dependencies are inlined.
export default defineConfig({
  entry: ['src/main.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node22',
  dts: false,
  sourcemap: true,
  clean: true,
});
