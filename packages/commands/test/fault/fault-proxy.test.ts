// The fault proxy itself: each fault does what it says, observed on the wire with a raw socket client
// in front of a small upstream server that counts what reaches it.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy.ts';
import type { Fault } from './faults.ts';
import { prng, scheduleFor, scheduleSeeds } from './schedules.ts';

const BODY = Buffer.from(Array.from({ length: 1000 }, (_, i) => 65 + (i % 26)));
const digest = (bytes: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let upstream: Server;
let upstreamUrl = '';
const hits: { method: string; path: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  upstream = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
      if (req.url?.startsWith('/blob')) {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(BODY.length),
          'docker-content-digest': digest(BODY),
        });
        res.end(req.method === 'HEAD' ? undefined : BODY);
      } else if (req.url?.startsWith('/empty')) {
        res.writeHead(202, { location: '/next', 'content-length': '0' });
        res.end();
      } else {
        const body = Buffer.concat(chunks);
        res.writeHead(201, { 'docker-content-digest': digest(body) });
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const proxies: FaultProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  hits.length = 0;
});

/** A proxy whose every request on the main origin gets `faults[index]`. */
async function proxyWith(faults: (Fault | null)[], alternateAuthorization?: string): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({
    upstream: upstreamUrl,
    plan: (index) => faults[index] ?? null,
    ...(alternateAuthorization === undefined ? {} : { alternateAuthorization }),
  });
  proxies.push(proxy);
  return proxy;
}

interface Exchange {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Raw bytes received. */
  raw: Buffer;
  /** How the connection ended: FIN, RST, or still open after `waitMs`. */
  ending: 'fin' | 'reset' | 'open';
  /** Becomes true when the socket closes (for stalls released later). */
  closed: Promise<void>;
}

/** One request over a raw socket; waits for the connection to end (or `waitMs` for stalls). */
function exchange(
  port: number,
  method: string,
  path: string,
  options: { host?: string; headers?: Record<string, string>; body?: string; waitMs?: number } = {},
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    let closedResolve: () => void = () => {};
    const closed = new Promise<void>((r) => {
      closedResolve = r;
    });
    const finish = (ending: Exchange['ending']): void => {
      if (settled) return;
      settled = true;
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      const head = (split < 0 ? raw : raw.subarray(0, split)).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0),
        headers,
        body: split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4),
        raw,
        ending,
        closed,
      });
    };
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish('fin'));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') finish('reset');
    });
    socket.on('close', () => {
      finish('fin');
      closedResolve();
    });
    if (options.waitMs !== undefined) setTimeout(() => finish('open'), options.waitMs);
    const body = options.body ?? '';
    const headers = {
      host: options.host ?? `127.0.0.1:${port}`,
      connection: 'close',
      ...(body === '' ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      ...options.headers,
    };
    socket.write(
      `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n')}\r\n\r\n${body}`,
    );
    if (options.waitMs !== undefined) socket.once('close', () => closedResolve());
  });
}

