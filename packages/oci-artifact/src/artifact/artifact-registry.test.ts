import { ARTIFACT_TYPE, NfdError, OCI_INDEX_MEDIA_TYPE } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { digestOf } from '../digest.ts';
import { FakeRegistry, type FakeRegistryOptions } from '../registry/fake-registry.testutil.ts';
import { RegistryTarget } from '../registry/registry-target.ts';
import type { ReferrersMode } from '../registry/target.ts';
import { attachSpec } from './attach.ts';
import { fetchSpec, listSpecs } from './discover.ts';
import {
  FALLBACK_TAG,
  GOLDEN_INDEX,
  GOLDEN_INDEX_DIGEST,
  GOLDEN_MANIFEST,
  GOLDEN_MANIFEST_DIGEST,
  GOLDEN_SPEC,
  IMAGE_DIGEST,
  seedImage,
  seedIndex,
} from './golden.testutil.ts';
import { removeSpecs } from './remove.ts';

const REPO = 'test/img';
const decoder = new TextDecoder();
const spec = (n: number): Uint8Array =>
  new TextEncoder().encode(`version: v1alpha1\ncompatibilities:\n- description: "n${n}"\n  rules: []\n`);

function setup(options: FakeRegistryOptions = {}, mode: ReferrersMode = 'auto') {
  const reg = new FakeRegistry(options);
  seedImage(reg, REPO, 'v1');
  const target = new RegistryTarget({
    transport: reg,
    endpoint: reg.origin,
    registry: 'registry.test',
    repository: REPO,
    referrersMode: mode,
  });
  return { reg, target, repo: reg.repo(REPO) };
}

function fallbackEntries(reg: FakeRegistry, tag = FALLBACK_TAG): string[] | undefined {
  const r = reg.repo(REPO);
  const d = r.tags.get(tag);
  if (!d) return undefined;
  const stored = r.manifests.get(d);
  return (JSON.parse(decoder.decode(stored?.bytes)) as { manifests: { digest: string }[] }).manifests.map(
    (m) => m.digest,
  );
}

