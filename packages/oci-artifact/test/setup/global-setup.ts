// vitest global setup for the integration tests (test/integration/**): starts real registries on
// 127.0.0.1 with free ports in temp dirs, hands their endpoints to the tests via `provide`, and stops
// each server by its PID at teardown.
//
//   plain   Debian docker-registry 2.8.2, plain HTTP, deletes enabled (no referrers API)
//   auth    docker-registry with htpasswd Basic auth (user `nfd`, generated password) + TLS
//           (self-signed CA + server cert for 127.0.0.1/localhost, made with openssl)
//   olareg  olareg v0.2.2 (referrers API), plain HTTP, deletes enabled
//   token   docker-registry with Bearer token auth, plain HTTP, plus an in-process token server
//           (./token-server.ts) signing RS256 JWTs with an openssl-made key: user `nfd` gets every
//           requested action, user `reader` only pull, anonymous only pull on `public/*`
//   oras    path of the oras v1.3.3 CLI (interop tests)
//
// Binaries come from the repository's `.test-peers/bin` (or `$NFD_TEST_PEERS/bin`; scripts/test-peers.sh
// puts them there), else from PATH. A missing peer is reported on stdout and its tests are skipped with
// that reason; with CI=true a missing docker-registry (always installable) fails the run.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestProject } from 'vitest/node';
import { createTestCertificates } from '../../../../test/support/certificates.ts';
import { startOlareg as startOlaregPeer } from '../../../../test/support/olareg.ts';
import { findPeer } from '../../../../test/support/peers.ts';
import { stopProcess, tailFile } from '../../../../test/support/processes.ts';
import { registryRequest } from '../helpers/registry-http.ts';
import type { Peer, RegistryEndpoint, TestPeers, TokenRegistryEndpoint } from './context.ts';
import { startTokenServer, type TokenServer } from './token-server.ts';

const children: { name: string; child: ChildProcess }[] = [];
const servers: TokenServer[] = [];
let workDir: string | undefined;

const log = (line: string): void => {
  process.stdout.write(`[oci-artifact integration] ${line}\n`);
};

/** A peer binary: the repository's test peers (scripts/test-peers.sh), then PATH. */
export const findBinary: (name: string) => string | null = findPeer;

const installHint = 'install it with `sh scripts/test-peers.sh`, as root for apt packages';

export async function setup(project: TestProject): Promise<void> {
  removeStaleWorkDirs();
  workDir = mkdtempSync(join(tmpdir(), WORK_DIR_PREFIX));
  writeFileSync(join(workDir, 'owner.pid'), String(process.pid));
  process.once('exit', killChildrenNow);
  const ci = process.env.CI === 'true';
  const registry = findBinary('docker-registry');
  const plain = await guard('plain', () => startPlain(registry));
  const auth = await guard('auth', () => startAuth(registry));
  const olareg = await guard('olareg', () => startOlareg(findBinary('olareg')));
  const token = await guard('token', () => startToken(registry));
  const orasBin = findBinary('oras');
  const oras: Peer<string> = orasBin
    ? { ok: true, value: orasBin }
    : { ok: false, reason: `oras not installed (${installHint}; needs go >= 1.25.7)` };

  const peers: TestPeers = { registries: { plain, auth, olareg, token }, oras, workDir };
  for (const [name, peer] of Object.entries({ plain, auth, olareg, token, oras })) {
    if (peer.ok) {
      log(
        `${name}: ${typeof peer.value === 'string' ? peer.value : `${peer.value.url} (pid ${pidOf(name)})`}`,
      );
    } else {
      log(`SKIP ${name} tests: ${peer.reason}`);
    }
  }
  if (ci && (!plain.ok || !auth.ok || !token.ok)) {
    await teardown();
    const reason = [plain, auth, token].flatMap((p) => (p.ok ? [] : [p.reason])).join('; ');
    throw new Error(`CI=true but docker-registry tests cannot run (it is always installable): ${reason}`);
  }
  project.provide('nfdTestPeers', peers);
}

