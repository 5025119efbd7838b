// The library against real registries: docker-registry 2.8.2 without the referrers API (plain HTTP,
// and Basic auth + TLS) and olareg with it. Every test uses its own repository.
import { readFileSync, writeFileSync } from 'node:fs';
import { ARTIFACT_TYPE, loadCompatibilitySpec, NfdError, SPEC_MEDIA_TYPE } from '@nfd/spec';
import { describe, expect, it, onTestFinished } from 'vitest';
import { skipUnless } from '../../../../test/support/skip.ts';
import { attachSpec, fetchSpec, listSpecs, removeSpecs } from '../../src/index.ts';
import { type OpenOptions, openTarget } from '../helpers/library.ts';
import { must, REGISTRY_NAMES, registryCase } from '../helpers/peers.ts';
import {
  blobDataPath,
  getManifest,
  INDEX_PLATFORMS,
  pushPlatformIndex,
  pushTinyImage,
  sha256,
  TINY_MANIFEST_DIGEST,
  uniqueRepo,
} from '../helpers/registry-http.ts';
import { EMPTY_CONFIG_DIGEST, EMPTY_CONFIG_MEDIA_TYPE, specYaml } from '../helpers/spec-fixtures.ts';
import type { RegistryEndpoint } from '../setup/context.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const FALLBACK_TAG = `sha256-${TINY_MANIFEST_DIGEST.slice('sha256:'.length)}`;

function open(
  endpoint: RegistryEndpoint,
  repo: string,
  options?: OpenOptions,
): ReturnType<typeof openTarget> {
  const opened = openTarget(endpoint, repo, options);
  onTestFinished(() => opened.transport.close());
  return opened;
}

/** Resolves to the NfdError the promise rejects with (fails the test when it resolves). */
async function nfdError(promise: Promise<unknown>): Promise<NfdError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NfdError);
  return error as NfdError;
}

function expectValidSpec(bytes: Uint8Array): void {
  const loaded = loadCompatibilitySpec(decode(bytes), { file: 'fetched.yaml', check: true });
  expect(loaded.ok).toBe(true);
}

