import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NfdError, OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from '@nfd/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachSpec } from '../artifact/attach.ts';
import { fetchSpec, listSpecs } from '../artifact/discover.ts';
import {
  EMPTY_JSON,
  FALLBACK_TAG,
  GOLDEN_INDEX,
  GOLDEN_INDEX_DIGEST,
  GOLDEN_MANIFEST,
  GOLDEN_MANIFEST_DIGEST,
  GOLDEN_SPEC,
  IMAGE_DIGEST,
  IMAGE_LAYER,
  IMAGE_MANIFEST,
  PLATFORMS,
  platformImage,
} from '../artifact/golden.testutil.ts';
import { removeSpecs } from '../artifact/remove.ts';
import { digestOf } from '../digest.ts';
import { serializeIndex } from '../registry/oci.ts';
import { LayoutTarget } from './layout-target.ts';

let dir: string;
const decoder = new TextDecoder();
const spec = (n: number): Uint8Array =>
  new TextEncoder().encode(`version: v1alpha1\ncompatibilities:\n- description: "n${n}"\n  rules: []\n`);

async function writeBlob(bytes: Uint8Array): Promise<string> {
  const d = digestOf(bytes);
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'blobs', 'sha256', d.slice(7)), bytes);
  return d;
}

async function makeLayout(entries: unknown[]): Promise<void> {
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX_MEDIA_TYPE,
      manifests: entries,
      annotations: { keep: 'me' },
    }),
  );
  await writeFile(join(dir, 'unknown-file.txt'), 'tolerated');
}

async function seedLayoutImage(): Promise<void> {
  await writeBlob(EMPTY_JSON);
  await writeBlob(IMAGE_LAYER);
  await writeBlob(IMAGE_MANIFEST);
  await makeLayout([
    {
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      digest: IMAGE_DIGEST,
      size: 393,
      annotations: { 'org.opencontainers.image.ref.name': 'v1' },
    },
  ]);
}

async function indexJson(): Promise<{
  manifests: { digest: string; annotations?: Record<string, string>; artifactType?: string }[];
  annotations?: unknown;
}> {
  return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
}

