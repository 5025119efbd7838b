import { NFD_API_VERSION, type NodeFeature } from '@nfd/spec';
import { type LoadedKubeConfig, loadKubeConfig } from './config.ts';
import { createRequester, type Requester, type RequestTarget } from './request.ts';

// The Kubernetes client of the commands: the few calls they make, over client-node's kubeconfig
// handling and credentials. Lists are paged with limit/continue, as kubectl pages them.

export interface KubeOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Where `~/.kube/config` is looked for; "" or absent: nowhere. */
  homeDir?: string;
  signal?: AbortSignal;
  /** Relative --kubeconfig and KUBECONFIG paths resolve against this directory (default: process.cwd()). */
  cwd?: string;
  /** Items per list request (`limit`; default 500, as kubectl). */
  pageSize?: number;
  /** Sent as User-Agent. */
  userAgent?: string;
}

export interface KubeNode {
  name: string;
  labels: Record<string, string>;
}

export interface KubeClient {
  /**
   * NodeFeature objects (all namespaces unless namespace given), paged with limit/continue.
   * `map` is applied to each object as its page arrives (e.g. to keep only some features), so a
   * whole cluster's objects never need to be in memory at once.
   */
  listNodeFeatures(options?: { labelSelector?: string; namespace?: string }): Promise<NodeFeature[]>;
  listNodeFeatures<T>(options: {
    labelSelector?: string;
    namespace?: string;
    map: (object: NodeFeature) => T;
  }): Promise<T[]>;
  listNodes(options?: { labelSelector?: string }): Promise<KubeNode[]>;
  createNodeFeatureRule(rule: object): Promise<void>;
  createJob(namespace: string, job: object): Promise<void>;
  getJob(namespace: string, name: string): Promise<{ succeeded: number; failed: number; active: number }>;
  listPods(
    namespace: string,
    labelSelector: string,
  ): Promise<{ name: string; phase: string; nodeName?: string }[]>;
  readPodLog(namespace: string, pod: string): Promise<string>;
  /** propagationPolicy Background: the Job's pods go with it. */
  deleteJob(namespace: string, name: string): Promise<void>;
  /** The effective namespace (flag, context's, else "default"). */
  readonly namespace: string;
}

/** The label nfd-worker puts on its NodeFeature objects, naming the node. */
export const NODE_NAME_LABEL = 'nfd.node.kubernetes.io/node-name';

const NFD_PATH = `/apis/${NFD_API_VERSION}`;
const NODEFEATURES = 'nodefeatures.nfd.k8s-sigs.io';
const DEFAULT_PAGE_SIZE = 500;

interface ObjectList<T> {
  items?: T[] | null;
  metadata?: { continue?: string };
}

interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> | null };
  spec?: Record<string, unknown> | null;
  status?: Record<string, unknown> | null;
}

const ns = (namespace: string): string => `/namespaces/${encodeURIComponent(namespace)}`;

async function listAll<T, U = T>(
  requester: Requester,
  path: string,
  pageSize: number,
  labelSelector: string | undefined,
  target: RequestTarget,
  map: (item: T) => U = (item) => item as unknown as U,
): Promise<U[]> {
  const items: U[] = [];
  let token: string | undefined;
  do {
    const page: ObjectList<T> = await requester.request<ObjectList<T>>({
      method: 'GET',
      path,
      query: { labelSelector, limit: String(pageSize), continue: token },
      target,
    });
    for (const item of page.items ?? []) items.push(map(item));
    token = page.metadata?.continue;
  } while (token !== undefined && token !== '');
  return items;
}

/**
 * A NodeFeature as the API server sends it, with the maps the CRD allows to be absent or null
 * filled in (the server has validated the object against the CRD's schema already).
 */
export function toNodeFeature(raw: RawObject): NodeFeature {
  const spec = (raw.spec ?? {}) as {
    features?: Partial<NodeFeature['spec']['features']> | null;
    labels?: Record<string, string> | null;
  };
  const features = spec.features ?? {};
  const metadata = raw.metadata ?? {};
  const nodeFeature: NodeFeature = {
    apiVersion: NFD_API_VERSION,
    kind: 'NodeFeature',
    metadata: { ...metadata, labels: metadata.labels ?? {} },
    spec: {
      features: {
        flags: features.flags ?? {},
        attributes: features.attributes ?? {},
        instances: features.instances ?? {},
      },
      labels: spec.labels ?? {},
    },
  };
  if (raw.status !== undefined && raw.status !== null) nodeFeature.status = raw.status;
  return nodeFeature;
}