describe('attachSpec on a registry without the referrers API (distribution 2.8)', () => {
  it('writes exactly the golden manifest and fallback index', async () => {
    const { reg, target, repo } = setup();
    const events: string[] = [];
    const result = await attachSpec(target, {
      image: 'v1',
      specBytes: GOLDEN_SPEC,
      created: '2025-06-25T00:00:00Z',
      title: 'spec.yaml',
      onProgress: (e) => events.push(e.type),
    });
    expect(result.artifactDigest).toBe(GOLDEN_MANIFEST_DIGEST);
    expect(result.subject.descriptor.digest).toBe(IMAGE_DIGEST);
    expect(result.subject.where).toBe('reference');
    expect(decoder.decode(repo.manifests.get(GOLDEN_MANIFEST_DIGEST)?.bytes)).toBe(GOLDEN_MANIFEST);
    expect(repo.tags.get(FALLBACK_TAG)).toBe(GOLDEN_INDEX_DIGEST);
    expect(decoder.decode(repo.manifests.get(GOLDEN_INDEX_DIGEST)?.bytes)).toBe(GOLDEN_INDEX);
    // the empty config already existed (it is the image's config too); the spec was uploaded
    expect(result.pushed).toEqual([digestOf(GOLDEN_SPEC), GOLDEN_MANIFEST_DIGEST, GOLDEN_INDEX_DIGEST]);
    expect(events).toEqual([
      'blob-exists',
      'blob-uploaded',
      'manifest-pushed',
      'manifest-pushed',
      'referrers-index-updated',
    ]);
    expect(result.referrers.via).toBe('tag');
    // uploads went POST then PUT with digest on the Location (which carries _state)
    const put = reg.log.find((l) => l.method === 'PUT' && l.path.includes('/blobs/uploads/'));
    expect(put?.path).toMatch(/\?_state=[^&]+&digest=sha256%3A[0-9a-f]{64}$/);
    expect(target.referrersApiSupported).toBe(false);
  });

  it('is idempotent: attaching the same spec twice adds no duplicate', async () => {
    const { reg, target } = setup();
    const opts = { image: 'v1', specBytes: GOLDEN_SPEC, created: '2025-06-25T00:00:00Z', title: 'spec.yaml' };
    await attachSpec(target, opts);
    const second = await attachSpec(target, opts);
    expect(second.referrers.alreadyListed).toBe(true);
    expect(second.pushed).toEqual([GOLDEN_MANIFEST_DIGEST]);
    expect(fallbackEntries(reg)).toEqual([GOLDEN_MANIFEST_DIGEST]);
  });

  it('lists several artifacts newest first and fetches the newest', async () => {
    const { target } = setup();
    const a = await attachSpec(target, { image: 'v1', specBytes: spec(1), created: '2025-01-01T00:00:00Z' });
    const b = await attachSpec(target, { image: 'v1', specBytes: spec(2), created: '2025-03-01T00:00:00Z' });
    const c = await attachSpec(target, {
      image: 'v1',
      specBytes: spec(3),
      created: '2025-02-01T00:00:00+01:00',
    });
    const listed = await listSpecs(target, { image: 'v1' });
    expect(listed.artifacts.map((x) => x.digest)).toEqual([
      b.artifactDigest,
      c.artifactDigest,
      a.artifactDigest,
    ]);
    expect(listed.artifacts[0]?.created).toBe('2025-03-01T00:00:00Z');
    const fetched = await fetchSpec(target, { image: 'v1' });
    expect(fetched.artifactDigest).toBe(b.artifactDigest);
    expect(decoder.decode(fetched.specBytes)).toContain('n2');
    const chosen = await fetchSpec(target, { image: 'v1', artifactDigest: a.artifactDigest });
    expect(decoder.decode(chosen.specBytes)).toContain('n1');
  });

  it('says clearly when no spec is attached', async () => {
    const { target } = setup();
    const err = await fetchSpec(target, { image: 'v1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NfdError);
    expect((err as NfdError).code).toBe('OCI_NOT_FOUND');
    expect((err as NfdError).message).toBe('no compatibility spec attached to registry.test/test/img:v1');
    expect((err as NfdError).hint).toMatch(/nfd compat attach-spec --image registry\.test\/test\/img:v1/);
  });

  it('removes one artifact (index rewritten) and then the last (tag gone, no empty index)', async () => {
    const { reg, target, repo } = setup();
    const a = await attachSpec(target, { image: 'v1', specBytes: spec(1), created: '2025-01-01T00:00:00Z' });
    const b = await attachSpec(target, { image: 'v1', specBytes: spec(2), created: '2025-02-01T00:00:00Z' });
    const indexWithBoth = repo.tags.get(FALLBACK_TAG);
    expect(fallbackEntries(reg)).toEqual([a.artifactDigest, b.artifactDigest]);

    expect(await removeSpecs(target, { image: 'v1', digests: [a.artifactDigest] })).toEqual([
      a.artifactDigest,
    ]);
    expect(fallbackEntries(reg)).toEqual([b.artifactDigest]);
    expect(repo.manifests.has(a.artifactDigest)).toBe(false);
    expect(repo.manifests.has(indexWithBoth ?? '')).toBe(false); // superseded index deleted before the artifact
    const order = reg.log
      .filter((l) => l.method === 'PUT' || l.method === 'DELETE')
      .slice(-3)
      .map((l) => `${l.method} ${l.path.split('/').pop()}`);
    expect(order).toEqual([`PUT ${FALLBACK_TAG}`, `DELETE ${indexWithBoth}`, `DELETE ${a.artifactDigest}`]);

    // Another subject whose fallback index happens to be empty must survive (empty-index pitfall).
    const emptyIndex = new TextEncoder().encode(
      `{"schemaVersion":2,"mediaType":"${OCI_INDEX_MEDIA_TYPE}","manifests":[]}`,
    );
    reg.putManifest(REPO, emptyIndex, OCI_INDEX_MEDIA_TYPE, `sha256-${'1'.repeat(64)}`);

    expect(await removeSpecs(target, { image: 'v1', all: true })).toEqual([b.artifactDigest]);
    expect(repo.tags.has(FALLBACK_TAG)).toBe(false);
    expect(repo.manifests.has(b.artifactDigest)).toBe(false);
    expect(repo.tags.get(`sha256-${'1'.repeat(64)}`)).toBe(digestOf(emptyIndex));
    expect((await listSpecs(target, { image: 'v1' })).artifacts).toEqual([]);
  });

  it('pushes an empty index when deletes are disabled', async () => {
    const { reg, target, repo } = setup({ deleteEnabled: false });
    const a = await attachSpec(target, { image: 'v1', specBytes: spec(1), created: '2025-01-01T00:00:00Z' });
    const warnings: string[] = [];
    const err = await removeSpecs(target, {
      image: 'v1',
      digests: [a.artifactDigest],
      onWarning: (w) => warnings.push(w),
    }).catch((e: unknown) => e);
    // the index no longer lists it, then deleting the artifact itself is refused
    expect(fallbackEntries(reg)).toEqual([]);
    expect(warnings.join('\n')).toMatch(/pushed an empty referrers index/);
    expect(err).toBeInstanceOf(NfdError);
    expect(repo.manifests.has(a.artifactDigest)).toBe(true);
  });

  it('refuses to remove something that is not a compatibility artifact', async () => {
    const { target } = setup();
    await expect(removeSpecs(target, { image: 'v1', digests: [IMAGE_DIGEST] })).rejects.toThrow(
      /not a compatibility artifact/,
    );
    await expect(removeSpecs(target, { image: 'v1' })).rejects.toThrow(/either/);
  });

  it('stops on an invalid existing fallback index and says what was pushed', async () => {
    const { reg, target, repo } = setup();
    reg.putManifest(
      REPO,
      new TextEncoder().encode(
        '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}',
      ),
      'application/vnd.oci.image.manifest.v1+json',
      FALLBACK_TAG,
    );
    const before = repo.tags.get(FALLBACK_TAG);
    const err = (await attachSpec(target, {
      image: 'v1',
      specBytes: GOLDEN_SPEC,
      created: '2025-06-25T00:00:00Z',
      title: 'spec.yaml',
    }).catch((e: unknown) => e)) as NfdError;
    expect(err).toBeInstanceOf(NfdError);
    expect(err.message).toContain(`the compatibility artifact ${GOLDEN_MANIFEST_DIGEST} was pushed`);
    expect(err.message).toContain('not a valid referrers index');
    expect(err.hint).toContain(
      `nfd compat remove-spec --image registry.test/test/img:v1 --digest ${GOLDEN_MANIFEST_DIGEST}`,
    );
    expect(repo.tags.get(FALLBACK_TAG)).toBe(before);
    // listing warns and treats it as "no referrers"
    const warnings: string[] = [];
    expect((await listSpecs(target, { image: 'v1', onWarning: (w) => warnings.push(w) })).artifacts).toEqual(
      [],
    );
    expect(warnings[0]).toMatch(/ignoring the referrers fallback tag/);
  });

  it('does not trust GitLab resolving sha256-<hex> as the subject itself', async () => {
    const { target } = setup({ gitlabFallbackQuirk: true });
    const warnings: string[] = [];
    const listed = await listSpecs(target, { image: 'v1', onWarning: (w) => warnings.push(w) });
    expect(listed.artifacts).toEqual([]);
    expect(warnings.join()).toMatch(/the subject itself/);
    await expect(attachSpec(target, { image: 'v1', specBytes: GOLDEN_SPEC })).rejects.toThrow(
      /not a valid referrers index/,
    );
  });

  it("mode 'tag' writes the fallback even when the registry has the API", async () => {
    const { reg, target } = setup({ referrersApi: true }, 'tag');
    const a = await attachSpec(target, { image: 'v1', specBytes: spec(1) });
    expect(fallbackEntries(reg)).toEqual([a.artifactDigest]);
    expect(reg.log.some((l) => l.path.includes('/referrers/'))).toBe(false);
  });
});

describe('with the referrers API', () => {
  it('relies on OCI-Subject and never touches tags', async () => {
    const { reg, target, repo } = setup({ referrersApi: true });
    const r = await attachSpec(target, {
      image: 'v1',
      specBytes: GOLDEN_SPEC,
      created: '2025-06-25T00:00:00Z',
      title: 'spec.yaml',
    });
    expect(r.referrers.via).toBe('api');
    expect(repo.tags.has(FALLBACK_TAG)).toBe(false);
    expect(target.referrersApiSupported).toBe(true);
    const listed = await listSpecs(target, { image: 'v1' });
    expect(listed.artifacts.map((a) => a.digest)).toEqual([GOLDEN_MANIFEST_DIGEST]);
    const get = reg.log.find((l) => l.path.includes('/referrers/'));
    expect(get?.path).toBe(
      `/v2/${REPO}/referrers/${IMAGE_DIGEST}?artifactType=${encodeURIComponent(ARTIFACT_TYPE)}`,
    );
    expect(await removeSpecs(target, { image: 'v1', all: true })).toEqual([GOLDEN_MANIFEST_DIGEST]);
    expect(repo.manifests.has(GOLDEN_MANIFEST_DIGEST)).toBe(false);
    expect(reg.log.filter((l) => l.method === 'DELETE').map((l) => l.path)).toEqual([
      `/v2/${REPO}/manifests/${GOLDEN_MANIFEST_DIGEST}`,
    ]);
  });

  it('follows Link pages and filters client-side when the server does not', async () => {
    const { reg, target } = setup({ referrersApi: true, referrersPageSize: 2, referrersFilter: false });
    const digests: string[] = [];
    for (let i = 0; i < 5; i++) {
      digests.push(
        (
          await attachSpec(target, {
            image: 'v1',
            specBytes: spec(i),
            created: `2025-01-0${i + 1}T00:00:00Z`,
          })
        ).artifactDigest,
      );
    }
    // a referrer of another type must be filtered out
    reg.putManifest(
      REPO,
      new TextEncoder().encode(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: 'application/x-sbom',
          config: {
            mediaType: 'application/vnd.oci.empty.v1+json',
            digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
            size: 2,
          },
          layers: [],
          subject: {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: IMAGE_DIGEST,
            size: 393,
          },
        }),
      ),
      'application/vnd.oci.image.manifest.v1+json',
    );
    const listed = await listSpecs(target, { image: 'v1' });
    expect(listed.artifacts.map((a) => a.digest)).toEqual([...digests].reverse());
    // Three pages, read twice (the answer is not content-addressed: two reads must agree).
    expect(reg.log.filter((l) => l.path.includes('/referrers/')).length).toBe(6);
  });

  it('caps the number of referrers pages', async () => {
    const reg = new FakeRegistry({ referrersApi: true, referrersPageSize: 1 });
    seedImage(reg, REPO, 'v1');
    const target = new RegistryTarget({
      transport: reg,
      endpoint: reg.origin,
      registry: 'registry.test',
      repository: REPO,
      maxReferrersPages: 2,
    });
    for (let i = 0; i < 3; i++) await attachSpec(target, { image: 'v1', specBytes: spec(i) });
    await expect(listSpecs(target, { image: 'v1' })).rejects.toThrow(/more than 2 pages/);
  });
});

