import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NfdError } from '@nfd/spec';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegistryHttpError } from '../errors.ts';
import {
  basicHeader,
  type Certificate,
  FakeClock,
  type Handler,
  json,
  selfSignedCertificate,
  startServer,
  type TestServer,
} from './test-servers.ts';
import { createRegistryTransport } from './transport.ts';
import type { RegistryRequest, RegistryTransport, TransportOptions } from './types.ts';

const servers: TestServer[] = [];
const transports: RegistryTransport[] = [];

async function serve(handler: Handler, certificate?: Certificate): Promise<TestServer> {
  const server = await startServer(handler, certificate);
  servers.push(server);
  return server;
}

/** A transport on a fake clock unless the test passes its own: retry backoff never waits. */
function transport(origin: string, options: Partial<TransportOptions> = {}): RegistryTransport {
  const created = createRegistryTransport(origin, { retries: 5, clock: new FakeClock(), ...options });
  transports.push(created);
  return created;
}

const noEnv = { env: {}, homeDir: '/nonexistent-home' };

function get(url: string, extra: Partial<RegistryRequest> = {}): RegistryRequest {
  return { method: 'GET', url, repository: 'a/b', actions: ['pull'], ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<NfdError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(NfdError);
    return error as NfdError;
  }
  throw new Error('expected a rejection');
}

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('Basic authentication', () => {
  const handler: Handler = (req, res) => {
    if (req.headers.authorization === basicHeader('alice', 's3cret')) {
      json(res, 200, { ok: true });
      return;
    }
    json(
      res,
      401,
      { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
      {
        'www-authenticate': 'Basic realm="Registry Realm"',
      },
    );
  };

  it('fails clearly without credentials', async () => {
    const server = await serve(handler);
    const error = await rejection(
      transport(server.origin, { credentials: noEnv }).request(get(`${server.origin}/v2/`)),
    );
    expect(error.code).toBe('OCI_UNAUTHORIZED');
    expect(error.message).toContain(`authentication required for 127.0.0.1:${server.port}`);
    expect(error.hint).toContain('--registry-username');
    expect(error.hint).toContain('--registry-password-stdin');
    expect(error.hint).toContain('docker login');
  });

  it('answers the challenge and then sends credentials up front', async () => {
    const server = await serve(handler);
    const t = transport(server.origin, { credentials: { ...noEnv, username: 'alice', password: 's3cret' } });
    const response = await t.request(get(`${server.origin}/v2/`));
    expect(response.status).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({ ok: true });
    await t.request(get(`${server.origin}/v2/a/b/tags/list`));
    expect(server.requests.map((r) => r.headers.authorization === undefined)).toEqual([true, false, false]);
  });

  it('names the credential source, never the secret, when credentials are rejected', async () => {
    const server = await serve(handler);
    const t = transport(server.origin, {
      credentials: { ...noEnv, username: 'alice', password: 'wrong-pass' },
    });
    const error = await rejection(t.request(get(`${server.origin}/v2/`)));
    expect(error.code).toBe('OCI_UNAUTHORIZED');
    expect(error.message).toBe(
      `credentials from --registry-username/--registry-password-stdin were rejected by 127.0.0.1:${server.port}`,
    );
    expect(`${error.message} ${error.hint}`).not.toContain('wrong-pass');
  });
});

interface TokenServerOptions {
  users?: Record<string, string>;
  expiresIn?: number;
  /** Scopes the registry demands per path prefix (for insufficient_scope). */
  requiredActions?: (req: http.IncomingMessage) => string;
}

/** A registry with a token endpoint at /token on the same server. Tokens encode their scopes. */
async function bearerRegistry(
  options: TokenServerOptions = {},
): Promise<{ server: TestServer; tokenRequests: URL[] }> {
  const tokenRequests: URL[] = [];
  let counter = 0;
  const granted = new Map<string, string[]>();
  const server = await serve((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      let scopes = url.searchParams.getAll('scope');
      let user: string | undefined;
      if (req.method === 'POST') {
        const form = new URLSearchParams(body.toString());
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== 'refresh-abc') {
          json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad refresh token' }] });
          return;
        }
        scopes = (form.get('scope') ?? '').split(' ');
        user = 'refresher';
        tokenRequests.push(new URL(`${url.pathname}?${form.toString()}`, 'http://x'));
      } else {
        tokenRequests.push(url);
        const auth = req.headers.authorization;
        if (auth !== undefined) {
          const [name, password] = Buffer.from(auth.replace(/^Basic /, ''), 'base64')
            .toString()
            .split(':');
          if (options.users?.[name ?? ''] !== password) {
            json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
            return;
          }
          user = name;
        }
      }
      const token = `tok-${++counter}`;
      // Anonymous users only ever get pull.
      granted.set(token, user === undefined ? scopes.map((s) => s.replace(/:[a-z,]+$/, ':pull')) : scopes);
      json(res, 200, {
        token,
        ...(options.expiresIn === undefined ? {} : { expires_in: options.expiresIn }),
      });
      return;
    }
    const needed = options.requiredActions?.(req) ?? 'pull';
    const scope = `repository:a/b:${needed}`;
    const challenge = (error?: string): string =>
      `Bearer realm="http://127.0.0.1:${server.port}/token",service="test-registry",scope="${scope}"${error === undefined ? '' : `,error="${error}"`}`;
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') === true ? auth.slice(7) : undefined;
    const scopes = token === undefined ? undefined : granted.get(token);
    if (scopes === undefined) {
      json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        { 'www-authenticate': challenge() },
      );
      return;
    }
    const actions = scopes
      .filter((s) => s.startsWith('repository:a/b:'))
      .flatMap((s) => s.slice(15).split(','));
    if (!needed.split(',').every((a) => actions.includes(a))) {
      json(
        res,
        401,
        { errors: [{ code: 'DENIED', message: 'insufficient scope' }] },
        {
          'www-authenticate': challenge('insufficient_scope'),
        },
      );
      return;
    }
    json(res, 200, { path: url.pathname, scopes });
  });
  return { server, tokenRequests };
}