export async function connectKube(options: KubeOptions): Promise<KubeClient> {
  const loaded: LoadedKubeConfig = await loadKubeConfig({
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
    ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.homeDir === undefined ? {} : { homeDir: options.homeDir }),
    env: options.env,
  });
  const requester = createRequester(loaded, options.signal, options.userAgent ?? 'nfd-ts');
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const jobPath = (namespace: string, name?: string): string =>
    `/apis/batch/v1${ns(namespace)}/jobs${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  return {
    namespace: loaded.namespace,

    async listNodeFeatures<T>(
      list: { labelSelector?: string; namespace?: string; map?: (object: NodeFeature) => T } = {},
    ): Promise<T[]> {
      const path = `${NFD_PATH}${list.namespace === undefined ? '' : ns(list.namespace)}/nodefeatures`;
      const map = list.map;
      return listAll<RawObject, T>(
        requester,
        path,
        pageSize,
        list.labelSelector,
        {
          verb: 'list',
          resource: NODEFEATURES,
          ...(list.namespace === undefined ? {} : { namespace: list.namespace }),
        },
        map === undefined ? (raw) => toNodeFeature(raw) as T : (raw) => map(toNodeFeature(raw)),
      );
    },

    async listNodes(list = {}) {
      const items = await listAll<RawObject>(requester, '/api/v1/nodes', pageSize, list.labelSelector, {
        verb: 'list',
        resource: 'nodes',
      });
      return items.map((item) => ({ name: item.metadata?.name ?? '', labels: item.metadata?.labels ?? {} }));
    },

    async createNodeFeatureRule(rule) {
      const name = (rule as RawObject).metadata?.name;
      await requester.request({
        method: 'POST',
        path: `${NFD_PATH}/nodefeaturerules`,
        body: rule,
        target: {
          verb: 'create',
          resource: 'nodefeaturerules.nfd.k8s-sigs.io',
          ...(name === undefined ? {} : { name }),
        },
      });
    },

    async createJob(namespace, job) {
      const name = (job as RawObject).metadata?.name;
      await requester.request({
        method: 'POST',
        path: jobPath(namespace),
        body: job,
        target: {
          verb: 'create',
          resource: 'jobs.batch',
          namespace,
          ...(name === undefined ? {} : { name }),
        },
      });
    },

    async getJob(namespace, name) {
      const job = await requester.request<{
        status?: { succeeded?: number; failed?: number; active?: number };
      }>({
        method: 'GET',
        path: jobPath(namespace, name),
        target: { verb: 'get', resource: 'jobs.batch', namespace, name },
      });
      return {
        succeeded: job.status?.succeeded ?? 0,
        failed: job.status?.failed ?? 0,
        active: job.status?.active ?? 0,
      };
    },

    async listPods(namespace, labelSelector) {
      const items = await listAll<RawObject>(
        requester,
        `/api/v1${ns(namespace)}/pods`,
        pageSize,
        labelSelector,
        {
          verb: 'list',
          resource: 'pods',
          namespace,
        },
      );
      return items.map((item) => {
        const spec = item.spec as { nodeName?: string } | null | undefined;
        const status = item.status as { phase?: string } | null | undefined;
        return {
          name: item.metadata?.name ?? '',
          phase: status?.phase ?? 'Unknown',
          ...(spec?.nodeName === undefined ? {} : { nodeName: spec.nodeName }),
        };
      });
    },

    async readPodLog(namespace, pod) {
      return requester.request<string>({
        method: 'GET',
        path: `/api/v1${ns(namespace)}/pods/${encodeURIComponent(pod)}/log`,
        text: true,
        target: { verb: 'get', resource: 'pods/log', namespace, name: pod },
      });
    },

    async deleteJob(namespace, name) {
      await requester.request({
        method: 'DELETE',
        path: jobPath(namespace, name),
        body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' },
        target: { verb: 'delete', resource: 'jobs.batch', namespace, name },
      });
    },
  };
}