describe('multi-platform images', () => {
  it('attaches to a child with --platform and finds it from the index via the machine platform', async () => {
    const reg = new FakeRegistry();
    const { index, children } = seedIndex(reg, REPO, 'multi');
    const target = new RegistryTarget({
      transport: reg,
      endpoint: reg.origin,
      registry: 'registry.test',
      repository: REPO,
    });
    const arm64 = { os: 'linux', architecture: 'arm64' };
    const attached = await attachSpec(target, { image: 'multi', specBytes: spec(7), platform: arm64 });
    expect(attached.subject.where).toBe('platform-child');
    expect(attached.subject.descriptor.digest).toBe(children[1]?.digest);
    expect(attached.subject.image.digest).toBe(index.digest);

    // without --platform: nothing on the index, found on the machine's child, and said so
    const listed = await listSpecs(target, {
      image: 'multi',
      machinePlatform: { os: 'linux', architecture: 'aarch64' },
    });
    expect(listed.subject.where).toBe('platform-child');
    expect(listed.artifacts.map((a) => a.digest)).toEqual([attached.artifactDigest]);
    expect(listed.note).toMatch(/no compatibility spec is attached to the index/);
    // no machine platform (or another one): nothing
    expect((await listSpecs(target, { image: 'multi' })).artifacts).toEqual([]);
    await expect(
      fetchSpec(target, { image: 'multi', machinePlatform: { os: 'linux', architecture: 'amd64' } }),
    ).rejects.toThrow(/no compatibility spec attached/);
    // explicit platform fetch; arm/v7 falls back to the arm/v6 child as compatible
    const fetched = await fetchSpec(target, { image: 'multi', platform: arm64 });
    expect(fetched.foundOn.descriptor.digest).toBe(children[1]?.digest);
    const armv7 = await listSpecs(target, {
      image: 'multi',
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    });
    expect(armv7.subject.descriptor.digest).toBe(children[2]?.digest);
    await expect(
      listSpecs(target, { image: 'multi', platform: { os: 'linux', architecture: 's390x' } }),
    ).rejects.toThrow(/available: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v6/);
    // an explicit artifact digest attached to a child is accepted for the index reference
    const byDigest = await fetchSpec(target, { image: 'multi', artifactDigest: attached.artifactDigest });
    expect(byDigest.foundOn.where).toBe('platform-child');
    // removing by digest from the index reference works too
    expect(await removeSpecs(target, { image: 'multi', digests: [attached.artifactDigest] })).toEqual([
      attached.artifactDigest,
    ]);
  });

  it('checks a single image config against --platform', async () => {
    const { target } = setup();
    await expect(
      attachSpec(target, {
        image: 'v1',
        specBytes: spec(1),
        platform: { os: 'linux', architecture: 'amd64' },
      }),
    ).rejects.toThrow();
  });
});