describe('fault proxy', () => {
  it('passes a request through unchanged without a fault', async () => {
    const proxy = await proxyWith([]);
    const got = await exchange(proxy.port, 'GET', '/blob');
    expect(got.status).toBe(200);
    expect(got.body.equals(BODY)).toBe(true);
    expect(got.headers['content-length']).toBe('1000');
    expect(got.headers['docker-content-digest']).toBe(digest(BODY));
    const head = await exchange(proxy.port, 'HEAD', '/blob');
    expect(head.headers['content-length']).toBe('1000');
    expect(head.body.length).toBe(0);
    expect(hits.map((h) => h.method)).toEqual(['GET', 'HEAD']);
    expect(proxy.log.map((e) => [e.index, e.fault, e.upstreamStatus])).toEqual([
      [0, 'none', 200],
      [1, 'none', 200],
    ]);
  });

  it('answers 5xx (with Retry-After when asked) and 429 itself, without reaching the registry', async () => {
    const proxy = await proxyWith([
      { kind: 'status', status: 503, retryAfter: 1 },
      { kind: 'status', status: 502 },
      { kind: 'throttle', retryAfter: 0 },
    ]);
    const a = await exchange(proxy.port, 'GET', '/blob');
    const b = await exchange(proxy.port, 'GET', '/blob');
    const c = await exchange(proxy.port, 'GET', '/blob');
    expect([a.status, a.headers['retry-after']]).toEqual([503, '1']);
    expect([b.status, b.headers['retry-after']]).toEqual([502, undefined]);
    expect([c.status, c.headers['retry-after']]).toEqual([429, '0']);
    expect(hits).toEqual([]);
  });

  it('resets before forwarding (the registry never sees it) or after (it acted, no answer)', async () => {
    const proxy = await proxyWith([{ kind: 'reset-request' }, { kind: 'reset-response' }]);
    const before = await exchange(proxy.port, 'PUT', '/v2/r/manifests/a', { body: '{"a":1}' });
    expect([before.ending, before.raw.length, hits.length]).toEqual(['reset', 0, 0]);
    const after = await exchange(proxy.port, 'PUT', '/v2/r/manifests/b', { body: '{"b":2}' });
    expect([after.ending, after.raw.length]).toEqual(['reset', 0]);
    expect(hits.map((h) => h.path)).toEqual(['/v2/r/manifests/b']);
    expect(proxy.log.map((e) => e.manifestDigest)).toEqual([digest('{"a":1}'), digest('{"b":2}')]);
  });

  it('cuts the body: a reset after the headers, or a clean close (truncation)', async () => {
    const proxy = await proxyWith([
      { kind: 'reset-body', cut: 0.5 },
      { kind: 'truncate', cut: 0.25 },
    ]);
    const reset = await exchange(proxy.port, 'GET', '/blob');
    expect([reset.status, reset.headers['content-length'], reset.body.length, reset.ending]).toEqual([
      200,
      '1000',
      500,
      'reset',
    ]);
    const truncated = await exchange(proxy.port, 'GET', '/blob');
    expect([
      truncated.status,
      truncated.headers['content-length'],
      truncated.body.length,
      truncated.ending,
    ]).toEqual([200, '1000', 250, 'fin']);
    expect(truncated.body.equals(BODY.subarray(0, 250))).toBe(true);
  });

  it('cuts inside the header block when there is no body (HEAD, empty answers)', async () => {
    const proxy = await proxyWith([{ kind: 'truncate', cut: 0.5 }]);
    const head = await exchange(proxy.port, 'HEAD', '/blob');
    expect(head.ending).toBe('fin');
    expect(head.raw.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
    expect(head.raw.includes('\r\n\r\n')).toBe(false);
  });

  it('stalls mid-body until released; a sticky stall catches the retry of the same request', async () => {
    const proxy = await proxyWith([{ kind: 'stall', cut: 0.5, sticky: false }]);
    const stalled = await exchange(proxy.port, 'GET', '/blob', { waitMs: 300 });
    expect([stalled.ending, stalled.headers['content-length'], stalled.body.length]).toEqual([
      'open',
      '1000',
      500,
    ]);
    proxy.releaseStalls();
    await stalled.closed;
    const next = await exchange(proxy.port, 'GET', '/blob');
    expect(next.body.length).toBe(1000);

    const sticky = await proxyWith([{ kind: 'stall', cut: 0.1, sticky: true }]);
    const first = await exchange(sticky.port, 'GET', '/blob', { waitMs: 200 });
    const again = await exchange(sticky.port, 'GET', '/blob', { waitMs: 200 });
    const other = await exchange(sticky.port, 'HEAD', '/blob');
    expect([first.ending, again.ending, other.ending, other.status]).toEqual(['open', 'open', 'fin', 200]);
    sticky.calm();
    await Promise.all([first.closed, again.closed]);
    const calm = await exchange(sticky.port, 'GET', '/blob');
    expect(calm.body.length).toBe(1000);
  });

  it('declares a wrong Content-Length and sends the true body (GET), or only the header (HEAD)', async () => {
    const proxy = await proxyWith([
      { kind: 'content-length', delta: 7 },
      { kind: 'content-length', delta: -7 },
      { kind: 'content-length', delta: 3 },
    ]);
    const longer = await exchange(proxy.port, 'GET', '/blob');
    expect([longer.headers['content-length'], longer.body.length, longer.ending]).toEqual([
      '1007',
      1000,
      'fin',
    ]);
    const shorter = await exchange(proxy.port, 'GET', '/blob');
    expect([shorter.headers['content-length'], shorter.body.length]).toEqual(['993', 1000]);
    const head = await exchange(proxy.port, 'HEAD', '/blob');
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '1003', 0]);
  });

  it('flips exactly the planned bytes and keeps the length', async () => {
    const proxy = await proxyWith([
      {
        kind: 'flip',
        flips: [
          { at: 0.1, mask: 0x01 },
          { at: 0.5, mask: 0x20 },
        ],
      },
    ]);
    const got = await exchange(proxy.port, 'GET', '/blob');
    expect(got.headers['content-length']).toBe('1000');
    const differing = [...got.body.keys()].filter((i) => got.body[i] !== BODY[i]);
    expect(differing).toEqual([100, 500]);
    expect((got.body[100] ?? 0) ^ (BODY[100] ?? 0)).toBe(0x01);
  });

  it('redirects to the other origin, which forwards with its own credentials and records Authorization leaks', async () => {
    const proxy = await proxyWith([{ kind: 'redirect' }, { kind: 'redirect' }], 'Basic c3RvcmFnZQ==');
    const redirect = await exchange(proxy.port, 'GET', '/blob?x=1', {
      headers: { authorization: 'Basic c2VjcmV0' },
    });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toBe(`http://localhost:${proxy.port}/blob?x=1`);
    expect(hits).toEqual([]);
    // A client that drops Authorization on the other origin: no leak, the storage credentials upstream.
    const clean = await exchange(proxy.port, 'GET', '/blob?x=1', { host: proxy.alternateHost });
    expect(clean.body.equals(BODY)).toBe(true);
    expect(proxy.leaks).toEqual([]);
    // A client that keeps it: recorded; the registry still never sees the client's own credentials there.
    await exchange(proxy.port, 'GET', '/blob?x=1', {
      host: proxy.alternateHost,
      headers: { authorization: 'Basic c2VjcmV0' },
    });
    expect(proxy.leaks).toHaveLength(1);
    expect(hits.map((h) => h.authorization)).toEqual(['Basic c3RvcmFnZQ==', 'Basic c3RvcmFnZQ==']);
    // Requests on the other origin are never faulted and do not use up the schedule.
    expect(proxy.log.map((e) => [e.index, e.origin])).toEqual([
      [0, 'main'],
      [null, 'alternate'],
      [null, 'alternate'],
    ]);
    const second = await exchange(proxy.port, 'GET', '/blob');
    expect(second.status).toBe(307);
  });

  it('logs upload digests and passes empty answers', async () => {
    const proxy = await proxyWith([{ kind: 'flip', flips: [{ at: 0.5, mask: 1 }] }]);
    const got = await exchange(proxy.port, 'PUT', `/empty?digest=${digest('x')}`, { body: 'x' });
    expect([got.status, got.headers.location]).toEqual([202, '/next']);
    expect(proxy.log[0]?.uploadDigest).toBe(digest('x'));
    expect(proxy.log[0]?.fault).toContain('no body: clean');
  });
});

