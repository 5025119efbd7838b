// Fixtures shared by the artifact tests: the golden example of oci.md §7 and small images.
import { OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from '@nfd/spec';
import { digestOf } from '../digest.ts';
import type { FakeRegistry } from '../registry/fake-registry.testutil.ts';
import { type Descriptor, type Platform, serializeIndex } from '../registry/oci.ts';

/** The 24-line example spec of the blog post / NFD docs, LF, one trailing newline (693 bytes). */
const SPEC_LINES: readonly string[] = [
  'version: v1alpha1',
  'compatibilities:',
  '- description: "My image requirements"',
  '  rules:',
  '  - name: "kernel and cpu"',
  '    matchFeatures:',
  '    - feature: kernel.loadedmodule',
  '      matchExpressions:',
  '        vfio-pci: {op: Exists}',
  '    - feature: cpu.model',
  '      matchExpressions:',
  '        vendor_id: {op: In, value: ["Intel", "AMD"]}',
  '  - name: "one of available nics"',
  '    matchAny:',
  '    - matchFeatures:',
  '      - feature: pci.device',
  '        matchExpressions:',
  '          vendor: {op: In, value: ["0eee"]}',
  '          class: {op: In, value: ["0200"]}',
  '    - matchFeatures:',
  '      - feature: pci.device',
  '        matchExpressions:',
  '          vendor: {op: In, value: ["0fff"]}',
  '          class: {op: In, value: ["0200"]}',
];
export const GOLDEN_SPEC: Uint8Array = new TextEncoder().encode(`${SPEC_LINES.join('\n')}\n`);
export const GOLDEN_SPEC_DIGEST = 'sha256:1e70c5503fe0708909a804bb89c2bdc2afcdde835bafcd6731dbfa727080251c';

/** The tiny test image of test-registry.md (393 bytes). */
export const IMAGE_MANIFEST: Uint8Array = new TextEncoder().encode(
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:f138e3eebb0e49daacab1b742ee6907a476ef98ab81ede2b4defa0949e6e9062","size":12}]}',
);
export const IMAGE_DIGEST = 'sha256:e4c51d8f69df7e80282f10d75922f4f647fee2d621e7928a9ca47cda356e8c79';
export const IMAGE_LAYER: Uint8Array = new TextEncoder().encode('hello layer\n');
export const EMPTY_JSON: Uint8Array = new TextEncoder().encode('{}');

export const GOLDEN_MANIFEST =
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.nfd.image-compatibility.v1alpha1","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},"layers":[{"mediaType":"application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml","digest":"sha256:1e70c5503fe0708909a804bb89c2bdc2afcdde835bafcd6731dbfa727080251c","size":693,"annotations":{"org.opencontainers.image.title":"spec.yaml"}}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:e4c51d8f69df7e80282f10d75922f4f647fee2d621e7928a9ca47cda356e8c79","size":393},"annotations":{"org.opencontainers.image.created":"2025-06-25T00:00:00Z"}}';
export const GOLDEN_MANIFEST_DIGEST =
  'sha256:1dbc87cd55e5cc1f373d98ca15c5b3720c2406667ffcbb943dc110f50d584018';
export const GOLDEN_INDEX =
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1dbc87cd55e5cc1f373d98ca15c5b3720c2406667ffcbb943dc110f50d584018","size":785,"annotations":{"org.opencontainers.image.created":"2025-06-25T00:00:00Z"},"artifactType":"application/vnd.nfd.image-compatibility.v1alpha1"}]}';
export const GOLDEN_INDEX_DIGEST = 'sha256:1e17e774720ab21015730aed66f0152318caf9ae99b9f57fde028040ca34b991';
export const FALLBACK_TAG = 'sha256-e4c51d8f69df7e80282f10d75922f4f647fee2d621e7928a9ca47cda356e8c79';

/** Pushes the tiny image as `repo:tag` into a fake registry. */
export function seedImage(reg: FakeRegistry, repo: string, tag: string): Descriptor {
  reg.putBlob(repo, EMPTY_JSON);
  reg.putBlob(repo, IMAGE_LAYER);
  const digest = reg.putManifest(repo, IMAGE_MANIFEST, OCI_MANIFEST_MEDIA_TYPE, tag);
  return { mediaType: OCI_MANIFEST_MEDIA_TYPE, digest, size: IMAGE_MANIFEST.byteLength };
}

/** A per-platform image manifest whose config says `platform`. */
export function platformImage(platform: Platform): {
  config: Uint8Array;
  manifest: Uint8Array;
  descriptor: Descriptor;
} {
  const config = new TextEncoder().encode(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: digestOf(config),
        size: config.byteLength,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: digestOf(IMAGE_LAYER),
          size: IMAGE_LAYER.byteLength,
        },
      ],
    }),
  );
  return {
    config,
    manifest,
    descriptor: {
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      digest: digestOf(manifest),
      size: manifest.byteLength,
      platform,
    },
  };
}

export const PLATFORMS: readonly Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: 'arm', variant: 'v6' },
  { os: 'unknown', architecture: 'unknown' },
];

/** A multi-platform index (plus an attestation-like unknown/unknown entry) as `repo:tag`. */
export function seedIndex(
  reg: FakeRegistry,
  repo: string,
  tag: string,
): { index: Descriptor; children: Descriptor[] } {
  reg.putBlob(repo, IMAGE_LAYER);
  const children = PLATFORMS.map((p) => {
    const img = platformImage(p);
    reg.putBlob(repo, img.config);
    reg.putManifest(repo, img.manifest, OCI_MANIFEST_MEDIA_TYPE);
    return img.descriptor;
  });
  const bytes = serializeIndex({ schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests: children });
  const digest = reg.putManifest(repo, bytes, OCI_INDEX_MEDIA_TYPE, tag);
  return { index: { mediaType: OCI_INDEX_MEDIA_TYPE, digest, size: bytes.byteLength }, children };
}
