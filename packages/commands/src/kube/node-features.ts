import { mergeNodeFeatures } from '@nfd/matcher';
import { NfdError, type NodeFeature } from '@nfd/spec';
import { type KubeClient, NODE_NAME_LABEL } from './client.ts';

// How several NodeFeature objects of one node become one (matching.md §1.2): nfd-master puts the
// objects of its own namespace first, then sorts by name, then by namespace; `kubectl nfd test`
// keeps the order the cluster lists them in.

/** The namespace nfd-master runs in by default (its Helm chart's and kustomize's). */
export const DEFAULT_NFD_NAMESPACE = 'node-feature-discovery';

/** The node a NodeFeature object describes (its node-name label), or undefined. */
export function nodeNameOf(object: NodeFeature): string | undefined {
  const name = object.metadata?.labels?.[NODE_NAME_LABEL];
  return name === undefined || name === '' ? undefined : name;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** nfd-master's order: objects of its namespace first, then by name, then by namespace. */
export function masterOrder(objects: readonly NodeFeature[], nfdNamespace: string): NodeFeature[] {
  return [...objects].sort((a, b) => {
    const an = a.metadata?.namespace ?? '';
    const bn = b.metadata?.namespace ?? '';
    const aOwn = an === nfdNamespace;
    const bOwn = bn === nfdNamespace;
    if (aOwn !== bOwn) return aOwn ? -1 : 1;
    return compare(a.metadata?.name ?? '', b.metadata?.name ?? '') || compare(an, bn);
  });
}

/**
 * The objects of each node, by node name, in list order. Objects without the label are skipped.
 * `nodeOf` reads the node of other shapes than NodeFeature (what a command keeps of one).
 */
export function groupByNode<T = NodeFeature>(
  objects: readonly T[],
  nodeOf: (object: T) => string | undefined = nodeNameOf as (object: T) => string | undefined,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const object of objects) {
    const node = nodeOf(object);
    if (node === undefined) continue;
    const group = groups.get(node);
    if (group === undefined) groups.set(node, [object]);
    else group.push(object);
  }
  return groups;
}

/** One node's objects merged as nfd-master merges them. */
export function mergeAsMaster(objects: readonly NodeFeature[], nfdNamespace: string): NodeFeature {
  return objects.length === 1
    ? (objects[0] as NodeFeature)
    : mergeNodeFeatures(masterOrder(objects, nfdNamespace));
}

/**
 * The NodeFeature objects of one node (by the node-name label; all namespaces unless one is
 * given), merged in list order (`kubectl nfd test`) or nfd-master's order; an error when there is none.
 */
export async function nodeFeaturesOfNode(
  client: KubeClient,
  node: string,
  options: { namespace?: string; order: 'list' | 'master'; nfdNamespace?: string },
): Promise<NodeFeature> {
  const objects = await client.listNodeFeatures({
    labelSelector: `${NODE_NAME_LABEL}=${node}`,
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
  });
  if (objects.length === 0) {
    const where =
      options.namespace === undefined ? 'in any namespace' : `in namespace "${options.namespace}"`;
    throw new NfdError('KUBE_API', `no NodeFeature object of node "${node}" ${where}`, {
      hint: `is the node name right, and does nfd-worker run on it? see: kubectl get nodefeatures -A -l ${NODE_NAME_LABEL}=${node}`,
    });
  }
  return options.order === 'list'
    ? mergeNodeFeatures(objects)
    : mergeAsMaster(objects, options.nfdNamespace ?? DEFAULT_NFD_NAMESPACE);
}