describe('fault schedules', () => {
  it('are a pure function of the seed, cover every command × registry, and always fault', () => {
    const seeds = scheduleSeeds(15, 216, 12);
    expect(new Set(seeds).size).toBe(seeds.length);
    const schedules = seeds.map(scheduleFor);
    expect(schedules.map((s) => scheduleFor(s.seed))).toEqual(schedules);
    const combos = new Map<string, number>();
    for (const s of schedules.filter((x) => x.group === 'main')) {
      combos.set(`${s.op}/${s.registry}`, (combos.get(`${s.op}/${s.registry}`) ?? 0) + 1);
    }
    expect(combos.size).toBe(12);
    expect([...combos.values()].every((n) => n === 18)).toBe(true);
    const stalled = schedules.filter((s) => s.group === 'stall');
    expect(stalled).toHaveLength(12);
    expect(new Set(stalled.map((s) => `${s.op}/${s.registry}`)).size).toBe(12);
    expect(stalled.filter((s) => s.shortTimeout)).toHaveLength(6);
    expect(schedules.filter((s) => s.group === 'main' && s.shortTimeout)).toEqual([]);
    for (const s of schedules) expect(s.faults.some((f) => f !== null)).toBe(true);
    for (const s of schedules.filter((x) => x.group === 'stall')) {
      expect(s.faults.some((f) => f?.kind === 'stall')).toBe(true);
    }
    const random = prng(1);
    expect(random()).not.toBe(prng(2)());
  });
});
