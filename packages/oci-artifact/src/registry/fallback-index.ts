// The referrers tag-schema index (oci.md §5): validation of what a `sha256-<hex>` tag holds, and
// building the next version of it.
import { OCI_INDEX_MEDIA_TYPE } from '@nfd/spec';
import { digestOf } from '../digest.ts';
import {
  baseContentType,
  type Descriptor,
  type ImageIndex,
  isManifestMediaType,
  parseImageIndex,
  serializeIndex,
} from './oci.ts';

export type FallbackIndexState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'valid'; readonly descriptor: Descriptor; readonly index: ImageIndex }
  | { readonly kind: 'invalid'; readonly digest: string; readonly reason: string };

/**
 * Checks what the fallback tag returned before trusting it: an OCI index (content type and
 * mediaType), not the subject itself (GitLab resolves `sha256-<hex>` as a digest), every entry a
 * manifest or index descriptor.
 */
export function checkFallbackIndex(
  bytes: Uint8Array,
  contentType: string | undefined,
  subjectDigest: string,
): FallbackIndexState {
  const digest = digestOf(bytes);
  const type = baseContentType(contentType);
  if (digest === subjectDigest) {
    return { kind: 'invalid', digest, reason: 'the registry returned the subject itself for the tag' };
  }
  if (type !== undefined && type !== OCI_INDEX_MEDIA_TYPE) {
    return { kind: 'invalid', digest, reason: `it is ${type}, not an OCI image index` };
  }
  let index: ImageIndex;
  try {
    index = parseImageIndex(bytes, 'fallback referrers index', type);
  } catch (e) {
    return { kind: 'invalid', digest, reason: e instanceof Error ? e.message : String(e) };
  }
  if (index.mediaType !== OCI_INDEX_MEDIA_TYPE) {
    return {
      kind: 'invalid',
      digest,
      reason: `its mediaType is ${index.mediaType ?? 'missing'}, not ${OCI_INDEX_MEDIA_TYPE}`,
    };
  }
  const bad = index.manifests.find((m) => !isManifestMediaType(m.mediaType));
  if (bad) {
    return {
      kind: 'invalid',
      digest,
      reason: `entry ${bad.digest} has media type ${bad.mediaType}, not a manifest`,
    };
  }
  if (index.manifests.some((m) => m.digest === subjectDigest)) {
    return { kind: 'invalid', digest, reason: 'it lists the subject as its own referrer' };
  }
  return {
    kind: 'valid',
    descriptor: { mediaType: OCI_INDEX_MEDIA_TYPE, digest, size: bytes.byteLength },
    index,
  };
}

/** Bytes and descriptor of a fallback index listing `manifests`. */
export function buildFallbackIndex(manifests: readonly Descriptor[]): {
  bytes: Uint8Array;
  descriptor: Descriptor;
} {
  const bytes = serializeIndex({ schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests });
  return {
    bytes,
    descriptor: { mediaType: OCI_INDEX_MEDIA_TYPE, digest: digestOf(bytes), size: bytes.byteLength },
  };
}

/** Drops duplicate digests (first wins). */
export function dedupeDescriptors(list: readonly Descriptor[]): Descriptor[] {
  const seen = new Set<string>();
  const out: Descriptor[] = [];
  for (const d of list) {
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    out.push(d);
  }
  return out;
}

/** Client-side artifactType filter (always applied, oci.md §4). */
export function filterByArtifactType(
  list: readonly Descriptor[],
  artifactType: string | undefined,
): Descriptor[] {
  return artifactType === undefined ? [...list] : list.filter((d) => d.artifactType === artifactType);
}