describe('Bearer token authentication', () => {
  it('gets an anonymous token with service and scope, and caches it', async () => {
    const { server, tokenRequests } = await bearerRegistry();
    const t = transport(server.origin, { credentials: noEnv });
    expect((await t.request(get(`${server.origin}/v2/a/b/manifests/v1`))).status).toBe(200);
    expect((await t.request(get(`${server.origin}/v2/a/b/manifests/v2`))).status).toBe(200);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.searchParams.get('service')).toBe('test-registry');
    expect(tokenRequests[0]?.searchParams.getAll('scope')).toEqual(['repository:a/b:pull']);
    const tokenRequest = server.requests.find((r) => r.path.startsWith('/token'));
    expect(tokenRequest?.headers.authorization).toBeUndefined();
  });

  it('sends basic credentials to the token endpoint and asks for the union of actions', async () => {
    const { server, tokenRequests } = await bearerRegistry({
      users: { bob: 'pw' },
      requiredActions: (req) => (req.method === 'PUT' ? 'pull,push' : 'pull'),
    });
    const t = transport(server.origin, { credentials: { ...noEnv, username: 'bob', password: 'pw' } });
    await t.request(get(`${server.origin}/v2/a/b/manifests/v1`));
    const put = await t.request({
      method: 'PUT',
      url: `${server.origin}/v2/a/b/manifests/v1`,
      repository: 'a/b',
      actions: ['pull', 'push'],
      body: new TextEncoder().encode('{}'),
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      expectedStatus: [200, 201],
    });
    expect(put.status).toBe(200);
    expect(tokenRequests.map((u) => u.searchParams.getAll('scope'))).toEqual([
      ['repository:a/b:pull'],
      ['repository:a/b:pull,push'],
    ]);
    const tokenAuth = server.requests
      .filter((r) => r.path.startsWith('/token'))
      .map((r) => r.headers.authorization);
    expect(tokenAuth).toEqual([basicHeader('bob', 'pw'), basicHeader('bob', 'pw')]);
  });

  it('re-requests a wider token on insufficient_scope', async () => {
    const { server, tokenRequests } = await bearerRegistry({
      users: { bob: 'pw' },
      requiredActions: (req) => (req.method === 'DELETE' ? 'delete,pull' : 'pull'),
    });
    const t = transport(server.origin, { credentials: { ...noEnv, username: 'bob', password: 'pw' } });
    await t.request(get(`${server.origin}/v2/a/b/manifests/v1`));
    // The caller under-declares the actions; the challenge's scope widens the token.
    const response = await t.request({
      method: 'DELETE',
      url: `${server.origin}/v2/a/b/manifests/sha256:00`,
      repository: 'a/b',
      actions: ['pull'],
    });
    expect(response.status).toBe(200);
    expect(tokenRequests.at(-1)?.searchParams.getAll('scope')).toEqual(['repository:a/b:delete,pull']);
  });

  it('fails with a clear message when the wider scope is still refused', async () => {
    const { server } = await bearerRegistry({ requiredActions: () => 'pull,push' });
    const t = transport(server.origin, { credentials: noEnv });
    const error = await rejection(
      t.request({
        method: 'PUT',
        url: `${server.origin}/v2/a/b/manifests/v1`,
        repository: 'a/b',
        actions: ['pull', 'push'],
      }),
    );
    expect(error.code).toBe('OCI_UNAUTHORIZED');
    expect(error.message).toMatch(
      /^authentication required for 127\.0\.0\.1:\d+: anonymous access does not allow/,
    );
  });

  it('rejects wrong credentials at the token endpoint without leaking them', async () => {
    const { server } = await bearerRegistry({ users: { bob: 'pw' } });
    const t = transport(server.origin, { credentials: { ...noEnv, username: 'bob', password: 'hunter2' } });
    const error = await rejection(t.request(get(`${server.origin}/v2/a/b/manifests/v1`)));
    expect(error.code).toBe('OCI_UNAUTHORIZED');
    expect(error.message).toContain(
      `credentials from --registry-username/--registry-password-stdin were rejected by 127.0.0.1:${server.port}`,
    );
    expect(`${error.message} ${error.hint}`).not.toContain('hunter2');
  });

  it('fetches a new token after it expires', async () => {
    const { server, tokenRequests } = await bearerRegistry({ expiresIn: 60 });
    const clock = new FakeClock();
    const t = transport(server.origin, { credentials: noEnv, clock });
    await t.request(get(`${server.origin}/v2/a/b/manifests/v1`));
    // 60 s less the 10 % refresh margin: the token is used for 54 s.
    clock.advance(53_999);
    await t.request(get(`${server.origin}/v2/a/b/manifests/v1`));
    expect(tokenRequests).toHaveLength(1);
    clock.advance(1);
    await t.request(get(`${server.origin}/v2/a/b/manifests/v1`));
    expect(tokenRequests).toHaveLength(2);
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer tok-2');
    expect(clock.sleeps).toEqual([]);
  });

  it('exchanges an identity token with the OAuth2 POST', async () => {
    const { server, tokenRequests } = await bearerRegistry({ requiredActions: () => 'pull' });
    const home = await mkdtemp(join(tmpdir(), 'oci-home-'));
    await mkdir(join(home, '.docker'));
    await writeFile(
      join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { [`127.0.0.1:${server.port}`]: { identitytoken: 'refresh-abc' } } }),
    );
    const t = transport(server.origin, { credentials: { env: {}, homeDir: home } });
    expect((await t.request(get(`${server.origin}/v2/a/b/manifests/v1`))).status).toBe(200);
    const form = tokenRequests[0]?.searchParams;
    expect(form?.get('grant_type')).toBe('refresh_token');
    expect(form?.get('service')).toBe('test-registry');
    expect(form?.get('scope')).toBe('repository:a/b:pull');
    expect(form?.get('client_id')).toBe('nfd-ts');
    await rm(home, { recursive: true, force: true });
  });

  it('sends a user-supplied token directly, without any exchange', async () => {
    const server = await serve((req, res) => {
      if (req.headers.authorization === 'Bearer ready-token') json(res, 200, {});
      else
        json(res, 401, {}, { 'www-authenticate': 'Bearer realm="https://auth.invalid/token",service="x"' });
    });
    const t = transport(server.origin, { credentials: { ...noEnv, token: 'ready-token' } });
    expect((await t.request(get(`${server.origin}/v2/`))).status).toBe(200);
    const wrong = transport(server.origin, { credentials: { ...noEnv, token: 'bad' } });
    const error = await rejection(wrong.request(get(`${server.origin}/v2/`)));
    expect(error.message).toContain('credentials from --registry-token-stdin were rejected');
  });

  it('refuses a plain-HTTP token realm for an HTTPS registry', async () => {
    const certificate = await selfSignedCertificate();
    const server = await serve((_req, res) => {
      json(res, 401, {}, { 'www-authenticate': 'Bearer realm="http://127.0.0.1:1/token",service="x"' });
    }, certificate);
    const t = transport(server.origin, { credentials: noEnv, caFiles: [certificate.certPath] });
    const error = await rejection(t.request(get(`${server.origin}/v2/`)));
    expect(error.code).toBe('OCI_PROTOCOL');
    expect(error.message).toContain('not HTTPS');
  });
});

