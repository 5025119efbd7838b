// A fault-injecting HTTP/1.1 proxy for the fault-schedule suite: it listens on 127.0.0.1:PORT,
// forwards every request to one upstream registry and, for the n-th request on that origin, applies
// what its plan says (./faults.ts): a 5xx or 429 of its own, a reset before or after forwarding, a
// truncated, stalled or mis-sized body, flipped body bytes, or a 307 to the other origin.
//
// The other origin is the same listener reached as `localhost:PORT`: requests arriving with that
// Host are never faulted, are forwarded with the proxy's own credentials (as a pre-signed storage
// URL would work) and must not carry an Authorization header: each one that does is recorded in
// `leaks`. Every exchange is logged (method, path without query, fault, upstream status, digests of
// manifest bodies pushed) so a test can tell what reached the registry.
import { createHash } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describeFault, type Fault } from './faults.ts';

export interface ProxyLogEntry {
  /** Position among the requests on the main origin (the schedule's index); null on the other origin. */
  readonly index: number | null;
  readonly origin: 'main' | 'alternate';
  readonly method: string;
  /** The request path without its query. */
  readonly path: string;
  /** `digest=` of a blob upload request, when present. */
  readonly uploadDigest?: string;
  /** sha256 of the request body of a manifest PUT. */
  readonly manifestDigest?: string;
  /** The fault applied (`describeFault`), or `none`. */
  fault: string;
  /** The registry's status, when the request was forwarded and answered. */
  upstreamStatus?: number;
  readonly authorization: boolean;
}

export interface FaultProxyOptions {
  /** The registry, e.g. `http://127.0.0.1:5000`. */
  readonly upstream: string;
  /** The fault for the `index`-th request on the main origin (0-based), or null for a clean pass. */
  readonly plan?: (index: number, request: { method: string; path: string }) => Fault | null | undefined;
  /** Sent upstream for requests on the other origin (they must arrive without Authorization). */
  readonly alternateAuthorization?: string;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);

const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface Upstream {
  status: number;
  /** The registry's headers without hop-by-hop ones and without Content-Length. */
  headers: [string, string][];
  body: Buffer;
  /** The Content-Length to declare: the body's length, or for HEAD the registry's (the object size). */
  length: number;
}

export class FaultProxy {
  readonly log: ProxyLogEntry[] = [];
  /** One line per request on the other origin that carried an Authorization header. */
  readonly leaks: string[] = [];
  readonly #server: Server;
  readonly #options: FaultProxyOptions;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 8 });
  readonly #stalled = new Set<Socket>();
  readonly #upstream: URL;
  #stickyStall: string | undefined;
  #calm = false;
  #next = 0;
  #port = 0;

