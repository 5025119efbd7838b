// The NFD compatibility artifact manifest, byte for byte as `oras attach` writes it (oci.md §1, §6, §7),
// and the checks a fetched artifact must pass (§9).
import {
  ARTIFACT_TYPE,
  CREATED_ANNOTATION,
  NfdError,
  OCI_EMPTY_CONFIG,
  OCI_EMPTY_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  SPEC_MEDIA_TYPE,
} from '@nfd/spec';
import { digestOf } from '../digest.ts';
import {
  type Descriptor,
  type ImageManifest,
  parseImageManifest,
  serializeManifest,
  TITLE_ANNOTATION,
} from '../registry/oci.ts';

/** The misspelt key from the upstream docs; read (never written) as a fallback for sorting. */
export const MISSPELT_CREATED_ANNOTATION = 'oci.opencontainers.image.created';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an RFC 3339 time, or undefined when it is not one. */
export function parseRfc3339(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = RFC3339.exec(text.trim());
  if (!m) return undefined;
  const [, , mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.parse(
    text
      .trim()
      .toUpperCase()
      .replace(/(\.\d{3})\d+/, '$1'),
  );
  return Number.isNaN(ms) ? undefined : ms;
}

/** `2025-06-25T00:00:00Z`: UTC, second precision (what oras writes). */
export function formatCreated(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The created time of an artifact descriptor/manifest annotations (misspelt key accepted as a fallback). */
export function createdTime(annotations: Readonly<Record<string, string>> | undefined): number | undefined {
  return (
    parseRfc3339(annotations?.[CREATED_ANNOTATION]) ??
    parseRfc3339(annotations?.[MISSPELT_CREATED_ANNOTATION])
  );
}

export interface BuildSpecManifestInput {
  readonly specBytes: Uint8Array;
  /** The descriptor of the image (manifest or index) the spec describes. */
  readonly subject: Descriptor;
  /** Written as `org.opencontainers.image.created`; a string must be RFC 3339 and is kept as given. */
  readonly created: Date | string;
  /** Extra manifest annotations; a `org.opencontainers.image.created` here wins over `created` (like oras). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** `org.opencontainers.image.title` of the spec layer (oras writes the file path as typed). */
  readonly title?: string;
}

export interface BuiltSpecManifest {
  readonly manifest: ImageManifest;
  readonly bytes: Uint8Array;
  /** mediaType, digest, size, plus artifactType and annotations (as a referrers entry shows it). */
  readonly descriptor: Descriptor;
  readonly configBytes: Uint8Array;
  readonly specDescriptor: Descriptor;
}

/** Builds the artifact manifest exactly as oras-go serialises it. */
export function buildSpecManifest(input: BuildSpecManifestInput): BuiltSpecManifest {
  let created = input.annotations?.[CREATED_ANNOTATION];
  if (created === undefined) {
    if (typeof input.created === 'string') {
      created = input.created;
    } else {
      if (Number.isNaN(input.created.getTime())) throw new NfdError('USAGE', 'invalid created time');
      created = formatCreated(input.created);
    }
  }
  if (parseRfc3339(created) === undefined) {
    throw new NfdError('USAGE', `created time ${JSON.stringify(created)} is not an RFC 3339 time`, {
      hint: 'use e.g. 2025-06-25T00:00:00Z',
    });
  }
  const specDescriptor: Descriptor = {
    mediaType: SPEC_MEDIA_TYPE,
    digest: digestOf(input.specBytes),
    size: input.specBytes.byteLength,
    ...(input.title ? { annotations: { [TITLE_ANNOTATION]: input.title } } : {}),
  };
  const subject: Descriptor = {
    mediaType: input.subject.mediaType,
    digest: input.subject.digest,
    size: input.subject.size,
    ...(input.subject.platform ? { platform: input.subject.platform } : {}),
  };
  const annotations = { ...(input.annotations ?? {}), [CREATED_ANNOTATION]: created };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    artifactType: ARTIFACT_TYPE,
    config: { ...OCI_EMPTY_CONFIG },
    layers: [specDescriptor],
    subject,
    annotations,
  };
  const bytes = serializeManifest(manifest);
  return {
    manifest,
    bytes,
    descriptor: {
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      digest: digestOf(bytes),
      size: bytes.byteLength,
      annotations,
      artifactType: ARTIFACT_TYPE,
    },
    configBytes: new TextEncoder().encode('{}'),
    specDescriptor,
  };
}

/**
 * Checks a fetched artifact manifest (oci.md §9): OCI manifest, NFD artifactType (or config type for
 * older pushes), empty config (with or without `data`), a spec layer (first one used, extras warned
 * about), and `subject.digest` equal to the subject we resolved. Returns the manifest and the spec layer.
 */
export function validateSpecArtifact(
  bytes: Uint8Array,
  descriptor: Descriptor,
  expectedSubject: string | readonly string[] | undefined,
  onWarning?: (message: string) => void,
): { manifest: ImageManifest; specLayer: Descriptor } {
  const what = `artifact ${descriptor.digest}`;
  if (descriptor.mediaType !== OCI_MANIFEST_MEDIA_TYPE) {
    throw new NfdError('SPEC_INVALID', `${what} is ${descriptor.mediaType}, not an OCI image manifest`);
  }
  const manifest = parseImageManifest(bytes, what);
  if (manifest.mediaType !== undefined && manifest.mediaType !== OCI_MANIFEST_MEDIA_TYPE) {
    throw new NfdError(
      'SPEC_INVALID',
      `${what} declares mediaType ${manifest.mediaType}, not ${OCI_MANIFEST_MEDIA_TYPE}`,
    );
  }
  const type = manifest.artifactType ?? manifest.config.mediaType;
  if (type !== ARTIFACT_TYPE) {
    throw new NfdError('SPEC_INVALID', `${what} has artifact type ${type}, not ${ARTIFACT_TYPE}`);
  }
  if (manifest.artifactType !== undefined) {
    const c = manifest.config;
    if (
      c.mediaType !== OCI_EMPTY_MEDIA_TYPE ||
      c.digest !== OCI_EMPTY_CONFIG.digest ||
      c.size !== OCI_EMPTY_CONFIG.size ||
      (c.data !== undefined && c.data !== OCI_EMPTY_CONFIG.data)
    ) {
      throw new NfdError(
        'SPEC_INVALID',
        `${what} does not have the empty config (${c.mediaType} ${c.digest}, ${c.size} bytes)`,
      );
    }
  }
  const specLayers = manifest.layers.filter((l) => l.mediaType === SPEC_MEDIA_TYPE);
  const specLayer = specLayers[0];
  if (!specLayer) {
    throw new NfdError(
      'SPEC_INVALID',
      manifest.layers.length === 0
        ? `${what} has no layers`
        : `${what} has no layer of type ${SPEC_MEDIA_TYPE} (found ${manifest.layers.map((l) => l.mediaType).join(', ')})`,
    );
  }
  if (manifest.layers.length > 1) {
    onWarning?.(
      `${what} has ${manifest.layers.length} layers; using the first ${SPEC_MEDIA_TYPE} layer ${specLayer.digest}`,
    );
  }
  if (expectedSubject !== undefined) {
    const allowed = typeof expectedSubject === 'string' ? [expectedSubject] : expectedSubject;
    const actual = manifest.subject?.digest;
    if (actual === undefined || !allowed.includes(actual)) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${what} is attached to ${actual ?? 'nothing (no subject)'}, not to ${allowed.join(' or ')}`,
      );
    }
  }
  return { manifest, specLayer };
}