describe('redirects', () => {
  it('sends Authorization to the registry origin only', async () => {
    const storage = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('blob-bytes');
    });
    const registry = await serve((req, res) => {
      if (req.headers.authorization !== basicHeader('u', 'p')) {
        json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' });
      } else if (req.url === '/v2/a/b/blobs/first') {
        res.writeHead(307, { location: '/v2/a/b/blobs/second' });
        res.end();
      } else {
        res.writeHead(307, { location: `${storage.origin}/bucket/blob?X-Signature=secret` });
        res.end();
      }
    });
    const debug: string[] = [];
    const t = transport(registry.origin, {
      credentials: { ...noEnv, username: 'u', password: 'p' },
      onDebug: (line) => debug.push(line),
    });
    const response = await t.request(get(`${registry.origin}/v2/a/b/blobs/first`));
    expect(new TextDecoder().decode(response.body)).toBe('blob-bytes');
    expect(response.url).toBe(`${storage.origin}/bucket/blob?X-Signature=secret`);
    expect(registry.requests.at(-1)?.headers.authorization).toBe(basicHeader('u', 'p'));
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]?.headers.authorization).toBeUndefined();
    expect(debug.join('\n')).not.toContain('X-Signature=secret');
    expect(debug.join('\n')).not.toContain(basicHeader('u', 'p').slice(6));
  });

  it('stops after 5 redirects', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: '/loop' });
      res.end();
    });
    const error = await rejection(transport(server.origin).request(get(`${server.origin}/v2/`)));
    expect(error.message).toMatch(/too many redirects/);
    expect(server.requests).toHaveLength(6);
  });
});

