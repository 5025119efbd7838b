// Test-only helpers for the source tests (not exported by the package).

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Features } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { createHostFs, type HostFs } from './host-fs.ts';
import type { FeatureSource, SourceContext } from './source.ts';

/**
 * The fixture hosts, in the repository at test/fixtures/hosts (see its README). A missing or
 * emptied host fails every test that uses it: fixtureContext() checks the tree has its files.
 */
export const FIXTURE_HOSTS_DIR: string = fileURLToPath(
  new URL('../../../test/fixtures/hosts', import.meta.url),
);
export const FIXTURE_HOSTS: readonly string[] = ['this-machine', 'gpu-node', 'arm-node'];
export const LABEL_NS = 'feature.node.kubernetes.io';

export interface TestContext extends SourceContext {
  readonly warnings: string[];
}

/** What a test may set in a context; the rest is fixed (amd64, no CPUID). */
export interface ContextOptions {
  /** Default 2026-07-01T00:00:00Z. */
  readonly now?: Date;
  /** Default "". */
  readonly nodeName?: string;
}

export function testContext(fs: HostFs, extra: ContextOptions = {}): TestContext {
  const warnings: string[] = [];
  return {
    fs,
    arch: 'amd64',
    cpuid: undefined,
    now: extra.now ?? new Date('2026-07-01T00:00:00Z'),
    nodeName: extra.nodeName ?? '',
    warn: (message) => warnings.push(message),
    warnings,
  };
}

/** The root of a fixture host; throws unless it holds a host tree (its sys/ or proc/ and expected-features.json). */
export function fixtureHostRoot(host: string): string {
  const root = join(FIXTURE_HOSTS_DIR, host);
  const missing = ['expected-features.json', existsSync(join(root, 'sys')) ? 'sys' : 'proc'].filter(
    (entry) => !existsSync(join(root, entry)),
  );
  if (missing.length > 0) throw new Error(`fixture host ${root} is missing ${missing.join(' and ')}`);
  return root;
}

export async function fixtureContext(host: string): Promise<TestContext> {
  return testContext(await createHostFs({ root: fixtureHostRoot(host) }));
}

/** A context on this machine's root (`/`), for the live-host tests. */
export async function thisMachineContext(): Promise<TestContext> {
  return testContext(await createHostFs({ root: '/', prefix: '/' }));
}

export async function expectedFeatures(host: string): Promise<Features> {
  return JSON.parse(
    await readFile(join(fixtureHostRoot(host), 'expected-features.json'), 'utf8'),
  ) as Features;
}

/** The expected instance features of one source (full names starting with `<source>.`). */
export function expectedInstancesOf(features: Features, source: string): Features['instances'] {
  return Object.fromEntries(
    Object.entries(features.instances).filter(([name]) => name.startsWith(`${source}.`)),
  );
}

/** The expected features of one source: every type, names starting with `<source>.`. */
export async function expectedFeaturesOf(host: string, source: string): Promise<Features> {
  const all = await expectedFeatures(host);
  const pick = <T>(record: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).filter(([name]) => name.startsWith(`${source}.`)));
  return { flags: pick(all.flags), attributes: pick(all.attributes), instances: pick(all.instances) };
}

/** expected-labels.json entries of one source, keys as upstream prints them. */
export async function expectedLabelsOf(host: string, source: string): Promise<Record<string, string>> {
  const all = JSON.parse(
    await readFile(join(fixtureHostRoot(host), 'expected-labels.json'), 'utf8'),
  ) as Record<string, string>;
  const prefix = `${LABEL_NS}/${source}-`;
  return Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith(prefix)));
}

/** Short label keys of a source, prefixed as features.md §4.1 does. */
export function prefixLabels(source: string, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).map(([key, value]) => [`${LABEL_NS}/${source}-${key}`, value]),
  );
}

export interface FixtureHostTests {
  /**
   * What discover() must equal: `features`, the source's part of expected-features.json (every type);
   * `instances`, its instance features only, with no flags and no attributes at all.
   */
  readonly expect: 'features' | 'instances';
  /** Also check that discovery warned nothing. */
  readonly noWarnings: boolean;
  /** Also check that labels() equals the source's (prefixed) entries of expected-labels.json. Default true. */
  readonly labels?: boolean;
}

/**
 * `<source> source on the fixture hosts`: on every fixture host, discover() equals expected-features.json
 * and labels() expected-labels.json (as `options` says); `more` adds the source's own tests to the block.
 */
export function describeFixtureHosts(
  source: FeatureSource,
  options: FixtureHostTests,
  more?: () => void,
): void {
  describe(`${source.name} source on the fixture hosts`, () => {
    for (const name of FIXTURE_HOSTS) {
      it(`${name}: features equal expected-features.json`, async () => {
        const context = await fixtureContext(name);
        const features = await source.discover(context);
        expect(features).toEqual(
          options.expect === 'features'
            ? await expectedFeaturesOf(name, source.name)
            : {
                flags: {},
                attributes: {},
                instances: expectedInstancesOf(await expectedFeatures(name), source.name),
              },
        );
        if (options.noWarnings) expect(context.warnings).toEqual([]);
      });

      if (options.labels === false) continue;
      it(`${name}: labels equal expected-labels.json`, async () => {
        const features = await source.discover(await fixtureContext(name));
        expect(prefixLabels(source.name, source.labels(features))).toEqual(
          await expectedLabelsOf(name, source.name),
        );
      });
    }
    more?.();
  });
}

/** A tree entry: file contents (text or bytes), a directory ({dir}), or a symlink ({link}). */
export type TreeEntry = string | Uint8Array | { dir: true } | { link: string };

export interface TempHost {
  readonly root: string;
  readonly fs: HostFs;
  /** One context on the host, made with the options given to tempHost. */
  readonly context: TestContext;
  remove(): Promise<void>;
}

/** A temporary host root (prefix "/") holding `entries` (paths relative to the root). */
export async function tempHost(
  entries: Record<string, TreeEntry>,
  extra: ContextOptions = {},
): Promise<TempHost> {
  const root = await mkdtemp(join(tmpdir(), 'nfd-sources-'));
  for (const [path, entry] of Object.entries(entries)) {
    const full = join(root, path);
    if (typeof entry === 'string' || entry instanceof Uint8Array) {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, entry);
    } else if ('dir' in entry) {
      await mkdir(full, { recursive: true });
    } else {
      await mkdir(dirname(full), { recursive: true });
      await symlink(entry.link, full);
    }
  }
  const fs = await createHostFs({ root, prefix: '/' });
  return {
    root,
    fs,
    context: testContext(fs, extra),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
