import { NFD_API_VERSION, NfdError, type NodeFeature } from '@nfd/spec';
import { type LoadedKubeConfig, loadKubeConfig } from './config.ts';
import { type ItemReader, scanListPage, skipValue, walkObject } from './list-page.ts';
import { createRequester, type Requester, type RequestTarget } from './request.ts';
import { createTransport } from './transport.ts';

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The field manager of server-side apply (`kubectl get … --show-managed-fields` shows it). */
const FIELD_MANAGER = 'nfd';

// The Kubernetes client of the commands: the few calls they make, over the kubeconfig's
// credentials and TLS (./config.ts, ./transport.ts). Lists are paged with limit/continue, as
// kubectl pages them.

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
  /** Items per list request (`limit`; default 500, as kubectl, and 100 for NodeFeatures; 0: one unpaged request). */
  pageSize?: number;
  /** Sent as User-Agent. */
  userAgent?: string;
  /** Whether standard input is a terminal (an exec credential plugin may then ask for a login). */
  stdinIsTerminal?: boolean;
  /** `--request-timeout`: the longest wait for a connection, the headers, or the next body data; 0 = none (default 30 s). */
  requestTimeoutMs?: number;
}

export interface KubeNode {
  name: string;
  labels: Record<string, string>;
}

export interface KubeClient {
  /**
   * NodeFeature objects (all namespaces unless namespace given), paged with limit/continue.
   * `map` is applied to each object as its page arrives (e.g. to keep only some features), so a
   * whole cluster's objects never need to be in memory at once. With `features`, only those
   * feature sets are read from each object (the others are skipped unparsed) and `map` gets an
   * object holding its metadata and those sets only.
   */
  listNodeFeatures(options?: { labelSelector?: string; namespace?: string }): Promise<NodeFeature[]>;
  listNodeFeatures<T>(options: {
    labelSelector?: string;
    namespace?: string;
    features?: readonly string[];
    map: (object: NodeFeature) => T;
  }): Promise<T[]>;
  listNodes(options?: { labelSelector?: string }): Promise<KubeNode[]>;
  /** Server-side apply (field manager `nfd`): creates, leaves as is, or updates in place; the object's generation after. */
  applyNodeFeatureRule(rule: object): Promise<{ generation: number }>;
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
/**
 * NodeFeature objects are large (10–50 kB as nfd-worker publishes them), and a page's whole JSON
 * is parsed at once: pages of 100 keep that under ~5 MB (5,000 nodes: 180 MB peak RSS instead
 * of 350 with kubectl's 500), at the same CPU over one kept-alive connection.
 */
const NODEFEATURE_PAGE_SIZE = 100;

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
  /** Reads each item in one pass (see ItemReader); default: JSON.parse of its text. */
  read?: ItemReader<T>,
): Promise<U[]> {
  const fetchPage = (token: string | undefined): Promise<string> => {
    const page = requester.request<string>({
      method: 'GET',
      path,
      query: { labelSelector, limit: pageSize === 0 ? undefined : String(pageSize), continue: token },
      raw: true,
      target,
    });
    // Awaited below; until then a failure must not count as unhandled.
    page.catch(() => undefined);
    return page;
  };
  const items: U[] = [];
  let next: Promise<string> | undefined = fetchPage(undefined);
  while (next !== undefined) {
    const text: string = await next;
    const page = scanListPage(text, read);
    let list: ObjectList<T> | undefined;
    if (page === undefined) list = parsePage<ObjectList<T>>(text, target);
    const metadata: ObjectList<T>['metadata'] =
      page === undefined
        ? list?.metadata
        : page.metadata === undefined
          ? undefined
          : parsePage(page.metadata, target);
    const token = metadata?.continue;
    // The next page is on its way while this one is read.
    next = token === undefined || token === '' ? undefined : fetchPage(token);
    if (page === undefined) for (const item of list?.items ?? []) items.push(map(item));
    else
      for (const item of page.items)
        items.push(
          map('value' in item ? (item.value as T) : parsePage<T>(text.slice(item.start, item.end), target)),
        );
  }
  return items;
}

/**
 * Reads a NodeFeature's metadata and, of its features, only the sets named, in one pass: the rest
 * of the object is skipped, not parsed (most of a NodeFeature is features a spec does not read).
 * Undefined when the text is not as expected, to be parsed whole instead.
 */