describe('retries', () => {
  it('retries 503 for GET', async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls++;
      if (calls < 3) json(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'busy' }] });
      else json(res, 200, { ok: true });
    });
    const clock = new FakeClock();
    expect((await transport(server.origin, { clock }).request(get(`${server.origin}/v2/`))).status).toBe(200);
    expect(calls).toBe(3);
    // Two backoffs: 250 ms and 500 ms, each ±10 %.
    expect(clock.sleeps.map((ms) => Math.round(ms / 250))).toEqual([1, 2]);
  });

  it('retries a reset connection', async () => {
    let calls = 0;
    const server = await serve((req, res) => {
      calls++;
      if (calls === 1) req.socket.destroy();
      else json(res, 200, {});
    });
    expect(
      (await transport(server.origin).request(get(`${server.origin}/v2/`, { method: 'HEAD' }))).status,
    ).toBe(200);
    expect(calls).toBe(2);
  });

  it('waits for Retry-After on 429', async () => {
    const clock = new FakeClock();
    const started = clock.now();
    // When (on the fake clock) each request arrived.
    const arrivals: number[] = [];
    const server = await serve((_req, res) => {
      arrivals.push(clock.now() - started);
      if (arrivals.length === 1)
        json(
          res,
          429,
          { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] },
          { 'retry-after': '1' },
        );
      else json(res, 200, {});
    });
    const debug: string[] = [];
    await transport(server.origin, { clock, onDebug: (line) => debug.push(line) }).request(
      get(`${server.origin}/v2/`),
    );
    // Retry-After (1 s), not the ~250 ms backoff; the second request only after that wait.
    expect(clock.sleeps).toEqual([1000]);
    expect(arrivals).toEqual([0, 1000]);
    // Durations come from the clock too.
    expect(debug).toEqual([
      `GET ${server.origin}/v2/ → 429 (0 ms)`,
      'retrying GET /v2/ in 1000 ms after 429',
      `GET ${server.origin}/v2/ → 200 (0 ms)`,
    ]);
  });

  it('takes an HTTP-date Retry-After relative to the clock', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const server = await serve((_req, res) => {
      calls++;
      if (calls === 1) json(res, 503, {}, { 'retry-after': new Date(clock.now() + 5000).toUTCString() });
      else json(res, 200, {});
    });
    await transport(server.origin, { clock }).request(get(`${server.origin}/v2/`));
    expect(clock.sleeps).toEqual([5000]);
    expect(calls).toBe(2);
  });

  it('does not retry POST', async () => {
    const server = await serve((_req, res) =>
      json(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'down' }] }),
    );
    const error = await rejection(
      transport(server.origin).request({
        method: 'POST',
        url: `${server.origin}/v2/a/b/blobs/uploads/`,
        repository: 'a/b',
        actions: ['pull', 'push'],
        expectedStatus: [202],
      }),
    );
    expect(error.code).toBe('OCI_PROTOCOL');
    expect(error.message).toContain('503');
    expect(error.message).toContain('UNAVAILABLE: down');
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after the configured number of retries', async () => {
    const server = await serve((_req, res) => json(res, 500, {}));
    const error = await rejection(
      transport(server.origin, { retries: 2 }).request(get(`${server.origin}/v2/`)),
    );
    expect(error).toBeInstanceOf(RegistryHttpError);
    expect((error as RegistryHttpError).status).toBe(500);
    expect(server.requests).toHaveLength(3);
  });

  it('stops waiting when the signal aborts', async () => {
    const server = await serve((_req, res) => json(res, 503, {}, { 'retry-after': '20' }));
    const controller = new AbortController();
    const reason = new Error('cancelled by test');
    const clock = new FakeClock();
    // Abort while the transport waits out the Retry-After.
    clock.onSleep = () => controller.abort(reason);
    const pending = transport(server.origin, { signal: controller.signal, clock }).request(
      get(`${server.origin}/v2/`),
    );
    await expect(pending).rejects.toBe(reason);
    expect(clock.sleeps).toEqual([20_000]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('limits and errors', () => {
  it('times out a request that gets no headers, once: the deadline is the longest wait', async () => {
    const server = await serve(() => {
      // never answers
    });
    const clock = new FakeClock();
    const started = Date.now();
    const error = await rejection(
      transport(server.origin, { timeoutMs: 300, clock }).request(get(`${server.origin}/v2/`)),
    );
    expect(error.code).toBe('OCI_PROTOCOL');
    expect(error.message).toBe(`${new URL(server.origin).host}: no response headers for 300ms (GET /v2/)`);
    expect(error.hint).toContain('--request-timeout');
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toHaveLength(0);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out a body that stalls, naming the phase and the host', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"half":');
      // and nothing more
    });
    const started = Date.now();
    const error = await rejection(
      transport(server.origin, { timeoutMs: 400 }).request(get(`${server.origin}/v2/x/manifests/a`)),
    );
    expect(error.message).toBe(
      `${new URL(server.origin).host}: no response body data for 400ms (GET /v2/x/manifests/a)`,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('waits without limit when the timeout is 0', async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => res.end('{}'), 1200);
    });
    const response = await transport(server.origin, { timeoutMs: 0 }).request(get(`${server.origin}/v2/`));
    expect(response.status).toBe(200);
  });

  it('caps the response body', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write('x'.repeat(50));
        res.end('y'.repeat(50));
      } else {
        res.writeHead(200, { 'content-length': '100' });
        res.end('z'.repeat(100));
      }
    });
    const t = transport(server.origin);
    expect((await rejection(t.request(get(`${server.origin}/sized`, { maxBytes: 10 })))).message).toMatch(
      /larger than the 10-byte limit/,
    );
    expect((await rejection(t.request(get(`${server.origin}/chunked`, { maxBytes: 60 })))).message).toMatch(
      /60-byte limit/,
    );
    expect((await t.request(get(`${server.origin}/chunked`, { maxBytes: 100 }))).body.byteLength).toBe(100);
  });

  it('maps 404 to OCI_NOT_FOUND with the registry error code', async () => {
    const server = await serve((_req, res) =>
      json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: 'v9' }] }),
    );
    const error = await rejection(
      transport(server.origin).request(get(`${server.origin}/v2/a/b/manifests/v9`)),
    );
    expect(error.code).toBe('OCI_NOT_FOUND');
    expect(error).toBeInstanceOf(RegistryHttpError);
    expect((error as RegistryHttpError).hasCode('MANIFEST_UNKNOWN')).toBe(true);
    expect(error.message).toContain('/v2/a/b/manifests/v9');
    expect(error.message).toContain('MANIFEST_UNKNOWN: manifest unknown (v9)');
    const response = await transport(server.origin).request(
      get(`${server.origin}/v2/x`, { expectedStatus: [200, 404] }),
    );
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json');
  });

  it('passes Warning headers to onWarning once each', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, [
        ['warning', '299 - "this repository is deprecated"'],
        ['warning', '299 - "second, with comma"'],
      ] as unknown as http.OutgoingHttpHeaders);
      res.end();
    });
    const warnings: string[] = [];
    const t = transport(server.origin, { onWarning: (m) => warnings.push(m) });
    await t.request(get(`${server.origin}/v2/`));
    await t.request(get(`${server.origin}/v2/`));
    expect(warnings).toEqual([
      `127.0.0.1:${server.port}: this repository is deprecated`,
      `127.0.0.1:${server.port}: second, with comma`,
    ]);
  });

  it('suggests dropping --plain-http when an HTTPS server gets plain HTTP', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Client sent an HTTP request to an HTTPS server.\n');
    });
    const error = await rejection(
      transport(server.origin, { plainHttp: true }).request(get(`${server.origin}/v2/`)),
    );
    expect(error.hint).toBe('drop --plain-http');
  });
});

