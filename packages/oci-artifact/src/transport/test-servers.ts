// Test-only helpers: small HTTP(S) servers on 127.0.0.1, a self-signed certificate made with openssl,
// and a fake clock.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Clock } from './types.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

export interface TestServer {
  origin: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface Certificate {
  dir: string;
  certPath: string;
  key: string;
  cert: string;
}

/** Starts a server on 127.0.0.1 (HTTPS when a certificate is given) that records every request. */
export async function startServer(handler: Handler, certificate?: Certificate): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  };
  const server =
    certificate === undefined
      ? http.createServer(listener)
      : https.createServer({ key: certificate.key, cert: certificate.cert }, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `${certificate === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A self-signed certificate for 127.0.0.1/localhost in a fresh temp directory. */
export async function selfSignedCertificate(): Promise<Certificate> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { dir, certPath, key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
}

export function json(
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * A clock that never waits: `sleep` records the requested delay and advances `now` by it at once
 * (or rejects with the signal's reason if the signal has aborted, also from `onSleep`).
 */
export class FakeClock implements Clock {
  #now: number;
  /** Every delay asked of `sleep`, in order. */
  readonly sleeps: number[] = [];
  /** Called as a sleep is entered, before it checks the signal: a test can abort here. */
  onSleep: ((ms: number) => void) | undefined;

  constructor(start: number = Date.parse('2025-01-01T00:00:00Z')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Lets time pass, e.g. past a token's expiry. */
  advance(ms: number): void {
    this.#now += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    this.onSleep?.(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#now += ms;
    return Promise.resolve();
  }
}
