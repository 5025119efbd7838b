// Test-only helpers for the kernel, memory, system and local tests (not exported by the package).

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

export function testContext(fs: HostFs, extra: { now?: Date; nodeName?: string } = {}): TestContext {
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

export async function fixtureContext(host: string): Promise<TestContext> {
  return testContext(await createHostFs({ root: join(FIXTURE_HOSTS_DIR, host) }));
}

/** The expected features of one source: every type, names starting with `<source>.`. */
export async function expectedFeaturesOf(host: string, source: string): Promise<Features> {
  const all = JSON.parse(
    await readFile(join(FIXTURE_HOSTS_DIR, host, 'expected-features.json'), 'utf8'),
  ) as Features;
  const pick = <T>(record: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).filter(([name]) => name.startsWith(`${source}.`)));
  return { flags: pick(all.flags), attributes: pick(all.attributes), instances: pick(all.instances) };
}

/** expected-labels.json entries of a prefixed source, or (local) the given keys. */
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

/** A tree entry: file contents (text or bytes), a directory ({dir}), or a symlink ({link}). */
export type TreeEntry = string | Uint8Array | { dir: true } | { link: string };

export interface TempHost {
  readonly root: string;
  readonly fs: HostFs;
  context(extra?: { now?: Date; nodeName?: string }): TestContext;
  remove(): Promise<void>;
}

/** A temporary host root (prefix "/") holding `entries` (paths relative to the root). */
export async function tempHost(entries: Record<string, TreeEntry>): Promise<TempHost> {
  const root = await mkdtemp(join(tmpdir(), 'nfd-ksml-'));
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
    context: (extra) => testContext(fs, extra),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
