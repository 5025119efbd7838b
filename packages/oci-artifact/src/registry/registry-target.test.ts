import { OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { attachSpec } from '../artifact/attach.ts';
import { listSpecs } from '../artifact/discover.ts';
import { FALLBACK_TAG, IMAGE_DIGEST, IMAGE_MANIFEST, seedImage } from '../artifact/golden.testutil.ts';
import { digestOf } from '../digest.ts';
import { FakeRegistry, type FakeRegistryOptions } from './fake-registry.testutil.ts';
import { MANIFEST_ACCEPT } from './oci.ts';
import { nextLink, RegistryTarget } from './registry-target.ts';

const REPO = 'test/img';
const decoder = new TextDecoder();
const spec = (n: number): Uint8Array =>
  new TextEncoder().encode(`version: v1alpha1\ncompatibilities: [] # ${n}\n`);

function setup(options: FakeRegistryOptions = {}) {
  const reg = new FakeRegistry(options);
  seedImage(reg, REPO, 'v1');
  const target = new RegistryTarget({
    transport: reg,
    endpoint: reg.origin,
    registry: 'registry.test',
    repository: REPO,
    actions: ['pull', 'push'],
  });
  return { reg, target };
}

describe('RegistryTarget.resolve', () => {
  it('uses HEAD with all four manifest types', async () => {
    const { reg, target } = setup();
    const seen: Record<string, string>[] = [];
    reg.beforeRequest = (req) => void seen.push(req.headers ?? {});
    expect(await target.resolve('v1')).toEqual({
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      digest: IMAGE_DIGEST,
      size: 393,
    });
    expect(reg.log.map((l) => l.method)).toEqual(['HEAD']);
    expect(seen[0]?.accept).toBe(MANIFEST_ACCEPT);
  });

  it('falls back to GET and hashes the body when HEAD has no digest', async () => {
    const { reg, target } = setup({ headWithoutDigest: true });
    expect((await target.resolve('v1')).digest).toBe(IMAGE_DIGEST);
    expect(reg.log.map((l) => l.method)).toEqual(['HEAD', 'GET']);
    // by digest no GET is needed
    expect((await target.resolve(IMAGE_DIGEST)).size).toBe(393);
  });

  it('reports a missing tag as OCI_NOT_FOUND naming the reference', async () => {
    const { target } = setup();
    await expect(target.resolve('v2')).rejects.toMatchObject({
      code: 'OCI_NOT_FOUND',
      message: 'registry.test/test/img:v2 not found on registry.test',
    });
  });

  it('verifies fetched manifests', async () => {
    const { target } = setup();
    await expect(
      target.fetchManifest({ mediaType: OCI_MANIFEST_MEDIA_TYPE, digest: IMAGE_DIGEST, size: 392 }),
    ).rejects.toThrow(/size mismatch/);
    await expect(
      target.fetchManifest({
        mediaType: OCI_MANIFEST_MEDIA_TYPE,
        digest: IMAGE_DIGEST,
        size: 5 * 1024 * 1024,
      }),
    ).rejects.toThrow(/limit/);
    expect(
      decoder.decode(
        await target.fetchManifest({ mediaType: OCI_MANIFEST_MEDIA_TYPE, digest: IMAGE_DIGEST, size: 393 }),
      ),
    ).toBe(decoder.decode(IMAGE_MANIFEST));
  });
});

describe('RegistryTarget uploads', () => {
  it('skips existing blobs and honours absolute Locations', async () => {
    const { reg, target } = setup({ uploadLocation: 'absolute' });
    const bytes = spec(1);
    const d = { mediaType: 'application/octet-stream', digest: digestOf(bytes), size: bytes.byteLength };
    expect(await target.pushBlob(d, bytes)).toBe('pushed');
    expect(await target.pushBlob(d, bytes)).toBe('exists');
    expect(reg.log.map((l) => l.method)).toEqual(['HEAD', 'POST', 'PUT', 'HEAD']);
  });

  it('refuses an upload Location on another origin', async () => {
    const { target } = setup({ uploadLocation: 'foreign' });
    const bytes = spec(1);
    await expect(
      target.pushBlob({ mediaType: 'x/y', digest: digestOf(bytes), size: bytes.byteLength }, bytes),
    ).rejects.toThrow(/another origin/);
  });

  it('refuses to push content that does not match its descriptor', async () => {
    const { target } = setup();
    await expect(
      target.pushBlob({ mediaType: 'x/y', digest: digestOf(spec(1)), size: spec(1).byteLength }, spec(2)),
    ).rejects.toThrow(/mismatch/);
  });
});

describe('referrers detection and fallback', () => {
  it('caches "unsupported" after a plain-text 404', async () => {
    const { reg, target } = setup();
    await listSpecs(target, { image: 'v1' });
    await listSpecs(target, { image: 'v1' });
    expect(reg.log.filter((l) => l.path.includes('/referrers/'))).toHaveLength(1);
    expect(target.referrersApiSupported).toBe(false);
  });

  it('does not conclude anything from NAME_UNKNOWN', async () => {
    const reg = new FakeRegistry({ referrersApi: true });
    const target = new RegistryTarget({
      transport: reg,
      endpoint: reg.origin,
      registry: 'registry.test',
      repository: 'nothing/here',
    });
    const listing = await target.listReferrers({
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      digest: IMAGE_DIGEST,
      size: 393,
    });
    expect(listing).toEqual({ descriptors: [], source: 'tag' });
    expect(target.referrersApiSupported).toBeUndefined();
  });

  it("mode 'api' fails clearly on a registry without the API", async () => {
    const reg = new FakeRegistry();
    seedImage(reg, REPO, 'v1');
    const target = new RegistryTarget({
      transport: reg,
      endpoint: reg.origin,
      registry: 'registry.test',
      repository: REPO,
      referrersMode: 'api',
    });
    await expect(listSpecs(target, { image: 'v1' })).rejects.toThrow(/does not serve the referrers API/);
  });

  it('serialises concurrent attaches in one process (no lost fallback entries)', async () => {
    const { reg, target } = setup();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => attachSpec(target, { image: 'v1', specBytes: spec(n) })),
    );
    const r = reg.repo(REPO);
    const index = JSON.parse(decoder.decode(r.manifests.get(r.tags.get(FALLBACK_TAG) ?? '')?.bytes)) as {
      manifests: { digest: string }[];
    };
    expect(index.manifests.map((m) => m.digest).sort()).toEqual(results.map((x) => x.artifactDigest).sort());
  });

  it('redoes the merge when a concurrent writer overwrote the tag', async () => {
    const { reg, target } = setup();
    const first = await attachSpec(target, { image: 'v1', specBytes: spec(1) });
    const r = reg.repo(REPO);
    const firstIndex = r.tags.get(FALLBACK_TAG) ?? '';
    let raced = false;
    reg.beforeRequest = (req) => {
      // right after our index PUT, another client restores the old index (a lost update)
      if (
        !raced &&
        req.method === 'GET' &&
        req.url.endsWith(FALLBACK_TAG) &&
        r.tags.get(FALLBACK_TAG) !== firstIndex
      ) {
        raced = true;
        r.tags.set(FALLBACK_TAG, firstIndex);
      }
    };
    const second = await attachSpec(target, { image: 'v1', specBytes: spec(2) });
    expect(raced).toBe(true);
    const index = JSON.parse(decoder.decode(r.manifests.get(r.tags.get(FALLBACK_TAG) ?? '')?.bytes)) as {
      manifests: { digest: string }[];
    };
    expect(index.manifests.map((m) => m.digest)).toEqual([first.artifactDigest, second.artifactDigest]);
  });

  it('drops dangling entries the registry refuses (MANIFEST_BLOB_UNKNOWN)', async () => {
    const { reg, target } = setup();
    const first = await attachSpec(target, { image: 'v1', specBytes: spec(1) });
    reg.repo(REPO).manifests.delete(first.artifactDigest); // deleted by another tool, index untouched
    const warnings: string[] = [];
    const second = await attachSpec(target, {
      image: 'v1',
      specBytes: spec(2),
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings.join()).toMatch(/no longer exists/);
    expect((await listSpecs(target, { image: 'v1' })).artifacts.map((a) => a.digest)).toEqual([
      second.artifactDigest,
    ]);
  });

  it('rejects an index served for the fallback tag that lists non-manifests', async () => {
    const { reg, target } = setup();
    const bad = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX_MEDIA_TYPE,
        manifests: [{ mediaType: 'application/octet-stream', digest: IMAGE_DIGEST, size: 393 }],
      }),
    );
    reg.putManifest(REPO, bad, OCI_INDEX_MEDIA_TYPE, FALLBACK_TAG);
    const state = await target.readFallbackIndex(IMAGE_DIGEST);
    expect(state.kind).toBe('invalid');
  });
});

describe('nextLink', () => {
  it('finds rel="next" among several links', () => {
    expect(nextLink('</v2/a/referrers/x?page=2>; rel="next"')).toBe('/v2/a/referrers/x?page=2');
    expect(nextLink('<https://r/a>; rel="prev", <https://r/b>; rel=next')).toBe('https://r/b');
    expect(nextLink('<https://r/a>; rel="prev"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});
