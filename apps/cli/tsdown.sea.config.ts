import { defineConfig, type Rolldown } from 'tsdown';
import { appConfig } from '../../tsdown.config.ts';

// The single executable's script: the whole command tree in one minified CommonJS file (Node 24's
// single executable applications run one CommonJS script; import() does not work with their code
// cache), with its third-party notices. Built by scripts/release-build.ts.

const TOP_LEVEL_REQUIRE = /^let (node_\w+) = require\("(node:[\w/]+)"\);\n(?:\1 = __toESM\(\1, 1\);\n)?/gm;

/**
 * Built-in modules required when first used, as the npm build's chunks load them: the bundle's
 * top-level `require("node:…")` (and the ESM interop copy of its exports, which reads every lazy
 * getter) for child_process, crypto, net, tls … cost 11 ms of every start. The module object is
 * a proxy that loads the module on first use; `default` is the module itself (the interop's).
 */
function lazyBuiltins(): Rolldown.Plugin {
  const helper =
    'const $nfdLazy = (name) => { let m; const load = () => (m ??= require(name)); ' +
    'return new Proxy({}, { get: (_, key) => (key === "default" ? load() : Reflect.get(load(), key)), ' +
    'has: (_, key) => key === "default" || Reflect.has(load(), key), ownKeys: () => [...Reflect.ownKeys(load()), "default"], ' +
    'getOwnPropertyDescriptor: (_, key) => key === "default" ? { value: load(), enumerable: true, configurable: true } : ' +
    '(() => { const d = Reflect.getOwnPropertyDescriptor(load(), key); return d && { ...d, configurable: true }; })() }); };\n';
  return {
    name: 'nfd:sea-lazy-builtins',
    renderChunk(code) {
      let found = false;
      const out = code.replace(TOP_LEVEL_REQUIRE, (_all, binding: string, name: string) => {
        found = true;
        return `let ${binding} = $nfdLazy(${JSON.stringify(name)});\n`;
      });
      return found ? { code: out.replace(/^(let node_)/m, `${helper}$1`), map: null } : null;
    },
  };
}

export default defineConfig({
  ...appConfig,
  entry: { sea: 'src/sea.ts' },
  format: 'cjs',
  outDir: 'dist-sea',
  minify: true,
  plugins: [...(appConfig.plugins as Rolldown.Plugin[]), lazyBuiltins()],
  outputOptions: { codeSplitting: false },
});
