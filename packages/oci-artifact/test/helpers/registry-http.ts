// Raw registry HTTP for tests (independent of the library under test): seeding images, probing
// endpoints, checking what the library wrote. Uses undici `request`, which follows no redirects.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, type Dispatcher, request } from 'undici';
import type { RegistryEndpoint } from '../setup/context.ts';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const MANIFEST_ACCEPT: string = [
  OCI_MANIFEST,
  OCI_INDEX,
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const agents = new Map<string, Agent>();
function dispatcherFor(endpoint: RegistryEndpoint): Agent | undefined {
  if (!endpoint.caFile) return undefined;
  let agent = agents.get(endpoint.caFile);
  if (!agent) {
    agent = new Agent({ connect: { ca: readFileSync(endpoint.caFile) } });
    agents.set(endpoint.caFile, agent);
  }
  return agent;
}

export interface RegistryRequestOptions {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Send no credentials even when the endpoint has some. */
  anonymous?: boolean;
}

/** One request to `endpoint` (a path such as `/v2/`, or an absolute URL from a `Location` header). */
export function registryRequest(
  endpoint: RegistryEndpoint,
  pathOrUrl: string,
  options: RegistryRequestOptions = {},
): Promise<Dispatcher.ResponseData> {
  const url = new URL(pathOrUrl, endpoint.url);
  const headers: Record<string, string> = { ...options.headers };
  if (!options.anonymous && endpoint.username !== null && endpoint.password !== null) {
    headers.authorization = `Basic ${Buffer.from(`${endpoint.username}:${endpoint.password}`).toString('base64')}`;
  }
  const dispatcher = dispatcherFor(endpoint);
  return request(url, {
    method: options.method ?? 'GET',
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(dispatcher ? { dispatcher } : {}),
  });
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A repository name no other test uses (registries are shared by all test files). */
export function uniqueRepo(prefix: string): string {
  return `nfd-it/${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomBytes(4).toString('hex')}`;
}

async function expectStatus(res: Dispatcher.ResponseData, ok: number[], what: string): Promise<void> {
  if (ok.includes(res.statusCode)) return;
  const text = await res.body.text();
  throw new Error(`${what}: HTTP ${res.statusCode} ${text.slice(0, 500)}`);
}

/** Uploads a blob (POST then PUT, as test-registry.md A.5), skipping it when already present. */
export async function pushBlob(
  endpoint: RegistryEndpoint,
  repo: string,
  bytes: Uint8Array | string,
): Promise<string> {
  const digest = sha256(bytes);
  const head = await registryRequest(endpoint, `/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
  await head.body.dump();
  if (head.statusCode === 200) return digest;
  const start = await registryRequest(endpoint, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(start, [202], `POST upload ${repo}`);
  await start.body.dump();
  const location = start.headers.location;
  if (typeof location !== 'string') throw new Error(`POST upload ${repo}: no Location header`);
  const put = new URL(location, endpoint.url);
  put.searchParams.set('digest', digest);
  const res = await registryRequest(endpoint, put.href, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  await expectStatus(res, [201], `PUT blob ${digest}`);
  await res.body.dump();
  return digest;
}

/** PUTs a manifest under `reference` (tag or digest); returns the digest the registry reports. */
export async function pushManifest(
  endpoint: RegistryEndpoint,
  repo: string,
  reference: string,
  mediaType: string,
  body: string,
): Promise<Descriptor> {
  const res = await registryRequest(endpoint, `/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body,
  });
  await expectStatus(res, [201], `PUT manifest ${repo}:${reference}`);
  await res.body.dump();
  const digest = sha256(body);
  const reported = res.headers['docker-content-digest'];
  if (typeof reported === 'string' && reported !== digest) {
    throw new Error(`PUT manifest ${repo}:${reference}: registry digest ${reported} != ${digest}`);
  }
  return { mediaType, digest, size: Buffer.byteLength(body) };
}

/** GETs a manifest; null on 404. */
export async function getManifest(
  endpoint: RegistryEndpoint,
  repo: string,
  reference: string,
): Promise<{ mediaType: string; digest: string; bytes: Buffer } | null> {
  const res = await registryRequest(endpoint, `/v2/${repo}/manifests/${reference}`, {
    headers: { accept: MANIFEST_ACCEPT },
  });
  if (res.statusCode === 404) {
    await res.body.dump();
    return null;
  }
  await expectStatus(res, [200], `GET manifest ${repo}:${reference}`);
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { mediaType: String(res.headers['content-type']), digest: sha256(bytes), bytes };
}

// The tiny test image of test-registry.md A.5: the subject of the golden example in oci.md §7.
export const TINY_CONFIG = '{}';
export const TINY_LAYER = 'hello layer\n';
export const TINY_MANIFEST: string = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: OCI_IMAGE_CONFIG, digest: sha256(TINY_CONFIG), size: 2 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(TINY_LAYER), size: 12 }],
});
export const TINY_MANIFEST_DIGEST = 'sha256:e4c51d8f69df7e80282f10d75922f4f647fee2d621e7928a9ca47cda356e8c79';

/** Pushes the tiny image under `repo:tag`; its descriptor is always the same 393-byte manifest. */
export async function pushTinyImage(
  endpoint: RegistryEndpoint,
  repo: string,
  tag = 'v1',
): Promise<Descriptor> {
  await pushBlob(endpoint, repo, TINY_CONFIG);
  await pushBlob(endpoint, repo, TINY_LAYER);
  const desc = await pushManifest(endpoint, repo, tag, OCI_MANIFEST, TINY_MANIFEST);
  if (desc.digest !== TINY_MANIFEST_DIGEST || desc.size !== 393) {
    throw new Error(`tiny image digest ${desc.digest} (${desc.size} bytes) differs from test-registry.md`);
  }
  return desc;
}

export const INDEX_PLATFORMS: readonly Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

export interface PushedIndex {
  index: Descriptor;
  children: { descriptor: Descriptor; platform: Platform }[];
}

/** Pushes a two-platform OCI index (linux/amd64, linux/arm64/v8) of tiny images under `repo:tag`. */
export async function pushPlatformIndex(
  endpoint: RegistryEndpoint,
  repo: string,
  tag = 'multi',
): Promise<PushedIndex> {
  await pushBlob(endpoint, repo, TINY_LAYER);
  const children: PushedIndex['children'] = [];
  for (const platform of INDEX_PLATFORMS) {
    const config = JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: [] } });
    await pushBlob(endpoint, repo, config);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_IMAGE_CONFIG, digest: sha256(config), size: Buffer.byteLength(config) },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(TINY_LAYER), size: 12 }],
    });
    const descriptor = await pushManifest(endpoint, repo, sha256(manifest), OCI_MANIFEST, manifest);
    children.push({ descriptor, platform });
  }
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: children.map((c) => ({ ...c.descriptor, platform: c.platform })),
  });
  return { index: await pushManifest(endpoint, repo, tag, OCI_INDEX, index), children };
}

/** Where the registry keeps a blob's bytes (docker-registry's filesystem driver, or olareg's OCI layouts). */
export function blobDataPath(endpoint: RegistryEndpoint, repo: string, digest: string): string {
  if (!endpoint.storageDir) throw new Error(`${endpoint.name}: no storage dir`);
  const hex = digest.replace(/^sha256:/, '');
  if (endpoint.name === 'olareg') return join(endpoint.storageDir, repo, 'blobs', 'sha256', hex);
  return join(
    endpoint.storageDir,
    'docker',
    'registry',
    'v2',
    'blobs',
    'sha256',
    hex.slice(0, 2),
    hex,
    'data',
  );
}
