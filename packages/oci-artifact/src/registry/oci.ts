// OCI documents: descriptor, manifest and index types, their oras-go byte form, and tolerant parsing
// of what registries and layouts hand back (oci.md §1, §3, §6, §7, §9).
import { NfdError, OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from '@nfd/spec';
import { type GoJsonValue, goJsonBytes, parseDigest } from '../digest.ts';

export const DOCKER_MANIFEST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_SCHEMA1_MEDIA_TYPES: readonly string[] = [
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v1+json',
];
/** Sent as `Accept` on every manifest request (oci.md §3: distribution 404s without the OCI types). */
export const MANIFEST_ACCEPT: string = [
  OCI_MANIFEST_MEDIA_TYPE,
  OCI_INDEX_MEDIA_TYPE,
  DOCKER_MANIFEST_MEDIA_TYPE,
  DOCKER_MANIFEST_LIST_MEDIA_TYPE,
].join(', ');
export const OCI_IMAGE_CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_IMAGE_CONFIG_MEDIA_TYPE = 'application/vnd.docker.container.image.v1+json';
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
export const TITLE_ANNOTATION = 'org.opencontainers.image.title';

/** Caps (oci.md §9). */
export const MAX_MANIFEST_BYTES: number = 4 * 1024 * 1024;
export const MAX_SPEC_BYTES: number = 1024 * 1024;
export const MAX_REFERRERS_PAGES = 100;

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX_MEDIA_TYPE || mediaType === DOCKER_MANIFEST_LIST_MEDIA_TYPE;
}
export function isImageManifestMediaType(mediaType: string | undefined): boolean {
  return mediaType === OCI_MANIFEST_MEDIA_TYPE || mediaType === DOCKER_MANIFEST_MEDIA_TYPE;
}
export function isManifestMediaType(mediaType: string | undefined): boolean {
  return isIndexMediaType(mediaType) || isImageManifestMediaType(mediaType);
}

export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly osVersion?: string;
  readonly osFeatures?: readonly string[];
  readonly variant?: string;
}

/** An OCI content descriptor (image-spec v1.1). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly data?: string;
  readonly platform?: Platform;
  readonly artifactType?: string;
}

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** `{mediaType, digest, size}` only. */
export function plainDescriptor(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

function goMap(
  record: Readonly<Record<string, string>> | undefined,
): ReadonlyMap<string, GoJsonValue> | undefined {
  if (!record || Object.keys(record).length === 0) return undefined; // omitempty
  return new Map(Object.entries(record));
}

function platformJson(p: Platform): GoJsonValue {
  return {
    architecture: p.architecture,
    os: p.os,
    'os.version': p.osVersion || undefined,
    'os.features': p.osFeatures && p.osFeatures.length > 0 ? [...p.osFeatures] : undefined,
    variant: p.variant || undefined,
  };
}

/** Go struct order of `v1.Descriptor`: mediaType, digest, size, urls, annotations, data, platform, artifactType. */
export function descriptorJson(d: Descriptor): GoJsonValue {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    urls: d.urls && d.urls.length > 0 ? [...d.urls] : undefined,
    annotations: goMap(d.annotations),
    data: d.data || undefined,
    platform: d.platform ? platformJson(d.platform) : undefined,
    artifactType: d.artifactType || undefined,
  };
}

/** The exact bytes oras-go writes for a manifest (struct order, compact, Go escaping). */
export function serializeManifest(m: ImageManifest): Uint8Array {
  return goJsonBytes({
    schemaVersion: m.schemaVersion,
    mediaType: m.mediaType || undefined,
    artifactType: m.artifactType || undefined,
    config: descriptorJson(m.config),
    layers: m.layers.map(descriptorJson),
    subject: m.subject ? descriptorJson(m.subject) : undefined,
    annotations: goMap(m.annotations),
  });
}

/** The exact bytes oras-go writes for an index. `manifests` is always written (an empty list as `[]`). */
export function serializeIndex(i: ImageIndex): Uint8Array {
  return goJsonBytes({
    schemaVersion: i.schemaVersion,
    mediaType: i.mediaType || undefined,
    artifactType: i.artifactType || undefined,
    manifests: i.manifests.map(descriptorJson),
    subject: i.subject ? descriptorJson(i.subject) : undefined,
    annotations: goMap(i.annotations),
  });
}

// ---------------------------------------------------------------------------------------------
// Parsing (tolerant of unknown fields; strict on the ones we use)

const decoder = new TextDecoder('utf-8', { fatal: true });

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new NfdError('OCI_PROTOCOL', `${what} is not valid JSON`, { cause });
  }
  if (!isRecord(value)) throw new NfdError('OCI_PROTOCOL', `${what} is not a JSON object`);
  return value;
}