describe('TLS', () => {
  let certificate: Certificate;
  beforeAll(async () => {
    certificate = await selfSignedCertificate();
  });
  afterAll(async () => {
    await rm(certificate.dir, { recursive: true, force: true });
  });

  it('rejects an unknown CA and accepts it with --ca-file', async () => {
    const server = await serve((_req, res) => json(res, 200, {}), certificate);
    const error = await rejection(transport(server.origin).request(get(`${server.origin}/v2/`)));
    expect(error.code).toBe('OCI_PROTOCOL');
    expect(error.hint).toContain('--ca-file');
    // The certificate problem in words, without Node.js's advice about its own flags.
    expect(error.message).toMatch(/^TLS certificate of 127\.0\.0\.1:\d+ was not accepted: [\w -]+$/);
    const ok = await transport(server.origin, { caFiles: [certificate.certPath] }).request(
      get(`${server.origin}/v2/`),
    );
    expect(ok.status).toBe(200);
  });

  it('reports an unreadable CA file', async () => {
    const error = await rejection(
      transport('https://127.0.0.1:1', { caFiles: ['/nonexistent/ca.pem'] }).request(
        get('https://127.0.0.1:1/v2/'),
      ),
    );
    expect(error.code).toBe('FILE_UNREADABLE');
  });

  it('skips verification with --insecure and warns', async () => {
    const server = await serve((_req, res) => json(res, 200, {}), certificate);
    const warnings: string[] = [];
    const t = transport(server.origin, { insecure: true, onWarning: (m) => warnings.push(m) });
    expect((await t.request(get(`${server.origin}/v2/`))).status).toBe(200);
    await t.request(get(`${server.origin}/v2/`));
    expect(warnings).toEqual([`--insecure: TLS certificates of 127.0.0.1:${server.port} are not verified`]);
  });

  it('hints at --plain-http when an HTTPS request reaches a plain-HTTP server', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const https = server.origin.replace('http:', 'https:');
    const error = await rejection(transport(https).request(get(`${https}/v2/`)));
    expect(error.code).toBe('OCI_PROTOCOL');
    expect(error.message).toMatch(/does not seem to speak HTTPS/);
    expect(error.hint).toContain('--plain-http');
  });
});