describe('failures', () => {
  it('detects a corrupted spec blob', async () => {
    const { target, repo } = setup();
    const a = await attachSpec(target, { image: 'v1', specBytes: spec(1) });
    repo.blobs.set(digestOf(spec(1)), spec(2));
    await expect(fetchSpec(target, { image: 'v1' })).rejects.toThrow(/mismatch/);
    expect(a.artifactDigest).toMatch(/^sha256:/);
  });

  it('reports what was pushed when the fallback update fails mid-way', async () => {
    const { reg, target } = setup();
    reg.beforeRequest = (req) => {
      if (req.method === 'PUT' && req.url.endsWith(FALLBACK_TAG))
        throw new NfdError('OCI_UNAUTHORIZED', 'denied');
    };
    const err = (await attachSpec(target, {
      image: 'v1',
      specBytes: spec(1),
      created: '2025-06-25T00:00:00Z',
    }).catch((e: unknown) => e)) as NfdError;
    expect(err.code).toBe('OCI_UNAUTHORIZED');
    expect(err.message).toMatch(/was pushed to registry\.test\/test\/img/);
    expect(err.hint).toMatch(/nfd compat remove-spec --image registry\.test\/test\/img:v1 --digest sha256:/);
  });
  it('a manifest push whose answer is lost: names the stored artifact and how to remove it', async () => {
    const { reg, target } = setup();
    reg.afterRequest = (req) => {
      if (req.method === 'PUT' && /manifests\/sha256:/.test(req.url))
        throw new NfdError('OCI_PROTOCOL', 'connection reset');
    };
    const err = (await attachSpec(target, { image: 'v1', specBytes: spec(3) }).catch(
      (e: unknown) => e,
    )) as NfdError;
    expect(err.message).toMatch(
      /^pushing the compatibility artifact (sha256:\w+) to registry\.test\/test\/img failed: connection reset; the registry stored it nonetheless/,
    );
    const digest = /artifact (sha256:\w+)/.exec(err.message)?.[1] ?? '';
    expect(reg.repo(REPO).manifests.has(digest)).toBe(true);
    expect(err.hint).toContain(
      `remove it with: nfd compat remove-spec --image registry.test/test/img:v1 --digest ${digest}`,
    );
    reg.afterRequest = undefined;
    // The command the hint names does remove it.
    expect(await removeSpecs(target, { image: 'v1', digests: [digest] })).toEqual([digest]);
    expect(reg.repo(REPO).manifests.has(digest)).toBe(false);
  });

  it('a manifest push that stored nothing says so', async () => {
    const { reg, target } = setup();
    reg.beforeRequest = (req) => {
      if (req.method === 'PUT' && /manifests\/sha256:/.test(req.url))
        throw new NfdError('OCI_PROTOCOL', 'refused');
    };
    const err = (await attachSpec(target, { image: 'v1', specBytes: spec(4) }).catch(
      (e: unknown) => e,
    )) as NfdError;
    expect(err.message).toMatch(
      /^pushing the compatibility artifact sha256:\w+ to registry\.test\/test\/img failed: refused \(uploaded blobs /,
    );
    expect(err.hint).toBeUndefined();
  });

  it('a removal that fails after unlisting names what is left, re-read, and the command that finishes it', async () => {
    const { reg, target } = setup();
    const a = await attachSpec(target, { image: 'v1', specBytes: spec(5) });
    const b = await attachSpec(target, { image: 'v1', specBytes: spec(6) });
    reg.beforeRequest = (req) => {
      if (req.method === 'DELETE' && req.url.endsWith(b.artifactDigest))
        throw new NfdError('OCI_PROTOCOL', 'DELETE failed');
    };
    const err = (await removeSpecs(target, {
      image: 'v1',
      digests: [a.artifactDigest, b.artifactDigest],
    }).catch((e: unknown) => e)) as NfdError;
    expect(err.message).toBe(
      `DELETE failed; removed: ${a.artifactDigest}; not removed: ${b.artifactDigest} (no longer listed as a referrer, but still stored)`,
    );
    expect(err.hint).toBe(
      `finish with: nfd compat remove-spec --image registry.test/test/img:v1 --digest ${b.artifactDigest}`,
    );
    reg.beforeRequest = undefined;
    expect(await removeSpecs(target, { image: 'v1', digests: [b.artifactDigest] })).toEqual([
      b.artifactDigest,
    ]);
    expect((await listSpecs(target, { image: 'v1' })).artifacts).toEqual([]);
  });

  it('a DELETE whose answer was lost (sent again: 404) counts as removed', async () => {
    const { reg, target } = setup();
    const a = await attachSpec(target, { image: 'v1', specBytes: spec(7) });
    let lost = true;
    reg.afterRequest = (req) => {
      if (lost && req.method === 'DELETE' && req.url.endsWith(a.artifactDigest)) {
        lost = false;
        reg.repo(REPO).manifests.delete(a.artifactDigest);
        throw new NfdError('OCI_NOT_FOUND', 'gone');
      }
    };
    expect(await removeSpecs(target, { image: 'v1', digests: [a.artifactDigest] })).toEqual([
      a.artifactDigest,
    ]);
  });
});
