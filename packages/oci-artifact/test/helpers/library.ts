// Opening the library under test on a test registry: transport + RegistryTarget for one repository.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createRegistryTransport,
  parseImageReference,
  type ReferrersMode,
  RegistryTarget,
  type RegistryTransport,
  registryEndpoint,
} from '../../src/index.ts';
import type { RegistryEndpoint } from '../setup/context.ts';
import { testPeers } from './peers.ts';

export interface OpenedTarget {
  readonly target: RegistryTarget;
  readonly transport: RegistryTransport;
  /** `127.0.0.1:PORT/<repo>` — prefix of references to this repository. */
  readonly name: string;
}

export interface OpenOptions {
  /** Override the endpoint's credentials (null: send none). */
  readonly credentials?: { username: string; password: string } | null;
  /** Trust the endpoint's CA (default true). */
  readonly trustCa?: boolean;
  readonly referrersMode?: ReferrersMode;
}

/** Opens `repo` on `endpoint` the way the CLI would: reference → endpoint → transport → target. */
export function openTarget(
  endpoint: RegistryEndpoint,
  repo: string,
  options: OpenOptions = {},
): OpenedTarget {
  const ref = parseImageReference(`${endpoint.host}/${repo}:v1`);
  const origin = registryEndpoint(ref, endpoint.plainHttp);
  // An empty home and environment: no docker config or credential helper of the machine is read.
  const homeDir = join(testPeers()?.workDir ?? '/nonexistent', 'empty-home');
  mkdirSync(homeDir, { recursive: true });
  const creds =
    options.credentials === undefined
      ? endpoint.username !== null && endpoint.password !== null
        ? { username: endpoint.username, password: endpoint.password }
        : null
      : options.credentials;
  const transport = createRegistryTransport(origin, {
    plainHttp: endpoint.plainHttp,
    ...(endpoint.caFile && options.trustCa !== false ? { caFiles: [endpoint.caFile] } : {}),
    credentials: { ...(creds ?? {}), env: { HOME: homeDir }, homeDir },
    retries: 1,
    timeoutMs: 10_000,
  });
  const target = new RegistryTarget({
    transport,
    endpoint: origin,
    registry: ref.registry,
    repository: ref.repository,
    actions: ['pull', 'push', 'delete'],
    ...(options.referrersMode ? { referrersMode: options.referrersMode } : {}),
  });
  return { target, transport, name: `${ref.registry}/${ref.repository}` };
}