export async function teardown(): Promise<void> {
  process.off('exit', killChildrenNow);
  await Promise.all(children.splice(0).map(({ child }) => stopProcess(child)));
  await Promise.all(servers.splice(0).map((server) => server.close()));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
}

const WORK_DIR_PREFIX = 'nfd-oci-it-';

/** Last resort when vitest exits without teardown: SIGTERM every server still running. */
function killChildrenNow(): void {
  for (const { child } of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}

/** Removes work dirs of earlier runs whose vitest process is gone (killed before its teardown). */
function removeStaleWorkDirs(): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(WORK_DIR_PREFIX)) continue;
    const path = join(tmpdir(), entry);
    try {
      const owner = Number(readFileSync(join(path, 'owner.pid'), 'utf8'));
      if (owner > 0 && isAlive(owner)) continue;
      rmSync(path, { recursive: true, force: true });
    } catch {
      // not ours, or being created right now: leave it
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pidOf(name: string): string {
  return String(children.find((c) => c.name === name)?.child.pid ?? '?');
}

async function guard<E extends RegistryEndpoint>(
  name: string,
  start: () => Promise<E | string>,
): Promise<Peer<E>> {
  try {
    const result = await start();
    return typeof result === 'string' ? { ok: false, reason: result } : { ok: true, value: result };
  } catch (error) {
    return { ok: false, reason: `${name} registry failed to start: ${(error as Error).message}` };
  }
}

function dir(...parts: string[]): string {
  if (!workDir) throw new Error('global setup not initialised');
  const path = join(workDir, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

function registryConfig(root: string, extra: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(root)}`,
    '  delete:',
    '    enabled: true',
    'http:',
    '  addr: 127.0.0.1:0',
    '  secret: nfd-integration-tests',
    extra,
  ].join('\n');
}

async function startPlain(binary: string | null): Promise<RegistryEndpoint | string> {
  if (!binary) return `docker-registry not installed (${installHint})`;
  const base = dir('plain');
  const storageDir = dir('plain', 'data');
  const config = join(base, 'config.yml');
  writeFileSync(config, registryConfig(storageDir, ''));
  const port = await spawnRegistry('plain', binary, config, join(base, 'registry.log'));
  const endpoint: RegistryEndpoint = {
    name: 'plain',
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    plainHttp: true,
    referrersApi: false,
    username: null,
    password: null,
    caFile: null,
    storageDir,
  };
  await waitReady(endpoint);
  return endpoint;
}

async function startAuth(binary: string | null): Promise<RegistryEndpoint | string> {
  if (!binary) return `docker-registry not installed (${installHint})`;
  const openssl = findBinary('openssl');
  const htpasswd = findBinary('htpasswd');
  if (!openssl) return `openssl not installed (${installHint})`;
  if (!htpasswd) return `htpasswd not installed (apt package apache2-utils; ${installHint})`;
  const base = dir('auth');
  const tls = dir('auth', 'tls');
  const storageDir = dir('auth', 'data');
  const run = (file: string, args: string[]): string =>
    execFileSync(file, args, { cwd: tls, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  createTestCertificates(openssl, tls);
  const username = 'nfd';
  const password = randomBytes(12).toString('base64url');
  const htpasswdFile = join(base, 'htpasswd');
  writeFileSync(htpasswdFile, run(htpasswd, ['-Bbn', username, password]));
  const config = join(base, 'config.yml');
  writeFileSync(
    config,
    registryConfig(
      storageDir,
      [
        '  tls:',
        `    certificate: ${JSON.stringify(join(tls, 'server.crt'))}`,
        `    key: ${JSON.stringify(join(tls, 'server.key'))}`,
        'auth:',
        '  htpasswd:',
        '    realm: nfd-test-realm',
        `    path: ${JSON.stringify(htpasswdFile)}`,
      ].join('\n'),
    ),
  );
  const port = await spawnRegistry('auth', binary, config, join(base, 'registry.log'));
  const endpoint: RegistryEndpoint = {
    name: 'auth',
    host: `127.0.0.1:${port}`,
    url: `https://127.0.0.1:${port}`,
    plainHttp: false,
    referrersApi: false,
    username,
    password,
    caFile: join(tls, 'ca.crt'),
    storageDir,
  };
  await waitReady(endpoint);
  return endpoint;
}

async function startToken(binary: string | null): Promise<TokenRegistryEndpoint | string> {
  if (!binary) return `docker-registry not installed (${installHint})`;
  const openssl = findBinary('openssl');
  if (!openssl) return `openssl not installed (${installHint})`;
  const base = dir('token');
  const keys = dir('token', 'keys');
  const storageDir = dir('token', 'data');
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'token.key',
      '-out',
      'token.crt',
      '-days',
      '2',
      '-subj',
      '/CN=nfd-test-token-signer',
    ],
    { cwd: keys, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const service = 'nfd-test-registry';
  const issuer = 'nfd-test-issuer';
  const publicPrefix = 'public/';
  const username = 'nfd';
  const password = randomBytes(12).toString('base64url');
  const readOnly = { username: 'reader', password: randomBytes(12).toString('base64url') };
  const server = await startTokenServer({
    keyFile: join(keys, 'token.key'),
    certFile: join(keys, 'token.crt'),
    service,
    issuer,
    publicPrefix,
    users: {
      [username]: { password, readOnly: false },
      [readOnly.username]: { password: readOnly.password, readOnly: true },
    },
  });
  servers.push(server);
  const realm = `${server.url}/token`;
  const config = join(base, 'config.yml');
  writeFileSync(
    config,
    registryConfig(
      storageDir,
      [
        'auth:',
        '  token:',
        `    realm: ${JSON.stringify(realm)}`,
        `    service: ${JSON.stringify(service)}`,
        `    issuer: ${JSON.stringify(issuer)}`,
        `    rootcertbundle: ${JSON.stringify(join(keys, 'token.crt'))}`,
      ].join('\n'),
    ),
  );
  const port = await spawnRegistry('token', binary, config, join(base, 'registry.log'));
  const endpoint: TokenRegistryEndpoint = {
    name: 'token',
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    plainHttp: true,
    referrersApi: false,
    username,
    password,
    caFile: null,
    storageDir,
    realm,
    service,
    publicPrefix,
    readOnly,
  };
  await waitReady(endpoint);
  return endpoint;
}

async function startOlareg(binary: string | null): Promise<RegistryEndpoint | string> {
  if (!binary) return `olareg not installed (${installHint}; needs go >= 1.25 with the module proxy)`;
  const storageDir = dir('olareg', 'data');
  const { child, port } = await startOlaregPeer(binary, dir('olareg'), storageDir);
  children.push({ name: 'olareg', child });
  return {
    name: 'olareg',
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    plainHttp: true,
    referrersApi: true,
    username: null,
    password: null,
    caFile: null,
    storageDir,
  };
}

/** Starts docker-registry with `addr: 127.0.0.1:0` and returns the port it logs. */
async function spawnRegistry(name: string, binary: string, config: string, logFile: string): Promise<number> {
  const out = openSync(logFile, 'a');
  // Started directly (no shell) so that the PID we kill is the registry's.
  const child = spawn(binary, ['serve', config], { stdio: ['ignore', out, out] });
  closeSync(out);
  children.push({ name, child });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = readFileSync(logFile, 'utf8');
    const match = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
    if (match?.[1]) return Number(match[1]);
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`${binary} did not report its port; log ${logFile}:\n${tailFile(logFile)}`);
}

/** Ready when `GET /v2/` answers 200 (or 401 with auth on). */
async function waitReady(endpoint: RegistryEndpoint, child?: ChildProcess, logFile?: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) break;
    try {
      const res = await registryRequest(endpoint, '/v2/', { anonymous: true });
      await res.body.dump();
      if (res.statusCode === 200 || res.statusCode === 401) return;
      last = `HTTP ${res.statusCode}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${endpoint.url}/v2/ not ready (${last})${logFile ? `; log:\n${tailFile(logFile)}` : ''}`);
}
