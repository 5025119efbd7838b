import { describe, expect, it } from 'vitest';
import { attachSpec } from '../artifact/attach.ts';
import { fetchSpec, listSpecs, SpecNotFoundError } from '../artifact/discover.ts';
import { FALLBACK_TAG, seedImage } from '../artifact/golden.testutil.ts';
import { removeSpecs } from '../artifact/remove.ts';
import type { RegistryRequest, RegistryResponse, RegistryTransport } from '../transport/types.ts';
import { FakeRegistry, type FakeRegistryOptions } from './fake-registry.testutil.ts';
import { RegistryTarget } from './registry-target.ts';

// Issue 15: every index, manifest and blob read is verified; a corrupted answer is fetched once
// more, and if it is corrupted again the read fails — it is never taken for "no spec".

const REPO = 'test/img';
const spec = new TextEncoder().encode('version: v1alpha1\ncompatibilities: []\n');

/** The registry behind a link that flips one byte of the first `times` answers matching `match`. */
function corrupting(options: FakeRegistryOptions = {}) {
  const reg = new FakeRegistry(options);
  seedImage(reg, REPO, 'v1');
  const faults = { match: (_req: RegistryRequest): boolean => false, times: 0, served: 0 };
  const transport: RegistryTransport = {
    async request(req: RegistryRequest): Promise<RegistryResponse> {
      const response = await reg.request(req);
      if (faults.times > 0 && req.method === 'GET' && response.body.byteLength > 0 && faults.match(req)) {
        faults.times--;
        faults.served++;
        const body = new Uint8Array(response.body);
        const at = Math.floor(body.byteLength / 2);
        body[at] = (body[at] ?? 0) ^ 0x20;
        return { ...response, body };
      }
      return response;
    },
    close: () => reg.close(),
  };
  const target = new RegistryTarget({
    transport,
    endpoint: reg.origin,
    registry: 'registry.test',
    repository: REPO,
    actions: ['pull', 'push', 'delete'],
  });
  return { reg, target, faults };
}

const isFallbackTag = (req: RegistryRequest): boolean => req.url.endsWith(`/manifests/${FALLBACK_TAG}`);