for (const name of REGISTRY_NAMES) {
  const c = registryCase(name);
  describe(`library: ${c.title}`, skipUnless(c.skip), () => {
    it('attach → list → fetch (validated) → remove', async () => {
      const ep = must(c);
      const repo = uniqueRepo(`${name}-cycle`);
      await pushTinyImage(ep, repo);
      const { target } = open(ep, repo);
      const specBytes = encode(specYaml(`cycle ${repo}`));

      const attached = await attachSpec(target, { image: 'v1', specBytes, created: '2025-06-25T00:00:00Z' });
      expect(attached.subject.descriptor.digest).toBe(TINY_MANIFEST_DIGEST);
      expect(attached.subject.where).toBe('reference');
      expect(attached.referrers.via).toBe(ep.referrersApi ? 'api' : 'tag');

      // What the registry holds is a v1.1 artifact manifest pointing at the image.
      const stored = await getManifest(ep, repo, attached.artifactDigest);
      expect(stored?.digest).toBe(attached.artifactDigest);
      const manifest = JSON.parse(decode(stored?.bytes ?? new Uint8Array())) as Record<string, unknown>;
      expect(manifest).toMatchObject({
        artifactType: ARTIFACT_TYPE,
        config: { mediaType: EMPTY_CONFIG_MEDIA_TYPE, digest: EMPTY_CONFIG_DIGEST, size: 2 },
        layers: [{ mediaType: SPEC_MEDIA_TYPE, digest: sha256(specBytes), size: specBytes.byteLength }],
        subject: { digest: TINY_MANIFEST_DIGEST, size: 393 },
        annotations: { 'org.opencontainers.image.created': '2025-06-25T00:00:00Z' },
      });
      // Fallback tag only where the registry lacks the referrers API.
      const fallback = await getManifest(ep, repo, FALLBACK_TAG);
      if (ep.referrersApi) {
        expect(fallback).toBeNull();
      } else {
        const index = JSON.parse(decode(fallback?.bytes ?? new Uint8Array())) as {
          manifests: { digest: string }[];
        };
        expect(index.manifests.map((m) => m.digest)).toEqual([attached.artifactDigest]);
      }

      const listed = await listSpecs(target, { image: 'v1' });
      expect(listed.artifacts.map((a) => a.digest)).toEqual([attached.artifactDigest]);
      expect(listed.artifacts[0]?.created).toBe('2025-06-25T00:00:00Z');

      const fetched = await fetchSpec(target, { image: 'v1' });
      expect(fetched.artifactDigest).toBe(attached.artifactDigest);
      expect(decode(fetched.specBytes)).toBe(decode(specBytes));
      expect(fetched.specLayer.mediaType).toBe(SPEC_MEDIA_TYPE);
      expectValidSpec(fetched.specBytes);

      const removed = await removeSpecs(target, { image: 'v1', digests: [attached.artifactDigest] });
      expect(removed).toEqual([attached.artifactDigest]);
      expect(await getManifest(ep, repo, attached.artifactDigest)).toBeNull();
      expect((await listSpecs(target, { image: 'v1' })).artifacts).toEqual([]);
      if (!ep.referrersApi) {
        const after = await getManifest(ep, repo, FALLBACK_TAG);
        const entries = after ? (JSON.parse(decode(after.bytes)) as { manifests: unknown[] }).manifests : [];
        expect(entries).toEqual([]);
      }
      // The image itself is untouched.
      expect((await getManifest(ep, repo, 'v1'))?.digest).toBe(TINY_MANIFEST_DIGEST);
    });

    it('several artifacts on one image: listed newest first, the newest is fetched, --all removes them', async () => {
      const ep = must(c);
      const repo = uniqueRepo(`${name}-several`);
      await pushTinyImage(ep, repo);
      const { target } = open(ep, repo);
      const created = ['2025-03-01T00:00:00Z', '2025-09-01T00:00:00Z', '2025-06-01T00:00:00Z'];
      const digests: string[] = [];
      for (const time of created) {
        const result = await attachSpec(target, {
          image: 'v1',
          specBytes: encode(specYaml(`${repo} ${time}`)),
          created: time,
        });
        digests.push(result.artifactDigest);
      }
      const listed = await listSpecs(target, { image: 'v1' });
      expect(listed.artifacts.map((a) => a.created)).toEqual([created[1], created[2], created[0]]);
      expect(listed.artifacts.map((a) => a.digest)).toEqual([digests[1], digests[2], digests[0]]);

      const newest = await fetchSpec(target, { image: 'v1' });
      expect(newest.artifactDigest).toBe(digests[1]);
      expect(decode(newest.specBytes)).toContain(created[1]);

      const chosen = await fetchSpec(target, { image: 'v1', artifactDigest: digests[0] ?? '' });
      expect(decode(chosen.specBytes)).toContain(created[0]);

      const removed = await removeSpecs(target, { image: 'v1', all: true });
      expect([...removed].sort()).toEqual([...digests].sort());
      expect((await listSpecs(target, { image: 'v1' })).artifacts).toEqual([]);
    });

    it('two-platform index: attach to the arm64 child, look it up by platform', async () => {
      const ep = must(c);
      const repo = uniqueRepo(`${name}-index`);
      const pushed = await pushPlatformIndex(ep, repo);
      const [amd64, arm64] = INDEX_PLATFORMS;
      const armChild = pushed.children[1]?.descriptor.digest;
      const { target } = open(ep, repo);
      const specBytes = encode(specYaml(`arm64 ${repo}`));

      const attached = await attachSpec(target, { image: 'multi', specBytes, platform: arm64 });
      expect(attached.subject.where).toBe('platform-child');
      expect(attached.subject.descriptor.digest).toBe(armChild);
      expect(attached.subject.image.digest).toBe(pushed.index.digest);

      const onChild = await listSpecs(target, { image: 'multi', platform: arm64 });
      expect(onChild.artifacts.map((a) => a.digest)).toEqual([attached.artifactDigest]);
      // Nothing on the index itself …
      expect((await listSpecs(target, { image: 'multi' })).artifacts).toEqual([]);
      // … but the machine-platform fallback finds the child's spec and says so.
      const viaMachine = await listSpecs(target, { image: 'multi', machinePlatform: arm64 });
      expect(viaMachine.artifacts.map((a) => a.digest)).toEqual([attached.artifactDigest]);
      expect(viaMachine.note).toMatch(/arm64/);

      const fetched = await fetchSpec(target, { image: 'multi', platform: arm64 });
      expect(decode(fetched.specBytes)).toBe(decode(specBytes));
      expect(fetched.subject.descriptor.digest).toBe(armChild);

      const none = await nfdError(fetchSpec(target, { image: 'multi', platform: amd64 }));
      expect(none.code).toBe('OCI_NOT_FOUND');
      const missingPlatform = await nfdError(
        listSpecs(target, { image: 'multi', platform: { os: 'linux', architecture: 's390x' } }),
      );
      expect(missingPlatform.code).toBe('OCI_NOT_FOUND');
      expect(missingPlatform.message).toMatch(/s390x/);

      expect(await removeSpecs(target, { image: 'multi', platform: arm64, all: true })).toEqual([
        attached.artifactDigest,
      ]);
    });

    it('missing artifact and missing image give OCI_NOT_FOUND with a clear message', async () => {
      const ep = must(c);
      const repo = uniqueRepo(`${name}-missing`);
      await pushTinyImage(ep, repo);
      const { target } = open(ep, repo);
      const noSpec = await nfdError(fetchSpec(target, { image: 'v1' }));
      expect(noSpec.code).toBe('OCI_NOT_FOUND');
      expect(noSpec.message).toMatch(/no compatibility spec/);
      expect(noSpec.message).toContain(`${repo}:v1`);

      const noImage = await nfdError(listSpecs(target, { image: 'nope' }));
      expect(noImage.code).toBe('OCI_NOT_FOUND');
      expect(noImage.message).toContain('nope');

      const noArtifact = await nfdError(
        removeSpecs(target, { image: 'v1', digests: [`sha256:${'0'.repeat(64)}`] }),
      );
      expect(noArtifact.code).toBe('OCI_NOT_FOUND');
    });

    it('a corrupted spec blob is detected (digest mismatch)', async () => {
      const ep = must(c);
      const repo = uniqueRepo(`${name}-corrupt`);
      await pushTinyImage(ep, repo);
      const { target } = open(ep, repo);
      const specBytes = encode(specYaml(`corrupt ${repo}`));
      await attachSpec(target, { image: 'v1', specBytes });
      const path = blobDataPath(ep, repo, sha256(specBytes));
      const original = readFileSync(path);
      const altered = Buffer.from(original.toString('utf8').replace('kernel', 'KERNEL'));
      expect(altered.length).toBe(original.length);
      writeFileSync(path, altered);
      const error = await nfdError(fetchSpec(target, { image: 'v1' }));
      expect(error.message).toMatch(/digest mismatch/);
      expect(error.message).toContain(sha256(specBytes));
    });

    // Only the auth registry has credentials and TLS; these cases are not registered elsewhere.
    if (name !== 'auth') return;

    it('wrong or missing credentials → OCI_UNAUTHORIZED, password never shown', async () => {
      const ep = must(c);
      const repo = uniqueRepo(`${name}-creds`);
      await pushTinyImage(ep, repo);
      const badPassword = `wrong-${ep.password ?? ''}-pw`;
      const wrong = open(ep, repo, {
        credentials: { username: ep.username ?? 'nfd', password: badPassword },
      });
      const error = await nfdError(listSpecs(wrong.target, { image: 'v1' }));
      expect(error.code).toBe('OCI_UNAUTHORIZED');
      expect(error.message).not.toContain(badPassword);
      expect(`${error.message} ${error.hint ?? ''}`).not.toContain(ep.password ?? '');
      expect(error.message).toContain(ep.host);

      const anonymous = open(ep, repo, { credentials: null });
      const anonError = await nfdError(
        attachSpec(anonymous.target, { image: 'v1', specBytes: encode(specYaml(repo)) }),
      );
      expect(anonError.code).toBe('OCI_UNAUTHORIZED');
    });

    it('TLS without the CA fails verification', async () => {
      const ep = must(c);
      const repo = uniqueRepo(`${name}-noca`);
      const { target } = open(ep, repo, { trustCa: false });
      const error = await target.resolve('v1').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(Error);
      expect(String(error?.message)).toMatch(/certificate|verify|self.signed|issuer/i);
    });
  });
}