function partialNodeFeature(names: readonly string[]): ItemReader<RawObject> {
  const wanted = new Set(names);
  return (text, at) => {
    const parsed = (start: number): { value: unknown; end: number } => {
      const end = skipValue(text, start);
      if (end < 0) throw new SyntaxError('no JSON value');
      return { value: JSON.parse(text.slice(start, end)), end };
    };
    /** An object member's value read by `read`, null kept as null. */
    const object = (
      start: number,
      assign: (value: Record<string, unknown> | null) => void,
      visit: (target: Record<string, unknown>) => (key: string, at: number) => number | undefined,
    ): number => {
      if (text.startsWith('null', start)) {
        assign(null);
        return start + 4;
      }
      const target: Record<string, unknown> = {};
      assign(target);
      return walkObject(text, start, visit(target));
    };
    try {
      const raw: RawObject = {};
      const end = walkObject(text, at, (key, start) => {
        if (key === 'metadata') {
          const { value, end: after } = parsed(start);
          raw.metadata = value as RawObject['metadata'];
          return after;
        }
        if (key !== 'spec') return undefined;
        return object(
          start,
          (spec) => (raw.spec = spec),
          (spec) => (specKey, specStart) =>
            specKey !== 'features'
              ? undefined
              : object(
                  specStart,
                  (features) => (spec.features = features),
                  (features) => (kind, kindStart) =>
                    kind !== 'flags' && kind !== 'attributes' && kind !== 'instances'
                      ? undefined
                      : object(
                          kindStart,
                          (sets) => (features[kind] = sets),
                          (sets) => (name, setStart) => {
                            if (!wanted.has(name)) return undefined;
                            const { value, end: after } = parsed(setStart);
                            Object.defineProperty(sets, name, {
                              value,
                              enumerable: true,
                              writable: true,
                              configurable: true,
                            });
                            return after;
                          },
                        ),
                ),
        );
      });
      return end < 0 ? undefined : { value: raw, end };
    } catch {
      return undefined;
    }
  };
}

function parsePage<T>(text: string, target: RequestTarget): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new NfdError('KUBE_API', `the API server sent no JSON list for ${target.verb} ${target.resource}`, {
      cause,
    });
  }
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
  const transport = createTransport(loaded, {
    env: options.env,
    stdinIsTerminal: options.stdinIsTerminal ?? false,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const requester = createRequester(loaded, transport, {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    userAgent: options.userAgent ?? 'nfd-ts',
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const nodeFeaturePageSize = options.pageSize ?? NODEFEATURE_PAGE_SIZE;
  const jobPath = (namespace: string, name?: string): string =>
    `/apis/batch/v1${ns(namespace)}/jobs${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  return {
    namespace: loaded.namespace,

    async listNodeFeatures<T>(
      list: {
        labelSelector?: string;
        namespace?: string;
        features?: readonly string[];
        map?: (object: NodeFeature) => T;
      } = {},
    ): Promise<T[]> {
      const path = `${NFD_PATH}${list.namespace === undefined ? '' : ns(list.namespace)}/nodefeatures`;
      const map = list.map;
      return listAll<RawObject, T>(
        requester,
        path,
        nodeFeaturePageSize,
        list.labelSelector,
        {
          verb: 'list',
          resource: NODEFEATURES,
          ...(list.namespace === undefined ? {} : { namespace: list.namespace }),
        },
        map === undefined ? (raw) => toNodeFeature(raw) as T : (raw) => map(toNodeFeature(raw)),
        list.features === undefined ? undefined : partialNodeFeature(list.features),
      );
    },

    async listNodes(list = {}) {
      const items = await listAll<RawObject>(requester, '/api/v1/nodes', pageSize, list.labelSelector, {
        verb: 'list',
        resource: 'nodes',
      });
      return items.map((item) => ({ name: item.metadata?.name ?? '', labels: item.metadata?.labels ?? {} }));
    },

    async applyNodeFeatureRule(rule) {
      const name = (rule as RawObject).metadata?.name;
      if (name === undefined || name === '')
        throw new NfdError('USAGE', 'a NodeFeatureRule to apply needs a name');
      // Server-side apply, as `kubectl apply --server-side --field-manager nfd`: created the first
      // time, a no-op when nothing changed, updated in place otherwise. JSON is YAML.
      const applied = await requester.request<RawObject>({
        method: 'PATCH',
        path: `${NFD_PATH}/nodefeaturerules/${encodeURIComponent(name)}`,
        query: { fieldManager: FIELD_MANAGER, force: 'true' },
        contentType: 'application/apply-patch+yaml',
        body: rule,
        target: { verb: 'patch', resource: 'nodefeaturerules.nfd.k8s-sigs.io', name },
      });
      return {
        generation: Number((applied.metadata as { generation?: number } | undefined)?.generation ?? 0),
      };
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