function stringRecord(v: unknown, what: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw new NfdError('OCI_PROTOCOL', `${what} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new NfdError('OCI_PROTOCOL', `${what}.${k} must be a string`);
    out[k] = val;
  }
  return out;
}

function parsePlatformJson(v: unknown, what: string): Platform | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v) || typeof v.os !== 'string' || typeof v.architecture !== 'string') {
    throw new NfdError('OCI_PROTOCOL', `${what} must have string os and architecture`);
  }
  const osFeatures = Array.isArray(v['os.features'])
    ? v['os.features'].filter((f): f is string => typeof f === 'string')
    : undefined;
  return {
    architecture: v.architecture,
    os: v.os,
    ...(typeof v['os.version'] === 'string' && v['os.version'] ? { osVersion: v['os.version'] } : {}),
    ...(osFeatures && osFeatures.length > 0 ? { osFeatures } : {}),
    ...(typeof v.variant === 'string' && v.variant ? { variant: v.variant } : {}),
  };
}

/** Validates a descriptor object; keeps the fields we know. */
export function parseDescriptor(v: unknown, what: string): Descriptor {
  if (!isRecord(v)) throw new NfdError('OCI_PROTOCOL', `${what} is not a descriptor object`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string' || mediaType === '') {
    throw new NfdError('OCI_PROTOCOL', `${what} has no mediaType`);
  }
  if (typeof digest !== 'string' || !parseDigest(digest)) {
    throw new NfdError('OCI_PROTOCOL', `${what} has an invalid digest ${JSON.stringify(digest)}`);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new NfdError('OCI_PROTOCOL', `${what} has an invalid size ${JSON.stringify(size)}`);
  }
  const annotations = stringRecord(v.annotations, `${what}.annotations`);
  const platform = parsePlatformJson(v.platform, `${what}.platform`);
  return {
    mediaType,
    digest,
    size,
    ...(Array.isArray(v.urls) ? { urls: v.urls.filter((u): u is string => typeof u === 'string') } : {}),
    ...(annotations ? { annotations } : {}),
    ...(typeof v.data === 'string' ? { data: v.data } : {}),
    ...(platform ? { platform } : {}),
    ...(typeof v.artifactType === 'string' && v.artifactType ? { artifactType: v.artifactType } : {}),
  };
}

function checkSchemaAndType(o: Record<string, unknown>, what: string, contentType: string | undefined): void {
  if (o.schemaVersion !== 2) {
    throw new NfdError(
      'OCI_PROTOCOL',
      `${what} has schemaVersion ${JSON.stringify(o.schemaVersion)}, expected 2`,
    );
  }
  if (o.mediaType !== undefined && typeof o.mediaType !== 'string') {
    throw new NfdError('OCI_PROTOCOL', `${what} has a non-string mediaType`);
  }
  if (contentType && typeof o.mediaType === 'string' && o.mediaType !== contentType) {
    throw new NfdError(
      'OCI_PROTOCOL',
      `${what} declares mediaType ${o.mediaType} but was served as ${contentType}`,
    );
  }
}

/** Parses an image manifest; `contentType` (if known) must equal a `mediaType` field. */
export function parseImageManifest(bytes: Uint8Array, what: string, contentType?: string): ImageManifest {
  const o = parseJsonObject(bytes, what);
  checkSchemaAndType(o, what, contentType);
  if (!Array.isArray(o.layers)) throw new NfdError('OCI_PROTOCOL', `${what} has no layers array`);
  const subject =
    o.subject === undefined || o.subject === null ? undefined : parseDescriptor(o.subject, `${what} subject`);
  const annotations = stringRecord(o.annotations, `${what} annotations`);
  return {
    schemaVersion: 2,
    ...(typeof o.mediaType === 'string' ? { mediaType: o.mediaType } : {}),
    ...(typeof o.artifactType === 'string' && o.artifactType ? { artifactType: o.artifactType } : {}),
    config: parseDescriptor(o.config, `${what} config`),
    layers: o.layers.map((l, i) => parseDescriptor(l, `${what} layer ${i}`)),
    ...(subject ? { subject } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/** Parses an image index; `contentType` (if known) must equal a `mediaType` field. */
export function parseImageIndex(bytes: Uint8Array, what: string, contentType?: string): ImageIndex {
  const o = parseJsonObject(bytes, what);
  checkSchemaAndType(o, what, contentType);
  if (o.manifests !== undefined && o.manifests !== null && !Array.isArray(o.manifests)) {
    throw new NfdError('OCI_PROTOCOL', `${what} has a non-array manifests field`);
  }
  const manifests = Array.isArray(o.manifests) ? o.manifests : [];
  const subject =
    o.subject === undefined || o.subject === null ? undefined : parseDescriptor(o.subject, `${what} subject`);
  const annotations = stringRecord(o.annotations, `${what} annotations`);
  return {
    schemaVersion: 2,
    ...(typeof o.mediaType === 'string' ? { mediaType: o.mediaType } : {}),
    ...(typeof o.artifactType === 'string' && o.artifactType ? { artifactType: o.artifactType } : {}),
    manifests: manifests.map((m, i) => parseDescriptor(m, `${what} entry ${i}`)),
    ...(subject ? { subject } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/** The `mediaType` a manifest's JSON declares, if any (used for layouts and servers without Content-Type). */
export function declaredMediaType(bytes: Uint8Array): string | undefined {
  try {
    const o: unknown = JSON.parse(decoder.decode(bytes));
    if (isRecord(o) && typeof o.mediaType === 'string') return o.mediaType;
    if (isRecord(o) && Array.isArray(o.manifests)) return OCI_INDEX_MEDIA_TYPE;
    if (isRecord(o) && isRecord(o.config)) return OCI_MANIFEST_MEDIA_TYPE;
  } catch {
    return undefined;
  }
  return undefined;
}

/** The descriptor a referrers listing carries for a manifest (artifactType falls back to config type). */
export function referrerDescriptor(descriptor: Descriptor, manifest: ImageManifest | ImageIndex): Descriptor {
  const artifactType =
    manifest.artifactType ?? ('config' in manifest ? manifest.config.mediaType : undefined);
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(manifest.annotations && Object.keys(manifest.annotations).length > 0
      ? { annotations: { ...manifest.annotations } }
      : {}),
    ...(artifactType ? { artifactType } : {}),
  };
}

/** Strips parameters and lower-cases a Content-Type value. */
export function baseContentType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const base = value.split(';')[0]?.trim().toLowerCase();
  return base ? base : undefined;
}
