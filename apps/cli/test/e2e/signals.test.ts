import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeer } from '../../../../test/support/peers.ts';
import { skipUnless } from '../../../../test/support/skip.ts';
import { type StartedRegistry, startRegistry } from './registry-peer.ts';

// SIGINT and SIGTERM end every command promptly with 130 and 143 (issue 15); a registry write
// that is interrupted says what it left behind and how to clean it up.

const bin = fileURLToPath(new URL('../../bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Starts the bin, sends `signal` once `ready(stderr, stdout)` says so (or after `afterMs`), and waits. */
function interrupt(
  args: string[],
  signal: NodeJS.Signals,
  when: { afterMs?: number; onRequest?: Promise<void> },
): Promise<Finished> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(bin, args, {
      cwd: repo,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let sent = 0;
    const send = (): void => {
      sent = Date.now();
      child.kill(signal);
    };
    if (when.onRequest !== undefined) void when.onRequest.then(() => setTimeout(send, 200));
    else setTimeout(send, when.afterMs ?? 500);
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code, killedBy) => {
      clearTimeout(guard);
      resolve({ code, signal: killedBy, stdout, stderr, ms: Date.now() - sent });
    });
  });
}

/** An HTTP server that accepts requests and never answers them. */
let silent: Server;
let silentHost = '';
const sockets = new Set<Socket>();
let requested: () => void = () => {};

beforeAll(async () => {
  silent = createServer(() => requested());
  silent.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentHost = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(() => {
  for (const socket of sockets) socket.destroy();
  silent.close();
});

describe('signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during a registry request: exit %d at once, "interrupted"', async (signal, status) => {
    const onRequest = new Promise<void>((resolve) => (requested = resolve));
    const result = await interrupt(
      ['compat', 'list-specs', '--image', `${silentHost}/app:v1`, '--plain-http'],
      signal,
      { onRequest },
    );
    expect(result.signal).toBeNull();
    expect(result.code).toBe(status);
    expect(result.stderr).toBe('error: interrupted\n');
    expect(result.stdout).toBe('');
    expect(result.ms).toBeLessThan(2000);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while a command waits on stdin: exit %d at once', async (signal, status) => {
    const result = await interrupt(['validate', '-f', '-'], signal, { afterMs: 700 });
    expect(result.signal).toBeNull();
    expect(result.code, result.stderr).toBe(status);
    expect(result.ms).toBeLessThan(2000);
  });
});

const missing = missingPeer('docker-registry');

describe('an interrupted attach', skipUnless(missing), () => {
  let registry: StartedRegistry | undefined;
  let proxy: Server | undefined;
  let proxyHost = '';
  let stalledPut: () => void = () => {};

  beforeAll(async () => {
    if (missing !== false) return;
    registry = await startRegistry();
    const upstream = registry.host;
    // Forwards everything to the registry, except the PUT of the referrers fallback tag, which
    // it holds (the registry never sees it).
    proxy = createServer((req, res) => {
      if (req.method === 'PUT' && /\/manifests\/sha256-/.test(req.url ?? '')) {
        stalledPut();
        return;
      }
      const forward = request(
        `http://${upstream}${req.url ?? '/'}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    proxy.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => proxy?.listen(0, '127.0.0.1', resolve));
    proxyHost = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    proxy?.close();
    registry?.stop();
  });

  it('SIGINT after the manifest push: exit 130 naming the pushed artifact and the command that removes it', async () => {
    await registry?.pushImage('signals/app', 'v1');
    const onRequest = new Promise<void>((resolve) => (stalledPut = resolve));
    const result = await interrupt(
      [
        'compat',
        'attach-spec',
        '--image',
        `${proxyHost}/signals/app:v1`,
        '--spec',
        'examples/container-runtime.yaml',
        '--plain-http',
      ],
      'SIGINT',
      { onRequest },
    );
    expect(result.code, result.stderr).toBe(130);
    expect(result.ms).toBeLessThan(3000);
    const pushed =
      /^error: interrupted: the compatibility artifact (sha256:[0-9a-f]{64}) was pushed to /m.exec(
        result.stderr,
      );
    expect(pushed, result.stderr).not.toBeNull();
    const digest = pushed?.[1] ?? '';
    expect(result.stderr).toContain(
      `remove the artifact with: nfd compat remove-spec --image ${proxyHost}/signals/app:v1 --digest ${digest}`,
    );
    // The manifest is on the registry, as the message says.
    const stored = await fetch(`http://${registry?.host}/v2/signals/app/manifests/${digest}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(stored.status).toBe(200);
  });
});