async function blobExists(digest: string): Promise<boolean> {
  return (await readdir(join(dir, 'blobs', 'sha256'))).includes(digest.slice(7));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nfd-layout-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LayoutTarget', () => {
  it('attaches oras-style and regclient-style with the golden bytes', async () => {
    await seedLayoutImage();
    const target = new LayoutTarget({ dir });
    const r = await attachSpec(target, {
      image: 'v1',
      specBytes: GOLDEN_SPEC,
      created: '2025-06-25T00:00:00Z',
      title: 'spec.yaml',
    });
    expect(r.artifactDigest).toBe(GOLDEN_MANIFEST_DIGEST);
    expect(decoder.decode(await readFile(join(dir, 'blobs/sha256', GOLDEN_MANIFEST_DIGEST.slice(7))))).toBe(
      GOLDEN_MANIFEST,
    );
    expect(decoder.decode(await readFile(join(dir, 'blobs/sha256', GOLDEN_INDEX_DIGEST.slice(7))))).toBe(
      GOLDEN_INDEX,
    );
    const idx = await indexJson();
    expect(idx.annotations).toEqual({ keep: 'me' });
    const untagged = idx.manifests.find((m) => m.digest === GOLDEN_MANIFEST_DIGEST);
    expect(untagged?.annotations?.['org.opencontainers.image.ref.name']).toBeUndefined();
    expect(untagged?.artifactType).toBe('application/vnd.nfd.image-compatibility.v1alpha1');
    const tagged = idx.manifests.find(
      (m) => m.annotations?.['org.opencontainers.image.ref.name'] === FALLBACK_TAG,
    );
    expect(tagged?.digest).toBe(GOLDEN_INDEX_DIGEST);
    // twice: no duplicates anywhere
    const again = await attachSpec(target, {
      image: 'v1',
      specBytes: GOLDEN_SPEC,
      created: '2025-06-25T00:00:00Z',
      title: 'spec.yaml',
    });
    expect(again.referrers.alreadyListed).toBe(true);
    expect((await indexJson()).manifests.length).toBe(3);
    const fetched = await fetchSpec(target, { image: 'v1' });
    expect(fetched.specBytes).toEqual(GOLDEN_SPEC);
    expect(await readdir(dir)).not.toContain('index.json.lock');
  });

  it('merges oras-only and fallback-only referrers, newest first', async () => {
    await seedLayoutImage();
    const target = new LayoutTarget({ dir });
    const a = await attachSpec(target, { image: 'v1', specBytes: spec(1), created: '2025-01-01T00:00:00Z' });
    const b = await attachSpec(target, { image: 'v1', specBytes: spec(2), created: '2025-02-01T00:00:00Z' });
    // drop b's untagged entry (as if written by regclient) and the tag (as if written by oras) for a
    const idx = await indexJson();
    idx.manifests = idx.manifests.filter((m) => m.digest !== b.artifactDigest);
    await writeFile(join(dir, 'index.json'), JSON.stringify(idx));
    const listed = await listSpecs(target, { image: 'v1' });
    expect(listed.artifacts.map((x) => x.digest)).toEqual([b.artifactDigest, a.artifactDigest]);
  });

  it('removes one, then all; unreferenced blobs are deleted, shared ones kept', async () => {
    await seedLayoutImage();
    const target = new LayoutTarget({ dir });
    const a = await attachSpec(target, { image: 'v1', specBytes: spec(1), created: '2025-01-01T00:00:00Z' });
    const b = await attachSpec(target, { image: 'v1', specBytes: spec(2), created: '2025-02-01T00:00:00Z' });
    const oldIndex =
      (await indexJson()).manifests.find(
        (m) => m.annotations?.['org.opencontainers.image.ref.name'] === FALLBACK_TAG,
      )?.digest ?? '';
    expect(await removeSpecs(target, { image: 'v1', digests: [a.artifactDigest] })).toEqual([
      a.artifactDigest,
    ]);
    expect(await blobExists(a.artifactDigest)).toBe(false);
    expect(await blobExists(digestOf(spec(1)))).toBe(false);
    expect(await blobExists(oldIndex)).toBe(false);
    expect(await blobExists(digestOf(EMPTY_JSON))).toBe(true);
    expect((await listSpecs(target, { image: 'v1' })).artifacts.map((x) => x.digest)).toEqual([
      b.artifactDigest,
    ]);
    expect(await removeSpecs(target, { image: 'v1', all: true })).toEqual([b.artifactDigest]);
    const idx = await indexJson();
    expect(idx.manifests.map((m) => m.digest)).toEqual([IMAGE_DIGEST]);
    expect((await readdir(join(dir, 'blobs', 'sha256'))).sort()).toEqual(
      [digestOf(EMPTY_JSON), digestOf(IMAGE_LAYER), IMAGE_DIGEST].map((d) => d.slice(7)).sort(),
    );
    expect(await readdir(dir)).toContain('unknown-file.txt');
  });

  it('detects a corrupted blob', async () => {
    await seedLayoutImage();
    const target = new LayoutTarget({ dir });
    await attachSpec(target, { image: 'v1', specBytes: spec(1) });
    await writeFile(join(dir, 'blobs/sha256', digestOf(spec(1)).slice(7)), spec(9));
    const err = await fetchSpec(target, { image: 'v1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NfdError);
    expect((err as NfdError).message).toMatch(/digest mismatch/);
  });

  it('handles an invalid fallback index: warns on read, refuses to overwrite on attach', async () => {
    await seedLayoutImage();
    const bogus = new TextEncoder().encode('{"not":"an index"}');
    const d = await writeBlob(bogus);
    const idx = await indexJson();
    idx.manifests.push({
      mediaType: OCI_INDEX_MEDIA_TYPE,
      digest: d,
      size: bogus.byteLength,
      annotations: { 'org.opencontainers.image.ref.name': FALLBACK_TAG },
    } as never);
    await writeFile(join(dir, 'index.json'), JSON.stringify(idx));
    const target = new LayoutTarget({ dir });
    const warnings: string[] = [];
    expect((await listSpecs(target, { image: 'v1', onWarning: (w) => warnings.push(w) })).artifacts).toEqual(
      [],
    );
    expect(warnings.join()).toMatch(/ignoring the referrers fallback tag/);
    await expect(attachSpec(target, { image: 'v1', specBytes: spec(1) })).rejects.toThrow(
      /not a valid referrers index/,
    );
  });

  it('selects platform children of an index in a layout', async () => {
    await writeBlob(IMAGE_LAYER);
    const children = [];
    for (const p of PLATFORMS) {
      const img = platformImage(p);
      await writeBlob(img.config);
      await writeBlob(img.manifest);
      children.push(img.descriptor);
    }
    const indexBytes = serializeIndex({
      schemaVersion: 2,
      mediaType: OCI_INDEX_MEDIA_TYPE,
      manifests: children,
    });
    const indexDigest = await writeBlob(indexBytes);
    await makeLayout([
      {
        mediaType: OCI_INDEX_MEDIA_TYPE,
        digest: indexDigest,
        size: indexBytes.byteLength,
        annotations: { 'org.opencontainers.image.ref.name': 'multi' },
      },
    ]);
    const target = new LayoutTarget({ dir });
    const r = await attachSpec(target, {
      image: 'multi',
      specBytes: spec(3),
      platform: { os: 'linux', architecture: 'amd64' },
    });
    expect(r.subject.descriptor.digest).toBe(children[0]?.digest);
    const listed = await listSpecs(target, {
      image: 'multi',
      machinePlatform: { os: 'linux', architecture: 'x86_64' },
    });
    expect(listed.subject.where).toBe('platform-child');
    expect(listed.artifacts).toHaveLength(1);
    // by digest too
    expect((await listSpecs(target, { image: children[0]?.digest ?? '' })).artifacts).toHaveLength(1);
  });

  it('reports a directory that is not a layout', async () => {
    const target = new LayoutTarget({ dir });
    await expect(listSpecs(target, { image: 'v1' })).rejects.toThrow(/not an OCI image layout/);
    await seedLayoutImage();
    await expect(listSpecs(target, { image: 'v2' })).rejects.toMatchObject({ code: 'OCI_NOT_FOUND' });
  });

  it('serialises concurrent attaches with the lock file', async () => {
    await seedLayoutImage();
    const target = new LayoutTarget({ dir });
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        attachSpec(new LayoutTarget({ dir }), {
          image: 'v1',
          specBytes: spec(n),
          created: `2025-01-0${n}T00:00:00Z`,
        }),
      ),
    );
    const listed = await listSpecs(target, { image: 'v1' });
    expect(listed.artifacts.map((a) => a.digest).sort()).toEqual(results.map((r) => r.artifactDigest).sort());
    const fallback = (await indexJson()).manifests.find(
      (m) => m.annotations?.['org.opencontainers.image.ref.name'] === FALLBACK_TAG,
    );
    const fallbackIndex = JSON.parse(
      await readFile(join(dir, 'blobs/sha256', fallback?.digest.slice(7) ?? ''), 'utf8'),
    ) as { manifests: unknown[] };
    expect(fallbackIndex.manifests).toHaveLength(4);
  });
});
