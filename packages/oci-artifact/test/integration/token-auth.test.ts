// The library against docker-registry 2.8.2 with Bearer token auth (test-registry.md §A.7,
// oci.md §10): token exchange with Basic credentials at the realm, anonymous pull of `public/*`,
// refused anonymous push, wrong password, a user-supplied token, credentials from a docker config
// file, and `insufficient_scope` (widened once, else a clear error). Every test uses its own repository.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NfdError } from '@nfd/spec';
import { request } from 'undici';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { skipUnless } from '../../../../test/support/skip.ts';
import {
  attachSpec,
  type CredentialOptions,
  createRegistryTransport,
  fetchSpec,
  listSpecs,
  parseImageReference,
  RegistryTarget,
  registryEndpoint,
  removeSpecs,
} from '../../src/index.ts';
import { type OpenOptions, openTarget } from '../helpers/library.ts';
import {
  MANIFEST_ACCEPT,
  OCI_MANIFEST,
  sha256,
  TINY_CONFIG,
  TINY_LAYER,
  TINY_MANIFEST,
  TINY_MANIFEST_DIGEST,
  uniqueRepo,
} from '../helpers/registry-http.ts';
import { specYaml } from '../helpers/spec-fixtures.ts';
import type { TokenRegistryEndpoint } from '../setup/context.ts';
import type { TokenLogEntry } from '../setup/token-server.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const CREATED = '2025-06-25T00:00:00Z';

const label = 'docker-registry (Bearer token auth)';
const peers = inject('nfdTestPeers') ?? null;
const peer = peers?.registries.token;
const skip: string | false = !peer
  ? 'the integration global setup did not run (run vitest from packages/oci-artifact)'
  : peer.ok
    ? false
    : peer.reason;
const endpoint: TokenRegistryEndpoint | null = peer?.ok ? peer.value : null;

function ep(): TokenRegistryEndpoint {
  if (!endpoint) throw new Error(`token: ${skip}`);
  return endpoint;
}

function homeDir(): string {
  const dir = join(peers?.workDir ?? '/nonexistent', 'empty-home');
  mkdirSync(dir, { recursive: true });
  return dir;
}

// --- raw HTTP with tokens (independent of the library under test) ---------------------------------

