import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequestTimeout } from '../src/request-timeout.ts';
import { run } from './host.ts';

// --request-timeout (issue 15): kubectl's flag and syntax on every network command; a stalled
// registry or API server fails after the deadline, naming the host and the phase it stalled in.

const RULE = fileURLToPath(new URL('./fixtures/nodefeaturerule.yaml', import.meta.url));

describe('--request-timeout values (kubectl syntax)', () => {
  it.each([
    ['30s', 30_000],
    ['1m', 60_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['500ms', 500],
    ['2m3.5s', 123_500],
    ['0', 0],
    ['0s', 0],
    ['5', 5000],
    ['+2s', 2000],
    ['10us', 1],
  ])('%s → %d ms', (text, ms) => {
    expect(parseRequestTimeout(text)).toBe(ms);
  });

  it.each(['', 'abc', '1x', '-1s', '-5', '1 s', 's', '1.2.3s'])('rejects %j', (text) => {
    expect(() => parseRequestTimeout(text)).toThrow(/duration|negative/);
  });

  it('a bad value is a usage error before any request (exit 2)', async () => {
    const result = await run([
      'compat',
      'list-specs',
      '--image',
      'reg.example/a:1',
      '--request-timeout',
      'soon',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--request-timeout <duration>' argument 'soon' is invalid");
  });
});

type Mode = 'headers' | 'body';
let server: Server;
let origin = '';
let mode: Mode = 'headers';
const sockets = new Set<Socket>();
const hanging: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hanging.push(res);
    if (mode === 'body' && req.method === 'HEAD') {
      // Nothing usable in HEAD (no manifest type): the client GETs the manifest.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
    } else if (mode === 'body') {
      // A registry manifest (or an API list) whose body stops half-way.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"kind":');
    }
    void req;
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  for (const socket of sockets) socket.destroy();
  server.close();
});

async function timed(args: string[], env: Record<string, string> = {}) {
  const started = Date.now();
  const result = await run(args, { env });
  return { ...result, ms: Date.now() - started };
}

describe('a stalled registry', () => {
  it('no response headers: exit 2 after the deadline, naming host and phase', async () => {
    mode = 'headers';
    const result = await timed([
      'compat',
      'list-specs',
      '--image',
      `${origin}/app:v1`,
      '--plain-http',
      '--request-timeout',
      '1s',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `error: ${origin}: no response headers for 1s (HEAD /v2/app/manifests/v1)`,
    );
    expect(result.stderr).toContain('--request-timeout');
    expect(result.ms).toBeLessThan(5000);
  });

  it('a body that stops: "no response body data for"', async () => {
    mode = 'body';
    const result = await timed([
      'compat',
      'validate-spec',
      '--image',
      `${origin}/app@sha256:${'a'.repeat(64)}`,
      '--plain-http',
      '--request-timeout',
      '1s',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`error: ${origin.replace(/\./g, '\\.')}: no response body data for 1s \\(GET `),
    );
    expect(result.ms).toBeLessThan(5000);
  });
});

describe('a stalled Kubernetes API server', () => {
  let kubeconfig = '';
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'nfd-request-timeout-'));
    kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://${origin}"}}]
users: [{name: u, user: {token: not-printed}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
  });

  it.each([
    ['headers', 'no response headers for 1s'],
    ['body', 'no response body data for 1s'],
  ] as const)('%s: exit 2 after the deadline, naming host and phase', async (stall, phase) => {
    mode = stall;
    const result = await timed(['test', '-f', RULE, '-n', 'node-1', '--request-timeout', '1s'], {
      KUBECONFIG: kubeconfig,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${origin}: ${phase} (to list nodefeatures.nfd.k8s-sigs.io`);
    expect(result.stderr).not.toContain('not-printed');
    expect(result.ms).toBeLessThan(5000);
  });
});

describe('a server that accepts the connection but never says hello (TLS handshake stalls)', () => {
  let silent: NetServer;
  let address = '';
  beforeAll(async () => {
    silent = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(() => silent.close());

  it('registry over HTTPS: "no connection in"', async () => {
    const result = await timed([
      'compat',
      'list-specs',
      '--image',
      `${address}/app:v1`,
      '--request-timeout',
      '1s',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${address}: no connection in 1s (HEAD /v2/app/manifests/v1)`);
    expect(result.ms).toBeLessThan(5000);
  });

  it('API server over HTTPS: "no connection in"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfd-request-timeout-'));
    const config = join(dir, 'config');
    writeFileSync(
      config,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://${address}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: not-printed}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const result = await timed(['test', '-f', RULE, '-n', 'node-1', '--request-timeout', '1s'], {
      KUBECONFIG: config,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `error: ${address}: no connection in 1s (to list nodefeatures.nfd.k8s-sigs.io`,
    );
    expect(result.ms).toBeLessThan(5000);
  });
});
