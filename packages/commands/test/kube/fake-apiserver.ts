// The stand-in Kubernetes API server of the fast tests: HTTPS (a self-signed certificate made with
// the openssl CLI) or HTTP on 127.0.0.1, speaking the wire format of what nfd-ts calls. It
// implements: discovery; lists with equality- and set-based label selectors (`a=b`, `a!=b`,
// `a in (x,y)`, `a notin (x)`, `a`, `!a`), limit/continue paging and 410 Gone for a continue token
// older than a compaction (`expireContinueTokens`); get/create/delete of nodes, NodeFeatures,
// batch/v1 Jobs, pods and pod logs; server-side apply of whole objects (generation kept when the
// spec is unchanged); RBAC refusals configured by `forbid`; Status objects for 400/401/403/404/409/
// 410. It does not implement field managers' ownership, merge patches, watches or admission. The
// real control plane (test/support/kube-cluster.ts) is the reference: the same commands are run
// against both in apps/kubectl-nfd/test/e2e/real-apiserver.test.ts.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

export interface FakeApiServerOptions {
  /** HTTPS with a self-signed certificate (default) or plain HTTP. */
  tls?: boolean;
  /** The bearer token every request must carry (default "fake-token"); null: no authentication. */
  token?: string | null;
  /** The largest page the server returns, whatever `limit` asks (a real server may return fewer). */
  maxPageSize?: number;
  /** False: the NFD CRDs are not installed (their group is missing from discovery, their paths 404). */
  nfdInstalled?: boolean;
  /** The user named in 403 messages. */
  user?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  headers: http.IncomingHttpHeaders;
}

export interface CompletedPod {
  /** Default: `${job}-${random}`. */
  name?: string;
  nodeName?: string;
  phase?: 'Succeeded' | 'Failed' | 'Running' | 'Pending';
  log?: string;
}

const NFD_GROUP = 'nfd.k8s-sigs.io';
const NFD_VERSION = 'v1alpha1';

/** Resources by URL plural: their group, kind, and whether they are namespaced. */
interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
}

const RESOURCES: Record<string, ResourceInfo> = {
  nodefeatures: { group: NFD_GROUP, version: NFD_VERSION, kind: 'NodeFeature', namespaced: true },
  nodefeaturerules: { group: NFD_GROUP, version: NFD_VERSION, kind: 'NodeFeatureRule', namespaced: false },
  nodes: { group: '', version: 'v1', kind: 'Node', namespaced: false },
  pods: { group: '', version: 'v1', kind: 'Pod', namespaced: true },
  jobs: { group: 'batch', version: 'v1', kind: 'Job', namespaced: true },
};

/** A Kubernetes Status object, as the API server sends with every error. */
export function statusObject(
  code: number,
  reason: string,
  message: string,
  details?: { name?: string; group?: string; kind?: string },
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

// ---- label selectors: equality- and set-based, as k8s.io/apimachinery/pkg/labels parses them ----

type Requirement = (labels: Record<string, string>) => boolean;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** Parses a label selector; throws on syntax errors (answered with 400 BadRequest). */
export function parseLabelSelector(selector: string): Requirement[] {
  return splitTopLevel(selector).map((part): Requirement => {
    let match = /^(\S+?)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (match !== null) {
      const [, key = '', op, list = ''] = match;
      const values = new Set(
        list
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      );
      return op === 'in'
        ? (labels) => Object.hasOwn(labels, key) && values.has(labels[key] ?? '')
        : (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key] ?? '');
    }
    match = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(part);
    if (match !== null) {
      const [, key = '', op, value = ''] = match;
      return op === '!='
        ? (labels) => labels[key] !== value
        : (labels) => Object.hasOwn(labels, key) && labels[key] === value;
    }
    match = /^(!?)([A-Za-z0-9][-A-Za-z0-9_./]*)$/.exec(part);
    if (match !== null) {
      const [, not, key = ''] = match;
      return not === '!' ? (labels) => !Object.hasOwn(labels, key) : (labels) => Object.hasOwn(labels, key);
    }
    throw new Error(`unable to parse requirement: ${JSON.stringify(part)}`);
  });
}

