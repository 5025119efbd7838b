// Test-only helpers for the pci, usb, network and storage tests (not exported by the package).

import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Features } from '@nfd/spec';
import { createHostFs, type HostFs } from '../host-fs.ts';
import type { SourceContext } from '../source.ts';

export const FIXTURE_HOSTS_DIR = '/work/shared/fixtures/hosts';
export const FIXTURE_HOSTS: readonly string[] = ['this-machine', 'gpu-node', 'arm-node'];
export const LABEL_NS = 'feature.node.kubernetes.io';

export interface TestContext extends SourceContext {
  readonly warnings: string[];
}

export function testContext(fs: HostFs): TestContext {
  const warnings: string[] = [];
  return {
    fs,
    arch: 'amd64',
    cpuid: undefined,
    now: new Date(0),
    nodeName: '',
    warn: (m) => {
      warnings.push(m);
    },
    warnings,
  };
}

export async function fixtureContext(host: string): Promise<TestContext> {
  return testContext(await createHostFs({ root: join(FIXTURE_HOSTS_DIR, host) }));
}

export async function expectedFeatures(host: string): Promise<Features> {
  return JSON.parse(
    await readFile(join(FIXTURE_HOSTS_DIR, host, 'expected-features.json'), 'utf8'),
  ) as Features;
}

/** The expected instance features of one source (full names starting with `<source>.`). */
export function expectedInstancesOf(features: Features, source: string): Features['instances'] {
  return Object.fromEntries(
    Object.entries(features.instances).filter(([name]) => name.startsWith(`${source}.`)),
  );
}

/** expected-labels.json entries of one source, keys as upstream prints them. */
export async function expectedLabelsOf(host: string, source: string): Promise<Record<string, string>> {
  const all = JSON.parse(
    await readFile(join(FIXTURE_HOSTS_DIR, host, 'expected-labels.json'), 'utf8'),
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

/** A tree entry: file contents, a directory ({}), or a symlink. */
export type TreeEntry = string | { dir: true } | { link: string };

export interface TempHost {
  readonly root: string;
  readonly context: TestContext;
  remove(): Promise<void>;
}

/** A temporary host root holding `entries` (paths relative to the root). */
export async function tempHost(entries: Record<string, TreeEntry>): Promise<TempHost> {
  const root = await mkdtemp(join(tmpdir(), 'nfd-sources-'));
  for (const [path, entry] of Object.entries(entries)) {
    const full = join(root, path);
    if (typeof entry === 'string') {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, entry);
    } else if ('dir' in entry) {
      await mkdir(full, { recursive: true });
    } else {
      await mkdir(dirname(full), { recursive: true });
      await symlink(entry.link, full);
    }
  }
  const context = testContext(await createHostFs({ root, prefix: '/' }));
  return { root, context, remove: () => rm(root, { recursive: true, force: true }) };
}
