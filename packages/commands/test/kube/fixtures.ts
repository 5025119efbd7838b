// NodeFeature objects as nfd-worker publishes them: our own `nfd export features --nodefeature`
// of the fixture hosts, and synthetic variations of them for large clusters.
import { fileURLToPath } from 'node:url';
import { run } from '../host.ts';
import type { KubeObject } from './fake-apiserver.ts';

const HOSTS = fileURLToPath(new URL('../../../../test/fixtures/hosts/', import.meta.url));

export const FIXTURE_HOSTS = ['arm-node', 'gpu-node', 'this-machine'] as const;
export type FixtureHost = (typeof FIXTURE_HOSTS)[number];

const cache = new Map<FixtureHost, Promise<KubeObject>>();

/** `nfd export features --nodefeature --node-name NAME` of a fixture host, run in-process. */
export function fixtureNodeFeature(host: FixtureHost): Promise<KubeObject> {
  let pending = cache.get(host);
  if (pending === undefined) {
    pending = (async () => {
      const root = `${HOSTS}${host}`;
      const args = ['export', 'features', '--nodefeature', '--node-name', host, '--host-root', root];
      if (host === 'this-machine') args.push('--cpuid-leaves', `${root}/cpuid-leaves.json`);
      const result = await run(args);
      if (result.code !== 0) throw new Error(`export features of ${host} failed: ${result.stderr}`);
      const object = JSON.parse(result.stdout) as KubeObject;
      assertDiscovered(host, object);
      return object;
    })();
    cache.set(host, pending);
  }
  return pending;
}

/** Fails unless the export found the host's CPU, kernel and PCI features (a missing or emptied fixture). */
function assertDiscovered(host: string, object: KubeObject): void {
  const features = (object.spec as { features?: { flags?: object; attributes?: object; instances?: object } })
    .features;
  const has = (group: object | undefined, name: string): boolean =>
    group !== undefined && Object.hasOwn(group, name);
  const missing = [
    has(features?.flags, 'cpu.cpuid') ? '' : 'cpu.cpuid',
    has(features?.attributes, 'kernel.version') ? '' : 'kernel.version',
    has(features?.instances, 'pci.device') ? '' : 'pci.device',
  ].filter((name) => name !== '');
  if (missing.length > 0)
    throw new Error(`fixture host ${HOSTS}${host} gave no ${missing.join(', ')}: is the tree complete?`);
}

/** A copy of a NodeFeature for another node (its name and node-name label changed). */
export function forNode(
  object: KubeObject,
  node: string,
  options: { name?: string; namespace?: string } = {},
): KubeObject {
  const copy = structuredClone(object);
  copy.metadata = {
    ...copy.metadata,
    name: options.name ?? node,
    labels: { ...(copy.metadata.labels ?? {}), 'nfd.node.kubernetes.io/node-name': node },
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
  };
  return copy;
}

/** A NodeFeature with only these features (a second object of a node, e.g. a local side-car's). */
export function partialNodeFeature(
  node: string,
  name: string,
  features: { flags?: object; attributes?: object; instances?: object },
  options: { namespace?: string; labels?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: {
      name,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      labels: { 'nfd.node.kubernetes.io/node-name': node },
    },
    spec: {
      features: {
        flags: features.flags ?? {},
        attributes: features.attributes ?? {},
        instances: features.instances ?? {},
      },
      labels: options.labels ?? {},
    },
  };
}

/**
 * Synthetic variation `i` of a fixture NodeFeature: another node name, and (for every third one)
 * an older kernel, (for every fifth) the AVX-512 flags removed, so a cluster is not uniform.
 */
export function variant(object: KubeObject, node: string, i: number): KubeObject {
  const copy = forNode(object, node);
  const features = (
    copy.spec as {
      features: {
        flags: Record<string, { elements?: Record<string, unknown> }>;
        attributes: Record<string, { elements?: Record<string, string> }>;
      };
    }
  ).features;
  if (i % 3 === 1) {
    const kernel = features.attributes['kernel.version']?.elements;
    if (kernel !== undefined) {
      kernel.full = '5.4.0-150-generic';
      kernel.major = '5';
      kernel.minor = '4';
      kernel.revision = '0';
    }
  }
  if (i % 5 === 2) {
    const cpuid = features.flags['cpu.cpuid']?.elements;
    if (cpuid !== undefined)
      for (const flag of Object.keys(cpuid)) if (flag.startsWith('AVX512')) delete cpuid[flag];
  }
  return copy;
}
