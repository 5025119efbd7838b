import { fileURLToPath } from 'node:url';
import type { Rolldown, UserConfig } from 'tsdown';

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

const BUILTIN_IMPORT =
  /^import (?:(\* as [\w$]+)|([\w$]+)?(?:, )?(?:\{ ([^}]*) \})?)(?: from)? ?"(node:[\w/]+)";$/;

/**
 * A module object read on first use: a default or namespace import of a built-in is only ever
 * used for its properties (commander imports child_process for executable subcommands, which
 * nfd has none of).
 */
const LAZY_MODULE =
  'const $nfdLazyBuiltin = (name) => { let m; const load = () => (m ??= globalThis.process.getBuiltinModule(name)); ' +
  'return new Proxy({}, { get: (_, key) => Reflect.get(load(), key), has: (_, key) => Reflect.has(load(), key), ' +
  'ownKeys: () => Reflect.ownKeys(load()), getOwnPropertyDescriptor: (_, key) => { ' +
  'const d = Reflect.getOwnPropertyDescriptor(load(), key); return d && { ...d, configurable: true }; } }); };';

/**
 * The statement for one `import … from "node:…";` line, or undefined for any other line: named
 * bindings read from the module now (they are values), a default or namespace binding lazily.
 * `globalThis.process`: a chunk may bind `process` itself.
 */
function builtinImportToConst(line: string): string | undefined {
  const match = BUILTIN_IMPORT.exec(line);
  if (match === null) return undefined;
  const [, namespace, fallback, named, name] = match;
  const module = `globalThis.process.getBuiltinModule(${JSON.stringify(name)})`;
  const whole = namespace?.slice('* as '.length) ?? fallback;
  const bindings = named
    ?.split(', ')
    .map((specifier) => specifier.replace(/^([\w$]+) as ([\w$]+)$/, '$1: $2'))
    .join(', ');
  const statements: string[] = [];
  if (whole !== undefined) statements.push(`const ${whole} = $nfdLazyBuiltin(${JSON.stringify(name)});`);
  if (bindings !== undefined) statements.push(`const { ${bindings} } = ${module};`);
  return statements.length === 0 ? `${module};` : statements.join(' ');
}

/**
 * Node's built-in modules through `process.getBuiltinModule` instead of ESM imports. An ESM import
 * of a built-in builds a facade that reads every export, and many are lazy getters: `node:fs`'s
 * ReadStream loads all of streams, `node:util`'s TextDecoder the worker machinery, `node:child_process`
 * (commander imports it) net and dgram; measured on `nfd export features`, these facades cost
 * 12 ms of a 75 ms run. Each chunk's leading `import … from "node:…"` lines become constants read
 * from the module itself (one line each, so source maps keep their lines).
 */
function builtinsWithoutFacades(): Rolldown.Plugin {
  return {
    name: 'nfd:builtins-without-facades',
    renderChunk(code) {
      const lines = code.split('\n');
      let changed = false;
      let helper = false;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (!line.startsWith('import ') && !line.startsWith('export ')) break;
        const replaced = builtinImportToConst(line);
        if (replaced === undefined) continue;
        // The helper goes on the first replaced line, so that lines stay where they were.
        const lazy = replaced.includes('$nfdLazyBuiltin');
        lines[i] = lazy && !helper ? `${LAZY_MODULE} ${replaced}` : replaced;
        helper ||= lazy;
        changed = true;
      }
      return changed ? { code: lines.join('\n'), map: null } : null;
    },
  };
}

/**
 * Shared by the apps: @nfd/commands and its dependencies inlined, bundled from the workspace
 * packages' sources (not their one-file dist) so that each command's implementation, and the
 * libraries only it needs, land in chunks loaded when that command runs (cold start).
 */
export const appConfig: UserConfig = {
  ...baseConfig,
  entry: ['src/main.ts'],
  dts: false,
  plugins: [builtinsWithoutFacades()],
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
