import { defineConfig } from 'tsdown';
import { appConfig } from '../../tsdown.config.ts';

// The single executable's script: the whole command tree in one minified CommonJS file (Node 24's
// single executable applications run one CommonJS script; import() does not work with their code
// cache), with its third-party notices. Built by scripts/release-build.ts.
export default defineConfig({
  ...appConfig,
  entry: { sea: 'src/sea.ts' },
  format: 'cjs',
  outDir: 'dist-sea',
  minify: true,
  outputOptions: { codeSplitting: false },
});
