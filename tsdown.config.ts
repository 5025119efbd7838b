import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rolldown, UserConfig } from 'tsdown';

/** Shared by every package's tsdown.config.ts: ESM for Node, declarations by oxc (isolatedDeclarations). */
export const baseConfig: UserConfig = {
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node22',
  dts: true,
  // No source maps: the packages and apps ship without them (a map embeds the whole source).
  sourcemap: false,
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

/** The directory of the npm package a bundled module comes from, or undefined for a workspace source. */
function packageRoot(id: string): string | undefined {
  const at = id.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const rest = id.slice(at + '/node_modules/'.length).split('/');
  const name = rest[0]?.startsWith('@') ? rest.slice(0, 2).join('/') : rest[0];
  return name === undefined ? undefined : `${id.slice(0, at)}/node_modules/${name}`;
}

/**
 * `dist/THIRD-PARTY-NOTICES`: the name, version, licence and licence text of every npm package
 * whose code is bundled into the app (its modules as the bundler reports them), sorted by name.
 */
function thirdPartyNotices(): Rolldown.Plugin {
  return {
    name: 'nfd:third-party-notices',
    generateBundle(_options, bundle) {
      const roots = new Set<string>();
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        for (const id of output.moduleIds) {
          const root = packageRoot(id);
          if (root !== undefined) roots.add(root);
        }
      }
      const entries = [...roots].map((root) => {
        const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
          name: string;
          version: string;
          license?: string;
          homepage?: string;
        };
        const file = readdirSync(root).find((name) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name));
        if (file === undefined) throw new Error(`${manifest.name}@${manifest.version} ships no licence file`);
        const text = readFileSync(join(root, file), 'utf8').trim();
        return { manifest, text };
      });
      entries.sort((a, b) => (a.manifest.name < b.manifest.name ? -1 : 1));
      const sections = entries.map(
        ({ manifest, text }) =>
          `${manifest.name} ${manifest.version} (${manifest.license ?? 'see below'})${manifest.homepage === undefined ? '' : `\n${manifest.homepage}`}\n\n${text}\n`,
      );
      this.emitFile({
        type: 'asset',
        fileName: 'THIRD-PARTY-NOTICES',
        source: `This program bundles the following npm packages, under these licences.\n\n${sections.join(`\n${'-'.repeat(78)}\n\n`)}`,
      });
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
  plugins: [builtinsWithoutFacades(), thirdPartyNotices()],
  alias: {
    '@nfd/commands/launcher': source('commands/src/launcher.ts'),
    '@nfd/commands': source('commands/src/index.ts'),
    '@nfd/feature-sources': source('feature-sources/src/index.ts'),
    '@nfd/matcher': source('matcher/src/index.ts'),
    '@nfd/oci-artifact': source('oci-artifact/src/index.ts'),
    '@nfd/report/style': source('report/src/style.ts'),
    '@nfd/report': source('report/src/index.ts'),
    '@nfd/spec/errors': source('spec/src/errors.ts'),
    '@nfd/spec': source('spec/src/index.ts'),
  },
};
