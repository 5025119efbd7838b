// Interop with the oras CLI v1.3.3 (oci.md §6): what our library attaches, oras discovers with the
// same media types, config, layer and subject; what `oras attach` writes, we find and fetch. On
// docker-registry both sides go through the fallback tag, on olareg through the referrers API.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACT_TYPE, SPEC_MEDIA_TYPE } from '@nfd/spec';
import { describe, expect, it, onTestFinished } from 'vitest';
import { skipUnless } from '../../../../test/support/skip.ts';
import { attachSpec, fetchSpec, listSpecs, removeSpecs } from '../../src/index.ts';
import { openTarget } from '../helpers/library.ts';
import { type OrasDiscovery, orasFlags, runOras } from '../helpers/oras.ts';
import { must, orasCase, REGISTRY_NAMES, registryCase } from '../helpers/peers.ts';
import {
  OCI_MANIFEST,
  pushTinyImage,
  sha256,
  TINY_MANIFEST_DIGEST,
  uniqueRepo,
} from '../helpers/registry-http.ts';
import { EMPTY_CONFIG_DIGEST, EMPTY_CONFIG_MEDIA_TYPE, specYaml } from '../helpers/spec-fixtures.ts';

const oras = orasCase();
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function orasBinary(): { binary: string; workDir: string } {
  if (!oras.path || !oras.workDir) throw new Error(`oras: ${oras.skip}`);
  return { binary: oras.path, workDir: oras.workDir };
}

for (const name of REGISTRY_NAMES) {
  const c = registryCase(name);
  const skip = c.skip || oras.skip;
  describe(`oras interop: ${c.title}`, skipUnless(skip), () => {
    it('an artifact attached by the library is discovered by `oras discover` with the same content', async () => {
      const ep = must(c);
      const { binary, workDir } = orasBinary();
      const repo = uniqueRepo(`${name}-to-oras`);
      await pushTinyImage(ep, repo);
      const { target, transport } = openTarget(ep, repo);
      onTestFinished(() => transport.close());
      const specBytes = encode(specYaml(`to oras ${repo}`));
      const attached = await attachSpec(target, {
        image: 'v1',
        specBytes,
        created: '2025-06-25T00:00:00Z',
        title: 'spec.yaml',
      });

      const ref = `${ep.host}/${repo}`;
      const discovered = JSON.parse(
        await runOras(binary, workDir, [
          'discover',
          ...orasFlags(ep),
          '--format',
          'json',
          '--artifact-type',
          ARTIFACT_TYPE,
          `${ref}:v1`,
        ]),
      ) as OrasDiscovery;
      expect(discovered.digest).toBe(TINY_MANIFEST_DIGEST);
      expect(discovered.referrers).toEqual([
        expect.objectContaining({
          digest: attached.artifactDigest,
          mediaType: OCI_MANIFEST,
          artifactType: ARTIFACT_TYPE,
          size: attached.artifact.size,
          annotations: expect.objectContaining({
            'org.opencontainers.image.created': '2025-06-25T00:00:00Z',
          }),
        }),
      ]);

      const manifest = JSON.parse(
        await runOras(binary, workDir, [
          'manifest',
          'fetch',
          ...orasFlags(ep),
          `${ref}@${attached.artifactDigest}`,
        ]),
      ) as unknown;
      expect(manifest).toMatchObject({
        mediaType: OCI_MANIFEST,
        artifactType: ARTIFACT_TYPE,
        config: { mediaType: EMPTY_CONFIG_MEDIA_TYPE, digest: EMPTY_CONFIG_DIGEST, size: 2 },
        layers: [
          {
            mediaType: SPEC_MEDIA_TYPE,
            digest: sha256(specBytes),
            size: specBytes.byteLength,
            annotations: { 'org.opencontainers.image.title': 'spec.yaml' },
          },
        ],
        subject: { mediaType: OCI_MANIFEST, digest: TINY_MANIFEST_DIGEST, size: 393 },
      });
    });

    it('for the same spec and created time, the library writes the bytes `oras attach` writes', async () => {
      const ep = must(c);
      const { binary, workDir } = orasBinary();
      const repo = uniqueRepo(`${name}-same-bytes`);
      await pushTinyImage(ep, repo);
      const dir = mkdtempSync(join(workDir, 'oras-same-'));
      const text = specYaml(`same bytes ${repo}`);
      writeFileSync(join(dir, 'spec.yaml'), text);
      const created = '2025-06-25T00:00:00Z';
      const out = JSON.parse(
        await runOras(
          binary,
          workDir,
          [
            'attach',
            ...orasFlags(ep),
            '--artifact-type',
            ARTIFACT_TYPE,
            '--annotation',
            `org.opencontainers.image.created=${created}`,
            '--format',
            'json',
            `${ep.host}/${repo}:v1`,
            `spec.yaml:${SPEC_MEDIA_TYPE}`,
          ],
          dir,
        ),
      ) as { digest: string };

      const other = uniqueRepo(`${name}-same-bytes-ours`);
      await pushTinyImage(ep, other);
      const { target, transport } = openTarget(ep, other);
      onTestFinished(() => transport.close());
      const ours = await attachSpec(target, {
        image: 'v1',
        specBytes: encode(text),
        created,
        title: 'spec.yaml',
      });
      expect(ours.artifactDigest).toBe(out.digest);
    });

    it('an artifact attached by `oras attach` is listed, fetched and removed by the library', async () => {
      const ep = must(c);
      const { binary, workDir } = orasBinary();
      const repo = uniqueRepo(`${name}-from-oras`);
      await pushTinyImage(ep, repo);
      const dir = mkdtempSync(join(workDir, 'oras-attach-'));
      const text = specYaml(`from oras ${repo}`);
      writeFileSync(join(dir, 'spec.yaml'), text);
      const ref = `${ep.host}/${repo}`;
      const out = JSON.parse(
        await runOras(
          binary,
          workDir,
          [
            'attach',
            ...orasFlags(ep),
            '--artifact-type',
            ARTIFACT_TYPE,
            '--format',
            'json',
            `${ref}:v1`,
            `spec.yaml:${SPEC_MEDIA_TYPE}`,
          ],
          dir,
        ),
      ) as { digest: string };
      expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

      const { target, transport } = openTarget(ep, repo);
      onTestFinished(() => transport.close());
      const listed = await listSpecs(target, { image: 'v1' });
      expect(listed.artifacts.map((a) => a.digest)).toEqual([out.digest]);
      expect(listed.artifacts[0]?.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      const fetched = await fetchSpec(target, { image: 'v1' });
      expect(fetched.artifactDigest).toBe(out.digest);
      expect(decode(fetched.specBytes)).toBe(text);
      expect(fetched.specLayer.annotations?.['org.opencontainers.image.title']).toBe('spec.yaml');
      expect(fetched.artifact.subject?.digest).toBe(TINY_MANIFEST_DIGEST);

      // Removed by us, oras no longer sees it.
      expect(await removeSpecs(target, { image: 'v1', digests: [out.digest] })).toEqual([out.digest]);
      const after = JSON.parse(
        await runOras(binary, workDir, [
          'discover',
          ...orasFlags(ep),
          '--format',
          'json',
          '--artifact-type',
          ARTIFACT_TYPE,
          `${ref}:v1`,
        ]),
      ) as OrasDiscovery;
      expect(after.referrers ?? []).toEqual([]);
    });
  });
}
