// Access to the peers started by test/setup/global-setup.ts, with skip reasons for the missing ones.
import { inject } from 'vitest';
import type { RegistryEndpoint, RegistryName, TestPeers } from '../setup/context.ts';

const noSetup = 'the integration global setup did not run (run vitest from packages/oci-artifact)';

export function testPeers(): TestPeers | null {
  return inject('nfdTestPeers') ?? null;
}

export interface RegistryCase {
  readonly name: RegistryName;
  /** Null when skipped; tests must then not run (use `skip`). */
  readonly endpoint: RegistryEndpoint | null;
  /** The reason the registry is unavailable, or false. */
  readonly skip: string | false;
  /** The describe title (the reason of a skip travels in `skip`, see skipUnless). */
  readonly title: string;
}

export const REGISTRY_NAMES: readonly RegistryName[] = ['plain', 'auth', 'olareg'];

export function registryCase(name: RegistryName): RegistryCase {
  const peer = testPeers()?.registries[name];
  const label = {
    plain: 'docker-registry (plain HTTP)',
    auth: 'docker-registry (Basic auth + TLS)',
    olareg: 'olareg (referrers API)',
  }[name];
  if (!peer) return { name, endpoint: null, skip: noSetup, title: label };
  if (!peer.ok) return { name, endpoint: null, skip: peer.reason, title: label };
  return { name, endpoint: peer.value, skip: false, title: label };
}

export function orasCase(): { path: string | null; skip: string | false; workDir: string | null } {
  const peers = testPeers();
  if (!peers) return { path: null, skip: noSetup, workDir: null };
  if (!peers.oras.ok) return { path: null, skip: peers.oras.reason, workDir: peers.workDir };
  return { path: peers.oras.value, skip: false, workDir: peers.workDir };
}

/** The endpoint of a case that is known to be available (inside a skipIf-guarded test). */
export function must(c: RegistryCase): RegistryEndpoint {
  if (!c.endpoint) throw new Error(`${c.name}: ${c.skip}`);
  return c.endpoint;
}
