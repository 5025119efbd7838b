// The real registries behind the fault proxy, started on 127.0.0.1 with free ports in a temp dir and
// stopped by PID (adapted from packages/oci-artifact/test/setup/global-setup.ts):
//
//   plain   Debian docker-registry 2.8, plain HTTP, deletes enabled: no referrers API (tag fallback)
//   basic   the same with htpasswd Basic auth (user `nfd`, random password), still plain HTTP, so
//           the proxy can read and fault every exchange
//   olareg  olareg, plain HTTP, deletes enabled: the OCI referrers API
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOlareg } from '../../../../test/support/olareg.ts';
import { findPeer, missingPeer } from '../../../../test/support/peers.ts';
import { stopProcess, tailFile } from '../../../../test/support/processes.ts';
import type { RegistryKind } from './schedules.ts';

export interface Registry {
  readonly kind: RegistryKind;
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly referrersApi: boolean;
  readonly username: string | null;
  readonly password: string | null;
  /** `Basic …` for the direct requests of the test, or null. */
  readonly authorization: string | null;
}

/** Why a registry kind cannot run here, or false. */
export function missingRegistry(kind: RegistryKind): string | false {
  if (kind === 'olareg') return missingPeer('olareg');
  if (kind === 'basic')
    return missingPeer('docker-registry') || missingPeer('htpasswd', 'apt package apache2-utils');
  return missingPeer('docker-registry');
}

export class Registries {
  readonly #children: ChildProcess[] = [];
  #dir = '';
  readonly started: Map<RegistryKind, Registry> = new Map();

  /** Starts each available kind; returns the reasons of the missing ones. */
  async start(kinds: readonly RegistryKind[]): Promise<Map<RegistryKind, string>> {
    const missing = new Map<RegistryKind, string>();
    if (this.#dir === '') this.#dir = mkdtempSync(join(tmpdir(), 'nfd-fault-registries-'));
    process.once('exit', this.#killNow);
    for (const kind of kinds) {
      const reason = missingRegistry(kind);
      if (reason !== false) {
        missing.set(kind, reason);
        continue;
      }
      this.started.set(kind, kind === 'olareg' ? await this.#olareg() : await this.#dockerRegistry(kind));
    }
    return missing;
  }

  /** Last resort when the worker exits without afterAll: SIGTERM every registry still running. */
  readonly #killNow = (): void => {
    for (const child of this.#children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  };

  async stop(): Promise<void> {
    process.off('exit', this.#killNow);
    await Promise.all(this.#children.splice(0).map(stopProcess));
    if (this.#dir !== '') rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = '';
  }

  #sub(...parts: string[]): string {
    const path = join(this.#dir, ...parts);
    mkdirSync(path, { recursive: true });
    return path;
  }

  async #dockerRegistry(kind: 'plain' | 'basic'): Promise<Registry> {
    const binary = findPeer('docker-registry') as string;
    const base = this.#sub(kind);
    let username: string | null = null;
    let password: string | null = null;
    let auth = '';
    if (kind === 'basic') {
      username = 'nfd';
      password = `pw-${randomBytes(12).toString('base64url')}`;
      const file = join(base, 'htpasswd');
      writeFileSync(
        file,
        execFileSync(findPeer('htpasswd') as string, ['-Bbn', username, password], { encoding: 'utf8' }),
      );
      auth = ['auth:', '  htpasswd:', '    realm: nfd-fault-realm', `    path: ${JSON.stringify(file)}`].join(
        '\n',
      );
    }
    const config = join(base, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: info',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${JSON.stringify(this.#sub(kind, 'data'))}`,
        '  delete:',
        '    enabled: true',
        'http:',
        '  addr: 127.0.0.1:0',
        '  secret: nfd-fault-tests',
        auth,
      ].join('\n'),
    );
    const logFile = join(base, 'registry.log');
    const out = openSync(logFile, 'a');
    const child = spawn(binary, ['serve', config], { stdio: ['ignore', out, out] });
    closeSync(out);
    this.#children.push(child);
    let port = 0;
    const deadline = Date.now() + 10_000;
    while (port === 0 && Date.now() < deadline) {
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(readFileSync(logFile, 'utf8'));
      if (match?.[1]) port = Number(match[1]);
      else if (child.exitCode !== null) break;
      else await sleep(50);
    }
    if (port === 0) throw new Error(`docker-registry (${kind}) did not start: ${tailFile(logFile)}`);
    const registry: Registry = {
      kind,
      host: `127.0.0.1:${port}`,
      url: `http://127.0.0.1:${port}`,
      referrersApi: false,
      username,
      password,
      authorization:
        username === null ? null : `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    };
    await waitReady(registry.url, logFile);
    return registry;
  }

  async #olareg(): Promise<Registry> {
    const { child, port } = await startOlareg(
      findPeer('olareg') as string,
      this.#sub('olareg'),
      this.#sub('olareg', 'data'),
    );
    this.#children.push(child);
    return {
      kind: 'olareg',
      host: `127.0.0.1:${port}`,
      url: `http://127.0.0.1:${port}`,
      referrersApi: true,
      username: null,
      password: null,
      authorization: null,
    };
  }
}

async function waitReady(url: string, logFile: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url}/v2/ not ready (${last}); log:\n${tailFile(logFile)}`);
}