/** A token from the token server (GET with Basic as user `nfd` unless `user` is null = anonymous). */
async function rawToken(
  scopes: readonly string[],
  user: { username: string; password: string } | null = {
    username: ep().username ?? '',
    password: ep().password ?? '',
  },
): Promise<string> {
  const url = new URL(ep().realm);
  url.searchParams.set('service', ep().service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const res = await request(url, {
    headers: user
      ? { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}` }
      : {},
  });
  const body = (await res.body.json()) as { token?: string };
  if (res.statusCode !== 200 || !body.token) throw new Error(`token request: HTTP ${res.statusCode}`);
  return body.token;
}

async function raw(
  token: string,
  pathOrUrl: string,
  options: { method?: 'GET' | 'HEAD' | 'POST' | 'PUT'; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  const res = await request(new URL(pathOrUrl, ep().url), {
    method: options.method ?? 'GET',
    headers: { ...options.headers, authorization: `Bearer ${token}` },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, bytes };
}

async function rawPushBlob(token: string, repo: string, bytes: string): Promise<void> {
  const start = await raw(token, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`POST upload ${repo}: HTTP ${start.status}`);
  const put = new URL(String(start.headers.location), ep().url);
  put.searchParams.set('digest', sha256(bytes));
  const res = await raw(token, put.href, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  if (res.status !== 201) throw new Error(`PUT blob ${repo}: HTTP ${res.status} ${res.bytes}`);
}

/** Pushes the tiny image of test-registry.md A.5 to `repo:v1` as user `nfd`. */
async function pushTinyImage(repo: string): Promise<void> {
  const token = await rawToken([`repository:${repo}:pull,push`]);
  await rawPushBlob(token, repo, TINY_CONFIG);
  await rawPushBlob(token, repo, TINY_LAYER);
  const res = await raw(token, `/v2/${repo}/manifests/v1`, {
    method: 'PUT',
    headers: { 'content-type': OCI_MANIFEST },
    body: TINY_MANIFEST,
  });
  if (res.status !== 201 || res.headers['docker-content-digest'] !== TINY_MANIFEST_DIGEST) {
    throw new Error(`PUT manifest ${repo}:v1: HTTP ${res.status}`);
  }
}

/** GETs a manifest as user `nfd`: its digest, or null on 404. */
async function manifestDigest(repo: string, reference: string): Promise<string | null> {
  const token = await rawToken([`repository:${repo}:pull`]);
  const res = await raw(token, `/v2/${repo}/manifests/${reference}`, {
    headers: { accept: MANIFEST_ACCEPT },
  });
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`GET manifest ${repo}:${reference}: HTTP ${res.status}`);
  return sha256(res.bytes);
}

/** What the token server granted for scopes on `repo` (no secrets in the log). */
async function tokenLog(repo: string): Promise<TokenLogEntry[]> {
  const res = await request(new URL('/log', ep().realm));
  const all = (await res.body.json()) as TokenLogEntry[];
  return all.filter((entry) => entry.scopes.some((scope) => scope.startsWith(`repository:${repo}:`)));
}

// --- the library ------------------------------------------------------------------------------------

function open(repo: string, options?: OpenOptions): ReturnType<typeof openTarget> {
  const opened = openTarget(ep(), repo, options);
  onTestFinished(() => opened.transport.close());
  return opened;
}

/** Like openTarget, with any CredentialOptions (a token, a docker config via env). */
function openWith(
  repo: string,
  credentials: Partial<CredentialOptions>,
): { target: RegistryTarget; transport: ReturnType<typeof createRegistryTransport> } {
  const ref = parseImageReference(`${ep().host}/${repo}:v1`);
  const origin = registryEndpoint(ref, true);
  const home = homeDir();
  const transport = createRegistryTransport(origin, {
    plainHttp: true,
    credentials: { env: { HOME: home }, homeDir: home, ...credentials },
    retries: 1,
    timeoutMs: 10_000,
  });
  onTestFinished(() => transport.close());
  const target = new RegistryTarget({
    transport,
    endpoint: origin,
    registry: ref.registry,
    repository: ref.repository,
    actions: ['pull', 'push', 'delete'],
  });
  return { target, transport };
}

async function nfdError(promise: Promise<unknown>): Promise<NfdError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NfdError);
  return error as NfdError;
}

/** The error names the registry and carries no secret: no password, no JWT, no Authorization value. */
function expectNoLeak(error: NfdError, secrets: readonly string[]): void {
  const text = `${error.message}\n${error.hint ?? ''}`;
  expect(text).toContain(ep().host);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  expect(text).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
}

describe(`library: ${label}`, skipUnless(skip), () => {
  it('attach → list → fetch → remove with user name and password (Basic at the realm, Bearer at the registry)', async () => {
    const repo = uniqueRepo('token-cycle');
    await pushTinyImage(repo);
    const { target } = open(repo);
    const specBytes = encode(specYaml(`token ${repo}`));

    const attached = await attachSpec(target, { image: 'v1', specBytes, created: CREATED });
    expect(attached.subject.descriptor.digest).toBe(TINY_MANIFEST_DIGEST);
    expect(attached.referrers.via).toBe('tag');
    expect(await manifestDigest(repo, attached.artifactDigest)).toBe(attached.artifactDigest);

    const listed = await listSpecs(target, { image: 'v1' });
    expect(listed.artifacts.map((a) => a.digest)).toEqual([attached.artifactDigest]);
    const fetched = await fetchSpec(target, { image: 'v1' });
    expect(decode(fetched.specBytes)).toBe(decode(specBytes));

    const removed = await removeSpecs(target, { image: 'v1', digests: [attached.artifactDigest] });
    expect(removed).toEqual([attached.artifactDigest]);
    expect(await manifestDigest(repo, attached.artifactDigest)).toBeNull();
    expect((await listSpecs(target, { image: 'v1' })).artifacts).toEqual([]);
    expect(await manifestDigest(repo, 'v1')).toBe(TINY_MANIFEST_DIGEST);

    // The library exchanged user/password (Basic, GET) for tokens covering what it did, delete included.
    const library = (await tokenLog(repo)).filter((e) => !e.scopes.every((s) => /:pull(,push)?$/.test(s)));
    expect(library.length).toBeGreaterThan(0);
    for (const entry of library) {
      expect(entry).toMatchObject({ user: 'nfd', via: 'basic' });
    }
    const granted = library.flatMap((e) => e.access.filter((a) => a.name === repo).flatMap((a) => a.actions));
    expect(new Set(granted)).toEqual(new Set(['pull', 'push', 'delete']));
  });

  it('anonymous pull of a public repository works; anonymous push is refused without leaking anything', async () => {
    const repo = uniqueRepo('token-anon').replace(/^nfd-it\//, ep().publicPrefix);
    await pushTinyImage(repo);
    const specBytes = encode(specYaml(`public ${repo}`));
    const attached = await attachSpec(open(repo).target, { image: 'v1', specBytes, created: CREATED });

    const { target } = open(repo, { credentials: null });
    const listed = await listSpecs(target, { image: 'v1' });
    expect(listed.artifacts.map((a) => a.digest)).toEqual([attached.artifactDigest]);
    const fetched = await fetchSpec(target, { image: 'v1' });
    expect(decode(fetched.specBytes)).toBe(decode(specBytes));
    expect((await tokenLog(repo)).some((e) => e.via === 'anonymous' && e.access.length > 0)).toBe(true);

    const error = await nfdError(
      attachSpec(target, { image: 'v1', specBytes: encode(specYaml('anonymous push')), created: CREATED }),
    );
    expect(error.code).toBe('OCI_UNAUTHORIZED');
    expect(error.message).toMatch(/authentication required/);
    expectNoLeak(error, [ep().password ?? '', ep().readOnly.password]);
    // Nothing new was pushed.
    expect((await listSpecs(target, { image: 'v1' })).artifacts.map((a) => a.digest)).toEqual([
      attached.artifactDigest,
    ]);
  });

  it('anonymous pull of a private repository is refused', async () => {
    const repo = uniqueRepo('token-private');
    await pushTinyImage(repo);
    const error = await nfdError(listSpecs(open(repo, { credentials: null }).target, { image: 'v1' }));
    expect(error.code).toBe('OCI_UNAUTHORIZED');
    expectNoLeak(error, [ep().password ?? '']);
  });

  it('a wrong password is OCI_UNAUTHORIZED without the password in message or hint', async () => {
    const repo = uniqueRepo('token-wrong');
    await pushTinyImage(repo);
    const wrong = 'Wr0ng-Secret-Pa55word';
    const { target } = open(repo, { credentials: { username: 'nfd', password: wrong } });
    const error = await nfdError(listSpecs(target, { image: 'v1' }));
    expect(error.code).toBe('OCI_UNAUTHORIZED');
    expect(error.message).toMatch(/rejected by/);
    expectNoLeak(error, [wrong, ep().password ?? '']);
  });

  it('a user-supplied bearer token (credentials.token) is sent as is, without any exchange', async () => {
    const repo = uniqueRepo('token-static');
    await pushTinyImage(repo);
    const token = await rawToken([`repository:${repo}:pull,push,delete`]);
    const before = (await tokenLog(repo)).length;
    const { target } = openWith(repo, { token });
    const specBytes = encode(specYaml(`static ${repo}`));
    const attached = await attachSpec(target, { image: 'v1', specBytes, created: CREATED });
    expect(decode((await fetchSpec(target, { image: 'v1' })).specBytes)).toBe(decode(specBytes));
    expect(await removeSpecs(target, { image: 'v1', digests: [attached.artifactDigest] })).toEqual([
      attached.artifactDigest,
    ]);
    expect((await tokenLog(repo)).length).toBe(before);

    // A token that only allows pull: push fails clearly, and the token is not echoed.
    const pullOnly = await rawToken([`repository:${repo}:pull`]);
    const narrow = openWith(repo, { token: pullOnly });
    expect((await listSpecs(narrow.target, { image: 'v1' })).artifacts).toEqual([]);
    const error = await nfdError(attachSpec(narrow.target, { image: 'v1', specBytes, created: CREATED }));
    expect(error.code).toBe('OCI_UNAUTHORIZED');
    // The token is valid, only too narrow: reported as a missing permission, not as rejected.
    expect(error.message).toMatch(/credentials from --registry-token-stdin do not grant .*push/);
    expectNoLeak(error, [pullOnly, token]);
  });

  it('credentials from a docker config file (DOCKER_CONFIG, auths with base64 auth)', async () => {
    const repo = uniqueRepo('token-docker-config');
    await pushTinyImage(repo);
    const dockerConfig = join(peers?.workDir ?? '/nonexistent', `docker-config-${repo.replace(/\W+/g, '-')}`);
    mkdirSync(dockerConfig, { recursive: true });
    const auth = Buffer.from(`${ep().username}:${ep().password}`).toString('base64');
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [ep().host]: { auth } } }));
    const home = homeDir();
    const { target } = openWith(repo, { env: { HOME: home, DOCKER_CONFIG: dockerConfig }, homeDir: home });
    const specBytes = encode(specYaml(`docker config ${repo}`));
    const attached = await attachSpec(target, { image: 'v1', specBytes, created: CREATED });
    expect((await listSpecs(target, { image: 'v1' })).artifacts.map((a) => a.digest)).toEqual([
      attached.artifactDigest,
    ]);
    expect(decode((await fetchSpec(target, { image: 'v1' })).specBytes)).toBe(decode(specBytes));
    const pushes = (await tokenLog(repo)).filter((e) => e.access.some((a) => a.actions.includes('push')));
    expect(pushes.some((e) => e.user === 'nfd' && e.via === 'basic')).toBe(true);
  });

  it('insufficient_scope: the transport re-requests a token with the union of scopes', async () => {
    const repo = uniqueRepo('token-widen');
    await pushTinyImage(repo);
    const { transport } = open(repo);
    const manifestUrl = `${ep().url}/v2/${repo}/manifests/v1`;
    // A pull request: the transport learns Bearer and caches a pull-only token.
    const head = await transport.request({
      method: 'HEAD',
      url: manifestUrl,
      repository: repo,
      actions: ['pull'],
      headers: { accept: MANIFEST_ACCEPT },
    });
    expect(head.headers['docker-content-digest']).toBe(TINY_MANIFEST_DIGEST);
    // An upload declared (wrongly) as pull only: the cached token is too narrow, the registry answers
    // 401 error="insufficient_scope" scope="repository:<repo>:pull,push", and the transport asks again.
    const upload = await transport.request({
      method: 'POST',
      url: `${ep().url}/v2/${repo}/blobs/uploads/`,
      repository: repo,
      actions: ['pull'],
      expectedStatus: [202],
    });
    expect(upload.status).toBe(202);
    const log = await tokenLog(repo);
    const library = log.slice(1); // the first entry is pushTinyImage's own token
    expect(library.map((e) => e.access.flatMap((a) => a.actions).sort())).toEqual([
      ['pull'],
      ['pull', 'push'],
    ]);
    expect(library[1]?.scopes).toContain(`repository:${repo}:pull,push`);
  });

  it('insufficient_scope: a user without push fails clearly (after one widened request)', async () => {
    const repo = uniqueRepo('token-reader');
    await pushTinyImage(repo);
    const { username, password } = ep().readOnly;
    const { target } = open(repo, { credentials: { username, password } });
    expect((await listSpecs(target, { image: 'v1' })).artifacts).toEqual([]);
    const error = await nfdError(
      attachSpec(target, { image: 'v1', specBytes: encode(specYaml('reader')), created: CREATED }),
    );
    expect(error.code).toBe('OCI_UNAUTHORIZED');
    expect(error.message).toMatch(/do not grant .*push/);
    expectNoLeak(error, [password, ep().password ?? '']);
    expect(error.hint).toMatch(/permission/);
  });
});
