// Direct registry access for the fault suite, never through the proxy and independent of the code
// under test: seeding an image and compatibility artifacts (as `oras attach` lays them out, and the
// `sha256-<hex>` fallback index on registries without the referrers API), and reading back what the
// registry really stores (the fallback index, the referrers API, HEAD of manifests and blobs).
import { createHash } from 'node:crypto';
import type { Registry } from './registries.ts';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const ARTIFACT_TYPE = 'application/vnd.nfd.image-compatibility.v1alpha1';
export const SPEC_MEDIA_TYPE = 'application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml';
export const CREATED = 'org.opencontainers.image.created';
const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
const ACCEPT = [
  OCI_MANIFEST,
  OCI_INDEX,
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export const sha256 = (bytes: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The fallback tag of a subject: `sha256-<hex>`. */
export const fallbackTag = (digest: string): string => digest.replace(':', '-');

async function call(
  registry: Registry,
  method: string,
  pathOrUrl: string,
  options: { headers?: Record<string, string>; body?: Uint8Array | string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (registry.authorization !== null) headers.authorization = registry.authorization;
  return fetch(new URL(pathOrUrl, registry.url), {
    method,
    headers,
    redirect: 'manual',
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}

async function expect2xx(res: Response, what: string): Promise<void> {
  if (res.status >= 200 && res.status < 300) return;
  throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
}

export async function pushBlob(
  registry: Registry,
  repo: string,
  bytes: Uint8Array | string,
): Promise<string> {
  const digest = sha256(bytes);
  const start = await call(registry, 'POST', `/v2/${repo}/blobs/uploads/`);
  await expect2xx(start, `POST upload ${repo}`);
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location') ?? '', registry.url);
  location.searchParams.set('digest', digest);
  const put = await call(registry, 'PUT', location.href, {
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  await expect2xx(put, `PUT blob ${digest}`);
  await put.arrayBuffer();
  return digest;
}

export async function pushManifest(
  registry: Registry,
  repo: string,
  reference: string,
  mediaType: string,
  body: string,
): Promise<Descriptor> {
  const res = await call(registry, 'PUT', `/v2/${repo}/manifests/${reference}`, {
    headers: { 'content-type': mediaType },
    body,
  });
  await expect2xx(res, `PUT manifest ${repo}:${reference}`);
  await res.arrayBuffer();
  return { mediaType, digest: sha256(body), size: Buffer.byteLength(body) };
}

/** A tiny one-layer image at `repo:v1`; its manifest descriptor. */
export async function pushImage(registry: Registry, repo: string): Promise<Descriptor> {
  const config = '{}';
  const layer = `layer of ${repo}\n`;
  await pushBlob(registry, repo, config);
  await pushBlob(registry, repo, layer);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: 2 },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: sha256(layer),
        size: Buffer.byteLength(layer),
      },
    ],
  });
  return pushManifest(registry, repo, 'v1', OCI_MANIFEST, manifest);
}

/** A spec: valid, or with an unknown operator (validate-spec exit 1). */
export function specText(label: string, valid: boolean): string {
  return [
    'version: v1alpha1',
    'compatibilities:',
    `  - description: fault suite spec ${label}`,
    '    rules:',
    '      - name: kernel',
    '        matchFeatures:',
    '          - feature: kernel.loadedmodule',
    '            matchExpressions:',
    `              overlay: { op: ${valid ? 'Exists' : 'Bogus'} }`,
    '',
  ].join('\n');
}

/** Pushes a compatibility artifact (blobs and manifest by digest); its referrers descriptor. */
export async function pushSpecArtifact(
  registry: Registry,
  repo: string,
  subject: Descriptor,
  spec: string,
  created: string,
): Promise<Descriptor> {
  await pushBlob(registry, repo, '{}');
  const specDigest = await pushBlob(registry, repo, spec);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: ARTIFACT_TYPE,
    config: { mediaType: EMPTY_MEDIA_TYPE, digest: sha256('{}'), size: 2, data: 'e30=' },
    layers: [
      {
        mediaType: SPEC_MEDIA_TYPE,
        digest: specDigest,
        size: Buffer.byteLength(spec),
        annotations: { 'org.opencontainers.image.title': 'spec.yaml' },
      },
    ],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { [CREATED]: created },
  });
  const pushed = await pushManifest(registry, repo, sha256(manifest), OCI_MANIFEST, manifest);
  return { ...pushed, artifactType: ARTIFACT_TYPE, annotations: { [CREATED]: created } };
}