describe('a corrupted fallback index (tag schema)', () => {
  it('corrupted on every read: list-specs fails naming the mismatch, never "no specs"', async () => {
    const { target, faults } = corrupting();
    await attachSpec(target, { image: 'v1', specBytes: spec });
    faults.match = isFallbackTag;
    faults.times = 10;
    const error = await listSpecs(target, { image: 'v1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OCI_PROTOCOL' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^digest mismatch for the referrers fallback tag ${FALLBACK_TAG} from .*\\(fetched twice\\)$`,
      ),
    );
    expect(faults.served).toBe(2);
    // … and fetching the spec is an error too, not "no compatibility spec attached".
    faults.times = 10;
    const fetched = await fetchSpec(target, { image: 'v1' }).catch((e: unknown) => e);
    expect(fetched).not.toBeInstanceOf(SpecNotFoundError);
    expect(fetched).toMatchObject({ code: 'OCI_PROTOCOL' });
  });

  it('corrupted once: fetched again, with a warning, and the spec is found', async () => {
    const { target, faults } = corrupting();
    const attached = await attachSpec(target, { image: 'v1', specBytes: spec });
    faults.match = isFallbackTag;
    faults.times = 1;
    const warnings: string[] = [];
    const listed = await listSpecs(target, { image: 'v1', onWarning: (w) => warnings.push(w) });
    expect(listed.artifacts.map((a) => a.digest)).toEqual([attached.artifactDigest]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^digest mismatch for the referrers fallback tag .*; fetching it again$/);
  });
});

describe('a removal that meets a corrupted fallback index', () => {
  it('fails before deleting anything, instead of deleting the manifest and leaving it listed', async () => {
    const { reg, target, faults } = corrupting();
    const attached = await attachSpec(target, { image: 'v1', specBytes: spec });
    faults.match = isFallbackTag;
    faults.times = 10;
    const error = await removeSpecs(target, { image: 'v1', digests: [attached.artifactDigest] }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'OCI_PROTOCOL' });
    expect((error as Error).message).toMatch(/digest mismatch for the referrers fallback tag/);
    // Still listed and still stored: the registry is as it was.
    expect(reg.repo(REPO).manifests.has(attached.artifactDigest)).toBe(true);
    faults.times = 0;
    expect((await listSpecs(target, { image: 'v1' })).artifacts.map((a) => a.digest)).toEqual([
      attached.artifactDigest,
    ]);
  });
});

describe('corrupted manifests and blobs', () => {
  it.each([
    [
      'the artifact manifest',
      (digest: string) => (req: RegistryRequest) => req.url.endsWith(`/manifests/${digest}`),
    ],
    ['the spec blob', () => (req: RegistryRequest) => req.url.includes('/blobs/')],
  ])('%s corrupted once is fetched again; twice is an error', async (_what, matcher) => {
    const { target, faults } = corrupting();
    const attached = await attachSpec(target, { image: 'v1', specBytes: spec });
    faults.match = matcher(attached.artifactDigest);
    faults.times = 1;
    const fetched = await fetchSpec(target, { image: 'v1', onWarning: () => {} });
    expect(new TextDecoder().decode(fetched.specBytes)).toBe(new TextDecoder().decode(spec));
    faults.times = 2;
    await expect(fetchSpec(target, { image: 'v1', onWarning: () => {} })).rejects.toThrow(
      /\(fetched twice\)$/,
    );
  });

  it('a listed artifact that is gone is an error, not "no spec attached"', async () => {
    const { reg, target } = corrupting();
    const attached = await attachSpec(target, { image: 'v1', specBytes: spec });
    reg.repo(REPO).manifests.delete(attached.artifactDigest); // deleted behind the index's back
    const error = await fetchSpec(target, { image: 'v1' }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(SpecNotFoundError);
    expect((error as Error).message).toContain(
      `list the artifact ${attached.artifactDigest}, which is missing`,
    );
  });

  it('only an image without specs is SpecNotFoundError', async () => {
    const { target } = corrupting();
    await expect(fetchSpec(target, { image: 'v1' })).rejects.toBeInstanceOf(SpecNotFoundError);
    const missingImage = await fetchSpec(target, { image: 'v9' }).catch((e: unknown) => e);
    expect(missingImage).toMatchObject({ code: 'OCI_NOT_FOUND' });
    expect(missingImage).not.toBeInstanceOf(SpecNotFoundError);
  });
});

describe('a corrupted referrers API page', () => {
  it('is read twice: a changed created time cannot make an older spec the newest', async () => {
    const { target } = corrupting({ referrersApi: true });
    await attachSpec(target, { image: 'v1', specBytes: spec, created: '2025-01-01T00:00:00Z' });
    const newer = new TextEncoder().encode('version: v1alpha1\ncompatibilities: [] # newer\n');
    const newest = await attachSpec(target, {
      image: 'v1',
      specBytes: newer,
      created: '2025-02-01T00:00:00Z',
    });
    // Flip the newest's created year 2025 → 1025 in one answer (still valid JSON).
    let flipped = false;
    const inner = (target as unknown as { transport: RegistryTransport }).transport;
    const request = inner.request.bind(inner);
    inner.request = async (req) => {
      const response = await request(req);
      if (flipped || !req.url.includes('/referrers/')) return response;
      const text = new TextDecoder().decode(response.body);
      if (!text.includes('2025-02-01')) return response;
      flipped = true;
      return { ...response, body: new TextEncoder().encode(text.replace('2025-02-01', '1025-02-01')) };
    };
    const fetched = await fetchSpec(target, { image: 'v1' });
    expect(flipped).toBe(true);
    expect(fetched.artifactDigest).toBe(newest.artifactDigest);
  });

  it('answers that never agree are an error', async () => {
    const { target } = corrupting({ referrersApi: true });
    await attachSpec(target, { image: 'v1', specBytes: spec });
    let n = 0;
    const inner = (target as unknown as { transport: RegistryTransport }).transport;
    const request = inner.request.bind(inner);
    inner.request = async (req) => {
      const response = await request(req);
      if (!req.url.includes('/referrers/')) return response;
      const text = new TextDecoder()
        .decode(response.body)
        .replace(/"annotations":\{/, `"annotations":{"n":"${n++}",`);
      return { ...response, body: new TextEncoder().encode(text) };
    };
    await expect(listSpecs(target, { image: 'v1' })).rejects.toThrow(/differently each time \(3 reads\)/);
  });

  it('is asked for once more', async () => {
    const { target, faults } = corrupting({ referrersApi: true });
    const attached = await attachSpec(target, { image: 'v1', specBytes: spec });
    faults.match = (req) => req.url.includes('/referrers/');
    faults.times = 1;
    const warnings: string[] = [];
    const listed = await listSpecs(target, { image: 'v1', onWarning: (w) => warnings.push(w) });
    expect(listed.artifacts.map((a) => a.digest)).toEqual([attached.artifactDigest]);
    expect(warnings.join('\n')).toMatch(/fetching it again/);
  });
});