// ---- the certificate ----

let certificate: { key: string; cert: string } | undefined;

/** A self-signed certificate for 127.0.0.1 and localhost, made once per process with openssl. */
export function selfSignedCertificate(): { key: string; cert: string } {
  if (certificate !== undefined) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'fake-apiserver-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=fake-apiserver',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  certificate = {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
  return certificate;
}

// ---- the server ----

interface Stored {
  object: KubeObject;
  /** Serialized once: lists of thousands of large NodeFeatures stay cheap to serve. */
  json?: string;
}

interface Forbidden {
  verb: string;
  resource: string;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class FakeApiServer {
  readonly options: Required<Omit<FakeApiServerOptions, 'token'>> & { token: string | null };
  /** Every request, in order (for paging and selector assertions). */
  readonly requests: RecordedRequest[] = [];
  /** TCP connections accepted (a client that keeps connections alive opens one). */
  connections = 0;
  /** Jobs deleted, with the propagationPolicy asked for. */
  readonly deletedJobs: { namespace: string; name: string; propagationPolicy: string | undefined }[] = [];
  private readonly store = new Map<string, Map<string, Stored>>();
  private readonly logs = new Map<string, string>();
  private readonly forbidden: Forbidden[] = [];
  private resourceVersion = 1000;
  /** Continue tokens of lists begun before this revision are expired (410 Gone). */
  private compactedRevision = 0;
  private server: http.Server | https.Server | undefined;
  private baseUrl = '';

  constructor(options: FakeApiServerOptions = {}) {
    this.options = {
      tls: options.tls ?? true,
      token: options.token === undefined ? 'fake-token' : options.token,
      maxPageSize: options.maxPageSize ?? Number.POSITIVE_INFINITY,
      nfdInstalled: options.nfdInstalled ?? true,
      user: options.user ?? 'system:serviceaccount:default:nfd-client',
    };
    for (const resource of Object.keys(RESOURCES)) this.store.set(resource, new Map());
  }

  /** Starts listening on 127.0.0.1 (a free port). */
  async start(): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handle(req, res).catch((error: unknown) => {
        this.send(res, 500, statusObject(500, 'InternalError', String(error)));
      });
    };
    this.server = this.options.tls
      ? https.createServer({ ...selfSignedCertificate() }, handler)
      : http.createServer(handler);
    this.server.on('connection', () => {
      this.connections++;
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this;
  }

  get url(): string {
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Writes a kubeconfig for this server (its CA, the bearer token) and returns the file's path.
   * `namespace` sets the context's namespace; `token` overrides the one written.
   */
  writeKubeconfig(
    dir: string,
    options: { context?: string; namespace?: string; token?: string; file?: string } = {},
  ): string {
    const context = options.context ?? 'fake';
    const file = join(dir, options.file ?? 'kubeconfig');
    const cluster = this.options.tls
      ? `    server: ${this.baseUrl}\n    certificate-authority-data: ${Buffer.from(selfSignedCertificate().cert).toString('base64')}\n`
      : `    server: ${this.baseUrl}\n`;
    const token = options.token ?? this.options.token ?? '';
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters:
- name: ${context}-cluster
  cluster:
${cluster}contexts:
- name: ${context}
  context:
    cluster: ${context}-cluster
    user: ${context}-user
${options.namespace === undefined ? '' : `    namespace: ${options.namespace}\n`}current-context: ${context}
users:
- name: ${context}-user
  user:
${token === '' ? '    {}\n' : `    token: ${token}\n`}`,
    );
    return file;
  }

  // ---- seeding and inspection ----

  /** Runs after each list page is sent (a test compacts "etcd" between pages with it). */
  afterListPage: (() => void) | undefined;

  /** Expires every continue token handed out so far, as an etcd compaction does. */
  expireContinueTokens(): void {
    this.compactedRevision = ++this.resourceVersion;
  }

  private key(namespace: string | undefined, name: string): string {
    return namespace === undefined ? name : `${namespace}/${name}`;
  }

  private put(resource: string, object: KubeObject): KubeObject {
    const info = RESOURCES[resource];
    if (info === undefined) throw new Error(`unknown resource ${resource}`);
    const metadata = {
      ...object.metadata,
      ...(info.namespaced ? { namespace: object.metadata.namespace ?? 'default' } : {}),
      uid: object.metadata.uid ?? randomUUID(),
      resourceVersion: String(++this.resourceVersion),
      creationTimestamp:
        object.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    const stored: KubeObject = {
      ...object,
      apiVersion: info.group === '' ? info.version : `${info.group}/${info.version}`,
      kind: info.kind,
      metadata,
    };
    this.store.get(resource)?.set(this.key(info.namespaced ? metadata.namespace : undefined, metadata.name), {
      object: stored,
    });
    return stored;
  }

  /** Adds NodeFeature objects (their namespace defaults to "node-feature-discovery"). */
  addNodeFeatures(...objects: KubeObject[]): void {
    for (const object of objects) {
      this.put('nodefeatures', {
        ...object,
        metadata: { ...object.metadata, namespace: object.metadata.namespace ?? 'node-feature-discovery' },
      });
    }
  }

  addNode(name: string, labels: Record<string, string> = {}): void {
    this.put('nodes', {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } },
      spec: {},
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        nodeInfo: { architecture: 'amd64', operatingSystem: 'linux' },
      },
    });
  }

  addPod(
    namespace: string,
    pod: { name: string; labels?: Record<string, string>; nodeName?: string; phase?: string; log?: string },
  ): void {
    this.put('pods', {
      metadata: { name: pod.name, namespace, labels: pod.labels ?? {} },
      spec: pod.nodeName === undefined ? {} : { nodeName: pod.nodeName },
      status: { phase: pod.phase ?? 'Pending' },
    });
    if (pod.log !== undefined) this.logs.set(`${namespace}/${pod.name}`, pod.log);
  }

  /** Refuses a verb on a resource (plural, e.g. "nodefeatures", "jobs") with 403, as RBAC would. */
  forbid(verb: string, resource: string): void {
    this.forbidden.push({ verb, resource });
  }

  /** The objects of a resource as stored (created or seeded), in the server's list order. */
  objects(resource: string, namespace?: string): KubeObject[] {
    return this.sorted(resource).filter((o) => namespace === undefined || o.metadata.namespace === namespace);
  }

  get jobs(): KubeObject[] {
    return this.objects('jobs');
  }

  get nodeFeatureRules(): KubeObject[] {
    return this.objects('nodefeaturerules');
  }

  /**
   * Simulates a Job running: pods (labelled `job-name` and `batch.kubernetes.io/job-name`, plus the
   * Job template's labels) with logs, and the Job's status counts.
   */
  completeJob(namespace: string, name: string, pods: CompletedPod[]): void {
    const stored = this.store.get('jobs')?.get(this.key(namespace, name));
    if (stored === undefined) throw new Error(`no job ${namespace}/${name}`);
    const job = stored.object as KubeObject & {
      spec?: { template?: { metadata?: { labels?: Record<string, string> } } };
    };
    const templateLabels = job.spec?.template?.metadata?.labels ?? {};
    const counts = { succeeded: 0, failed: 0, active: 0 };
    for (const pod of pods) {
      const phase = pod.phase ?? 'Succeeded';
      if (phase === 'Succeeded') counts.succeeded++;
      else if (phase === 'Failed') counts.failed++;
      else counts.active++;
      this.addPod(namespace, {
        name: pod.name ?? `${name}-${randomUUID().slice(0, 5)}`,
        labels: {
          ...templateLabels,
          'job-name': name,
          'batch.kubernetes.io/job-name': name,
          'controller-uid': String(job.metadata.uid),
        },
        ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
        phase,
        ...(pod.log === undefined ? {} : { log: pod.log }),
      });
    }
    const status: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(counts)) if (value > 0) status[key] = value;
    if (counts.active === 0) {
      status.conditions = [
        { type: counts.failed > 0 && counts.succeeded === 0 ? 'Failed' : 'Complete', status: 'True' },
      ];
    }
    stored.object = { ...job, status };
    delete stored.json;
  }

  // ---- request handling ----

  private send(res: http.ServerResponse, code: number, body: unknown): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private sorted(resource: string): KubeObject[] {
    return [...(this.store.get(resource)?.values() ?? [])]
      .map((s) => s.object)
      .sort(
        (a, b) =>
          compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
          compare(a.metadata.name, b.metadata.name),
      );
  }

  private async readBody(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? undefined : JSON.parse(text);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const body = method === 'GET' ? undefined : await this.readBody(req);
    this.requests.push({
      method,
      path: url.pathname,
      query,
      headers: req.headers,
      ...(body === undefined ? {} : { body }),
    });

    if (this.options.token !== null && req.headers.authorization !== `Bearer ${this.options.token}`) {
      this.send(res, 401, statusObject(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/version') {
      this.send(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0-fake', platform: 'linux/amd64' });
      return;
    }
    const discovery = this.discovery(path);
    if (discovery !== undefined) {
      this.send(res, 200, discovery);
      return;
    }
    const route =
      /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/(log))?$/.exec(
        path,
      );
    const notFound = (): void =>
      this.send(res, 404, statusObject(404, 'NotFound', 'the server could not find the requested resource'));
    if (route === null) return notFound();
    const [, group = '', version = 'v1', namespace, resource = '', name, sub] = route;
    const info = RESOURCES[resource];
    if (info === undefined || info.group !== group || info.version !== version) return notFound();
    if (info.group === NFD_GROUP && !this.options.nfdInstalled) return notFound();
    if (namespace !== undefined && !info.namespaced) return notFound();
    if (sub === 'log' && resource !== 'pods') return notFound();

    const verb =
      method === 'GET'
        ? name === undefined
          ? 'list'
          : 'get'
        : method === 'POST'
          ? 'create'
          : method === 'DELETE'
            ? 'delete'
            : method === 'PATCH'
              ? 'patch'
              : '';
    if (
      verb === '' ||
      (verb === 'create' && name !== undefined) ||
      (verb === 'patch' && name === undefined)
    ) {
      this.send(
        res,
        405,
        statusObject(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        ),
      );
      return;
    }
    const qualified = info.group === '' ? resource : `${resource}.${info.group}`;
    const rbacResource = sub === undefined ? resource : `${resource}/${sub}`;
    if (this.forbidden.some((f) => f.verb === verb && f.resource === rbacResource)) {
      const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
      const subject = name === undefined ? qualified : `${qualified} "${name}"`;
      this.send(
        res,
        403,
        statusObject(
          403,
          'Forbidden',
          `${subject} is forbidden: User "${this.options.user}" cannot ${verb} resource "${rbacResource}" in API group "${info.group}" ${scope}`,
          { ...(name === undefined ? {} : { name }), group: info.group, kind: rbacResource },
        ),
      );
      return;
    }

    if (verb === 'list') return this.list(res, resource, info, namespace, query);
    const key = this.key(info.namespaced ? namespace : undefined, name ?? '');
    const objects = this.store.get(resource) as Map<string, Stored>;
    if (verb === 'create') {
      const object = body as KubeObject | undefined;
      const objectName = object?.metadata?.name;
      if (object === undefined || typeof objectName !== 'string' || objectName === '') {
        this.send(
          res,
          422,
          statusObject(
            422,
            'Invalid',
            `${info.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
            { group: info.group, kind: info.kind },
          ),
        );
        return;
      }
      if (object.kind !== info.kind) {
        this.send(
          res,
          400,
          statusObject(
            400,
            'BadRequest',
            `the object provided is unrecognized (must be of type ${info.kind}): ${String(object.kind)}`,
          ),
        );
        return;
      }
      if (objects.has(this.key(info.namespaced ? namespace : undefined, objectName))) {
        this.send(
          res,
          409,
          statusObject(409, 'AlreadyExists', `${qualified} "${objectName}" already exists`, {
            name: objectName,
            group: info.group,
            kind: resource,
          }),
        );
        return;
      }
      const stored = this.put(resource, {
        ...object,
        metadata: { ...object.metadata, ...(namespace === undefined ? {} : { namespace }) },
      });
      this.send(res, 201, stored);
      return;
    }
    if (verb === 'patch') return this.apply(res, req, resource, info, namespace, name ?? '', query, body);
    const stored = objects.get(key);
    if (stored === undefined) {
      this.send(
        res,
        404,
        statusObject(404, 'NotFound', `${qualified} "${name}" not found`, {
          name: name ?? '',
          group: info.group,
          kind: resource,
        }),
      );
      return;
    }
    if (sub === 'log') {
      const text = this.logs.get(key) ?? '';
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (verb === 'get') {
      this.send(res, 200, stored.object);
      return;
    }
    // delete
    const options = body as { propagationPolicy?: string } | undefined;
    const policy = options?.propagationPolicy ?? query.propagationPolicy;
    objects.delete(key);
    if (resource === 'jobs') {
      this.deletedJobs.push({ namespace: namespace ?? '', name: name ?? '', propagationPolicy: policy });
      if (policy === 'Background' || policy === 'Foreground') {
        const pods = this.store.get('pods') as Map<string, Stored>;
        for (const [podKey, pod] of pods) {
          if (
            pod.object.metadata.namespace === namespace &&
            pod.object.metadata.labels?.['job-name'] === name
          )
            pods.delete(podKey);
        }
      }
    }
    this.send(res, 200, statusObject(200, '', '', { name: name ?? '', group: info.group, kind: resource }));
  }

  /**
   * Server-side apply only (`application/apply-patch+yaml` with a fieldManager), as the commands
   * use it: creates the object, or replaces its content; `metadata.generation` starts at 1 and
   * grows only when the spec changes, as the API server keeps it.
   */
  private apply(
    res: http.ServerResponse,
    req: http.IncomingMessage,
    resource: string,
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    query: Record<string, string>,
    body: unknown,
  ): void {
    if (req.headers['content-type'] !== 'application/apply-patch+yaml') {
      this.send(
        res,
        415,
        statusObject(415, 'UnsupportedMediaType', `the stand-in supports only server-side apply`),
      );
      return;
    }
    if (query.fieldManager === undefined || query.fieldManager === '') {
      this.send(
        res,
        422,
        statusObject(
          422,
          'Invalid',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        ),
      );
      return;
    }
    const object = body as KubeObject;
    if (object?.metadata?.name !== name || object.kind !== info.kind) {
      this.send(
        res,
        400,
        statusObject(400, 'BadRequest', `the name or kind of the object does not match the request`),
      );
      return;
    }
    const objects = this.store.get(resource) as Map<string, Stored>;
    const previous = objects.get(this.key(info.namespaced ? namespace : undefined, name))?.object;
    const same = previous !== undefined && JSON.stringify(previous.spec) === JSON.stringify(object.spec);
    const generation =
      previous === undefined ? 1 : Number(previous.metadata.generation ?? 1) + (same ? 0 : 1);
    const stored = this.put(resource, {
      ...object,
      metadata: {
        ...object.metadata,
        ...(namespace === undefined ? {} : { namespace }),
        ...(previous === undefined
          ? {}
          : { uid: previous.metadata.uid, creationTimestamp: previous.metadata.creationTimestamp }),
        generation,
      },
    });
    this.send(res, previous === undefined ? 201 : 200, stored);
  }

  private list(
    res: http.ServerResponse,
    resource: string,
    info: (typeof RESOURCES)[string],
    namespace: string | undefined,
    query: Record<string, string>,
  ): void {
    let requirements: Requirement[] = [];
    try {
      requirements = query.labelSelector === undefined ? [] : parseLabelSelector(query.labelSelector);
    } catch (error) {
      this.send(
        res,
        400,
        statusObject(400, 'BadRequest', `unable to parse requirement: ${(error as Error).message}`),
      );
      return;
    }
    const all = [...(this.store.get(resource)?.values() ?? [])]
      .filter((s) => namespace === undefined || s.object.metadata.namespace === namespace)
      .filter((s) => requirements.every((r) => r(s.object.metadata.labels ?? {})))
      .sort(
        (a, b) =>
          compare(a.object.metadata.namespace ?? '', b.object.metadata.namespace ?? '') ||
          compare(a.object.metadata.name, b.object.metadata.name),
      );
    let start = 0;
    if (query.continue !== undefined && query.continue !== '') {
      try {
        const token = JSON.parse(Buffer.from(query.continue, 'base64').toString('utf8')) as {
          rv: number;
          ns: string;
          name: string;
        };
        if (typeof token.ns !== 'string' || typeof token.name !== 'string') throw new Error('bad token');
        if (token.rv < this.compactedRevision) {
          // etcd compacted the revision the list started at, as a real API server answers.
          this.send(
            res,
            410,
            statusObject(
              410,
              'Expired',
              'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
            ),
          );
          return;
        }
        start = all.findIndex(
          (s) =>
            (compare(s.object.metadata.namespace ?? '', token.ns) ||
              compare(s.object.metadata.name, token.name)) > 0,
        );
        if (start < 0) start = all.length;
      } catch {
        this.send(
          res,
          400,
          statusObject(400, 'BadRequest', 'continue key is not valid: illegal base64 data'),
        );
        return;
      }
    }
    const limit =
      query.limit === undefined || query.limit === '0' ? Number.POSITIVE_INFINITY : Number(query.limit);
    const size = Math.min(limit, this.options.maxPageSize);
    const page = all.slice(start, start + size);
    const last = page.at(-1);
    const more = start + page.length < all.length && last !== undefined;
    const metadata: Record<string, unknown> = { resourceVersion: String(this.resourceVersion) };
    if (more) {
      metadata.continue = Buffer.from(
        JSON.stringify({
          v: 'meta.k8s.io/v1',
          rv: this.resourceVersion,
          ns: last.object.metadata.namespace ?? '',
          name: last.object.metadata.name,
        }),
      ).toString('base64');
      metadata.remainingItemCount = all.length - start - page.length;
    }
    const apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
    const items = page.map((s) => {
      s.json ??= JSON.stringify(s.object);
      return s.json;
    });
    this.send(
      res,
      200,
      `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(`${info.kind}List`)},"metadata":${JSON.stringify(metadata)},"items":[${items.join(',')}]}`,
    );
    this.afterListPage?.();
  }

  private discovery(path: string): unknown {
    const resourceList = (groupVersion: string, names: string[]): unknown => ({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: names.flatMap((plural) => {
        const info = RESOURCES[plural];
        if (info === undefined) return [];
        const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
        const out: unknown[] = [
          {
            name: plural,
            singularName: info.kind.toLowerCase(),
            namespaced: info.namespaced,
            kind: info.kind,
            verbs,
          },
        ];
        if (plural === 'pods')
          out.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
        if (plural === 'jobs')
          out.push({
            name: 'jobs/status',
            singularName: '',
            namespaced: true,
            kind: 'Job',
            verbs: ['get', 'patch', 'update'],
          });
        return out;
      }),
    });
    const group = (name: string, version: string) => ({
      name,
      versions: [{ groupVersion: `${name}/${version}`, version }],
      preferredVersion: { groupVersion: `${name}/${version}`, version },
    });
    switch (path) {
      case '/api':
        return {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
        };
      case '/api/v1':
        return resourceList('v1', ['nodes', 'pods']);
      case '/apis':
        return {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [
            group('batch', 'v1'),
            ...(this.options.nfdInstalled ? [group(NFD_GROUP, NFD_VERSION)] : []),
          ],
        };
      case '/apis/batch/v1':
        return resourceList('batch/v1', ['jobs']);
      case `/apis/${NFD_GROUP}/${NFD_VERSION}`:
        return this.options.nfdInstalled
          ? resourceList(`${NFD_GROUP}/${NFD_VERSION}`, ['nodefeatures', 'nodefeaturerules'])
          : undefined;
      default:
        return undefined;
    }
  }
}

/** Starts a fake API server. */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  return new FakeApiServer(options).start();
}