describe('proxies', () => {
  it('uses HTTP_PROXY from the injected environment and honours NO_PROXY', async () => {
    const proxy = await serve((_req, res) => json(res, 200, { via: 'proxy' }));
    const direct = await serve((_req, res) => json(res, 200, { via: 'direct' }));
    const env = { HTTP_PROXY: proxy.origin, NO_PROXY: 'localhost' };
    const viaProxy = await transport('http://registry.invalid:5000', { env }).request(
      get('http://registry.invalid:5000/v2/'),
    );
    expect(JSON.parse(new TextDecoder().decode(viaProxy.body))).toEqual({ via: 'proxy' });
    expect(proxy.requests[0]?.path).toBe('http://registry.invalid:5000/v2/');
    const bypass = await transport(direct.origin, { env: { ...env, NO_PROXY: '127.0.0.1' } }).request(
      get(`${direct.origin}/v2/`),
    );
    expect(JSON.parse(new TextDecoder().decode(bypass.body))).toEqual({ via: 'direct' });
  });
});

describe('mutual TLS', () => {
  it('presents the client certificate of --cert-file/--key-file, and is refused without it', async () => {
    const serverCertificate = await selfSignedCertificate();
    const clientCertificate = await selfSignedCertificate();
    const server = https.createServer(
      {
        key: serverCertificate.key,
        cert: serverCertificate.cert,
        ca: [clientCertificate.cert],
        requestCert: true,
        rejectUnauthorized: true,
      },
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    const origin = `https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    try {
      const withCert = transport(origin, {
        credentials: noEnv,
        caFiles: [serverCertificate.certPath],
        certFile: clientCertificate.certPath,
        keyFile: join(clientCertificate.dir, 'key.pem'),
        retries: 0,
      });
      expect((await withCert.request(get(`${origin}/v2/`))).status).toBe(200);
      const without = transport(origin, {
        credentials: noEnv,
        caFiles: [serverCertificate.certPath],
        retries: 0,
      });
      await expect(without.request(get(`${origin}/v2/`))).rejects.toThrow();
      const halfway = transport(origin, { credentials: noEnv, certFile: clientCertificate.certPath });
      expect((await rejection(halfway.request(get(`${origin}/v2/`)))).message).toBe(
        'a client certificate needs both --cert-file and --key-file',
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