/** Writes the `sha256-<hex>` fallback index listing `entries`; its digest. */
export async function pushFallbackIndex(
  registry: Registry,
  repo: string,
  subject: string,
  entries: readonly Descriptor[],
): Promise<string> {
  const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries });
  return (await pushManifest(registry, repo, fallbackTag(subject), OCI_INDEX, index)).digest;
}

/** HEAD of a manifest: true on 200, false on 404, else an error. */
export async function manifestExists(registry: Registry, repo: string, digest: string): Promise<boolean> {
  const res = await call(registry, 'HEAD', `/v2/${repo}/manifests/${digest}`, {
    headers: { accept: ACCEPT },
  });
  await res.arrayBuffer();
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw new Error(`HEAD manifest ${repo}@${digest}: HTTP ${res.status}`);
}

export async function blobExists(registry: Registry, repo: string, digest: string): Promise<boolean> {
  const res = await call(registry, 'HEAD', `/v2/${repo}/blobs/${digest}`);
  await res.arrayBuffer();
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw new Error(`HEAD blob ${repo}@${digest}: HTTP ${res.status}`);
}

/** A manifest's bytes, or null on 404. */
export async function getManifest(
  registry: Registry,
  repo: string,
  reference: string,
): Promise<Buffer | null> {
  const res = await call(registry, 'GET', `/v2/${repo}/manifests/${reference}`, {
    headers: { accept: ACCEPT },
  });
  if (res.status === 404) {
    await res.arrayBuffer();
    return null;
  }
  await expect2xx(res, `GET manifest ${repo}:${reference}`);
  return Buffer.from(await res.arrayBuffer());
}

export interface FallbackIndex {
  /** The digest the tag points at (of the bytes served). */
  readonly digest: string;
  readonly entries: Descriptor[];
}

/** What the `sha256-<hex>` tag holds, or null when there is no such tag. */
export async function readFallbackIndex(
  registry: Registry,
  repo: string,
  subject: string,
): Promise<FallbackIndex | null> {
  const bytes = await getManifest(registry, repo, fallbackTag(subject));
  if (bytes === null) return null;
  const parsed = JSON.parse(bytes.toString('utf8')) as { manifests?: Descriptor[] };
  return { digest: sha256(bytes), entries: parsed.manifests ?? [] };
}

/** The referrers API's answer (olareg), or null when the registry has none. */
export async function readReferrers(
  registry: Registry,
  repo: string,
  subject: string,
): Promise<Descriptor[] | null> {
  if (!registry.referrersApi) return null;
  const res = await call(registry, 'GET', `/v2/${repo}/referrers/${subject}`, {
    headers: { accept: OCI_INDEX },
  });
  if (res.status === 404) {
    await res.arrayBuffer();
    return [];
  }
  await expect2xx(res, `GET referrers ${repo}@${subject}`);
  const parsed = (await res.json()) as { manifests?: Descriptor[] };
  return parsed.manifests ?? [];
}

/** The tags of a repository. */
export async function listTags(registry: Registry, repo: string): Promise<string[]> {
  const res = await call(registry, 'GET', `/v2/${repo}/tags/list`);
  if (res.status === 404) {
    await res.arrayBuffer();
    return [];
  }
  await expect2xx(res, `GET tags ${repo}`);
  const parsed = (await res.json()) as { tags?: string[] | null };
  return parsed.tags ?? [];
}