  private constructor(options: FaultProxyOptions) {
    this.#options = options;
    this.#upstream = new URL(options.upstream);
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        // A proxy bug must not look like a registry answer: say so loudly in the log and reset.
        const entry = this.log.at(-1);
        if (entry) entry.fault = `${entry.fault} [proxy error: ${(error as Error).message}]`;
        req.socket.destroy();
      });
    });
    this.#server.keepAliveTimeout = 10_000;
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.#port = (proxy.#server.address() as AddressInfo).port;
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** `127.0.0.1:PORT`: the registry part of image references through the proxy. */
  get host(): string {
    return `127.0.0.1:${this.#port}`;
  }

  /** `localhost:PORT`: the other origin that redirects point at. */
  get alternateHost(): string {
    return `localhost:${this.#port}`;
  }

  /** Requests seen on the main origin so far. */
  get requests(): number {
    return this.#next;
  }

  /** No more faults from now on, and every stalled response is cut off (the client sees a closed socket). */
  calm(): void {
    this.#calm = true;
    this.releaseStalls();
  }

  /** Destroys the sockets of stalled responses. */
  releaseStalls(): void {
    for (const socket of this.#stalled) socket.destroy();
    this.#stalled.clear();
  }

  async close(): Promise<void> {
    this.releaseStalls();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#agent.destroy();
  }

  /** The applied schedule, as reports print it: `#3 PUT /v2/r/manifests/sha256:… 503`. */
  describeLog(): string[] {
    return this.log.map((e) => {
      const where =
        e.index === null ? `  ↳ ${e.method} [localhost] ${e.path}` : `#${e.index} ${e.method} ${e.path}`;
      const status = e.upstreamStatus === undefined ? '' : ` → ${e.upstreamStatus}`;
      return `${where}${e.fault === 'none' ? '' : ` !${e.fault}`}${status}`;
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', 'http://proxy.invalid');
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    const alternate = hostHeader === this.alternateHost;
    const authorization = req.headers.authorization !== undefined;
    const manifestPut = method === 'PUT' && /\/manifests\/[^/]+$/.test(target.pathname);
    const uploadDigest = target.searchParams.get('digest') ?? undefined;
    const index = alternate ? null : this.#next++;
    const entry: ProxyLogEntry = {
      index,
      origin: alternate ? 'alternate' : 'main',
      method,
      path: target.pathname,
      ...(uploadDigest === undefined ? {} : { uploadDigest }),
      ...(manifestPut ? { manifestDigest: sha256(body) } : {}),
      fault: 'none',
      authorization,
    };
    this.log.push(entry);
    if (alternate && authorization) {
      this.leaks.push(
        `${method} ${target.pathname} on ${this.alternateHost} carried an Authorization header`,
      );
    }

    let fault: Fault | null = null;
    if (!alternate && !this.#calm) {
      const key = `${method} ${target.pathname}`;
      fault =
        this.#stickyStall === key
          ? { kind: 'stall', cut: 0.5, sticky: true }
          : (this.#options.plan?.(index ?? 0, { method, path: target.pathname }) ?? null);
      if (fault?.kind === 'stall' && fault.sticky) this.#stickyStall = key;
    }
    if (fault !== null) entry.fault = describeFault(fault);

    switch (fault?.kind) {
      case 'status': {
        const headers: OutgoingHttpHeaders = { 'content-type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        res.writeHead(fault.status, headers);
        res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
        return;
      }
      case 'throttle':
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfter) });
        res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'injected fault' }] }));
        return;
      case 'reset-request':
        req.socket.resetAndDestroy();
        return;
      case 'redirect':
        res.writeHead(307, {
          location: `http://${this.alternateHost}${req.url ?? '/'}`,
          'content-length': '0',
        });
        res.end();
        return;
      default:
        break;
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (HOP_BY_HOP.has(name) || value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    if (alternate) {
      delete headers.authorization;
      if (this.#options.alternateAuthorization !== undefined) {
        headers.authorization = this.#options.alternateAuthorization;
      }
    }
    if (body.length > 0 || !['GET', 'HEAD', 'DELETE'].includes(method)) {
      headers['content-length'] = String(body.length);
    }
    let upstream: Upstream;
    try {
      upstream = await this.#forward(method, req.url ?? '/', headers, body);
    } catch (error) {
      entry.fault = `${entry.fault} [upstream unreachable: ${(error as Error).message}]`;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('fault proxy: upstream unreachable');
      return;
    }
    entry.upstreamStatus = upstream.status;
    const head = method === 'HEAD';
    const socket = req.socket;

    switch (fault?.kind) {
      case 'reset-response':
        socket.resetAndDestroy();
        return;
      case 'flip': {
        const flipped = Buffer.from(upstream.body);
        if (flipped.length === 0) entry.fault = `${entry.fault} [no body: clean]`;
        for (const { at, mask } of fault.flips) {
          if (flipped.length === 0) break;
          const i = Math.min(flipped.length - 1, Math.floor(at * flipped.length));
          flipped[i] = (flipped[i] ?? 0) ^ mask;
        }
        this.#reply(res, upstream, flipped, head);
        return;
      }
      case 'content-length': {
        const declared = Math.max(0, upstream.length + fault.delta);
        if (declared === upstream.length) {
          entry.fault = `${entry.fault} [no change possible: clean]`;
          this.#reply(res, upstream, upstream.body, head);
          return;
        }
        if (head) {
          // A HEAD has no body: the wrong Content-Length is the whole fault.
          this.#reply(res, { ...upstream, length: declared }, upstream.body, head);
          return;
        }
        socket.write(Buffer.concat([rawHead(upstream, declared), upstream.body]), () => socket.end());
        return;
      }
      case 'reset-body':
      case 'truncate':
      case 'stall': {
        const headBytes = rawHead(upstream, upstream.length);
        let bytes: Buffer;
        if (!head && upstream.body.length > 0) {
          const cut = Math.min(upstream.body.length - 1, Math.floor(fault.cut * upstream.body.length));
          bytes = Buffer.concat([headBytes, upstream.body.subarray(0, cut)]);
        } else {
          // No body to cut (HEAD, empty answers): cut inside the header block instead.
          const cut = Math.max(12, Math.min(headBytes.length - 4, Math.floor(fault.cut * headBytes.length)));
          bytes = headBytes.subarray(0, cut);
        }
        if (fault.kind === 'stall') {
          this.#stalled.add(socket);
          socket.once('close', () => this.#stalled.delete(socket));
          socket.write(bytes);
          if (this.#calm) socket.destroy();
          return;
        }
        socket.write(bytes, () => {
          if (fault.kind === 'truncate') socket.end();
          else socket.resetAndDestroy();
        });
        return;
      }
      default:
        this.#reply(res, upstream, upstream.body, head);
    }
  }

  #reply(res: ServerResponse, upstream: Upstream, body: Buffer, head: boolean): void {
    const headers: string[] = [];
    for (const [name, value] of upstream.headers) headers.push(name, value);
    headers.push('content-length', String(head ? upstream.length : body.length));
    res.writeHead(upstream.status, headers);
    res.end(head ? undefined : body);
  }

  #forward(method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: this.#upstream.hostname,
          port: this.#upstream.port,
          method,
          path,
          headers,
          agent: this.#agent,
        },
        (res) => {
          readAll(res).then((data) => {
            const pairs: [string, string][] = [];
            const raw = res.rawHeaders;
            for (let i = 0; i + 1 < raw.length; i += 2) {
              const name = raw[i] ?? '';
              if (!HOP_BY_HOP.has(name.toLowerCase())) pairs.push([name, raw[i + 1] ?? '']);
            }
            const declared = res.headers['content-length'];
            const length =
              method === 'HEAD' && declared !== undefined && /^\d+$/.test(declared)
                ? Number(declared)
                : data.length;
            resolve({ status: res.statusCode ?? 502, headers: pairs, body: data, length });
          }, reject);
        },
      );
      req.once('error', reject);
      req.end(body.length > 0 ? body : undefined);
    });
  }
}

/** Status line and headers of `upstream` with `contentLength`, as bytes. */
function rawHead(upstream: Upstream, contentLength: number): Buffer {
  const lines = [`HTTP/1.1 ${upstream.status} ${STATUS_CODES[upstream.status] ?? 'Unknown'}`];
  for (const [name, value] of upstream.headers) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${contentLength}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
