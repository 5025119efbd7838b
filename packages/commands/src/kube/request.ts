import type { RequestOptions } from 'node:https';
import { formatDuration, NfdError } from '@nfd/spec';
import type { LoadedKubeConfig } from './config.ts';
import type { KubeTransport } from './transport.ts';

// Raw requests to the API server over the kubeconfig's transport (./transport.ts: TLS, client
// certificates, tokens, exec plugins, proxies; one keep-alive connection pool), and the API
// server's Status objects turned into errors that say what to do. Nothing here prints headers.

/** What a request is about, for error messages: `list nodefeatures.nfd.k8s-sigs.io (all namespaces)`. */
export interface RequestTarget {
  verb: 'get' | 'list' | 'create' | 'patch' | 'delete';
  /** `nodefeatures.nfd.k8s-sigs.io`, `jobs.batch`, `nodes`, `pods/log` … */
  resource: string;
  namespace?: string;
  name?: string;
}

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The body's media type; default application/json (`application/apply-patch+yaml` for server-side apply). */
  contentType?: string;
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Return the body as text (pod logs) instead of parsing JSON. */
  text?: boolean;
  /** Ask for JSON but return its text unparsed (list pages, read item by item). */
  raw?: boolean;
  target: RequestTarget;
}

/** A Kubernetes `Status` object (apiVersion v1), as the API server sends with an error. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: unknown[] };
}

/** Raised for an HTTP error answer; `status` is the API server's Status object when it sent one. */
export class KubeApiError extends NfdError {
  readonly statusCode: number;
  readonly status: KubeStatus | undefined;
  constructor(statusCode: number, status: KubeStatus | undefined, message: string, hint?: string) {
    super('KUBE_API', message, hint === undefined ? {} : { hint });
    this.statusCode = statusCode;
    this.status = status;
  }
}

/**
 * The most one answer may hold: a list page of 500 objects at etcd's 1.5 MiB object limit is
 * 750 MiB in theory; in practice pages are a few MiB. Anything beyond this is not an API server.
 */
const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

export interface Requester {
  request<T>(request: KubeRequest): Promise<T>;
}

/** Resources that live in no namespace: no "namespaces" wording for them. */
const CLUSTER_SCOPED = new Set(['nodes', 'nodefeaturerules.nfd.k8s-sigs.io']);

function describeTarget(target: RequestTarget): string {
  const where =
    target.namespace === undefined
      ? target.name === undefined && target.verb === 'list' && !CLUSTER_SCOPED.has(target.resource)
        ? ' (all namespaces)'
        : ''
      : ` in namespace "${target.namespace}"`;
  return `${target.verb} ${target.resource}${target.name === undefined ? '' : ` "${target.name}"`}${where}`;
}

function parseStatus(body: string): KubeStatus | undefined {
  try {
    const value: unknown = JSON.parse(body);
    if (value !== null && typeof value === 'object' && (value as KubeStatus).kind === 'Status') {
      return value as KubeStatus;
    }
  } catch {
    // not JSON: an HTML error page of a proxy, say
  }
  return undefined;
}

/** The NFD resources: a 404 on one of their collections means the CRD is not installed. */
const NFD_GROUP = 'nfd.k8s-sigs.io';

export function statusError(
  loaded: Pick<LoadedKubeConfig, 'server' | 'context' | 'source'>,
  target: RequestTarget,
  statusCode: number,
  body: string,
): KubeApiError {
  const status = parseStatus(body);
  const said = status?.message ?? (body.trim().slice(0, 200) || `HTTP ${statusCode}`);
  const what = describeTarget(target);
  switch (statusCode) {
    case 401:
      return new KubeApiError(
        statusCode,
        status,
        `the API server at ${loaded.server} did not accept the credentials (401 Unauthorized): ${said}`,
        `check the user of context "${loaded.context}" in ${loaded.source} (an expired token?)`,
      );
    case 403: {
      const resource = status?.details?.kind ?? target.resource.split('.')[0] ?? target.resource;
      const group =
        status?.details?.group ??
        (target.resource.includes('.') ? target.resource.slice(target.resource.indexOf('.') + 1) : '');
      const scope =
        target.namespace !== undefined
          ? ` -n ${target.namespace}`
          : CLUSTER_SCOPED.has(target.resource)
            ? ''
            : ' --all-namespaces';
      return new KubeApiError(
        statusCode,
        status,
        `forbidden: cannot ${what}: ${said}`,
        `RBAC must allow the verb "${target.verb}" on the resource "${resource}"${group === '' ? '' : ` of API group "${group}"`}; check with: kubectl auth can-i ${target.verb} ${target.resource}${scope}`,
      );
    }
    case 404: {
      const collection = target.name === undefined || target.verb === 'create';
      if (collection && target.resource.endsWith(`.${NFD_GROUP}`)) {
        const kind = target.resource.startsWith('nodefeaturerules') ? 'NodeFeatureRule' : 'NodeFeature';
        return new KubeApiError(
          statusCode,
          status,
          `NFD is not installed in this cluster (no ${kind} API): the API server at ${loaded.server} has no ${target.resource}`,
          kind === 'NodeFeature'
            ? '`nfd compat job --image REF --client-image IMG --all-nodes --apply` checks nodes without NFD, with a Job per node'
            : 'install Node Feature Discovery (its CRDs) to use NodeFeatureRules',
        );
      }
      return new KubeApiError(statusCode, status, `not found: ${what}: ${said}`);
    }
    case 409:
      return new KubeApiError(statusCode, status, `conflict: cannot ${what}: ${said}`);
    case 410:
      return new KubeApiError(
        statusCode,
        status,
        `cannot ${what}: the list changed too much while it was paged (410 Gone): ${said}`,
        'run the command again',
      );
    default:
      return new KubeApiError(
        statusCode,
        status,
        `cannot ${what}: the API server at ${loaded.server} answered ${statusCode}: ${said}`,
      );
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function networkError(loaded: LoadedKubeConfig, target: RequestTarget, cause: unknown): NfdError {
  const code = (cause as { code?: string }).code;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (code !== undefined && TLS_CODES.has(code)) {
    return new NfdError(
      'KUBE_API',
      // Node's own advice about its command-line flags means nothing to a user of this tool.
      `cannot verify the TLS certificate of the API server at ${loaded.server}: ${message.replace(/;\s*if the root CA is installed locally.*$/s, '')}`,
      {
        cause,
        hint: `check certificate-authority(-data) of the cluster of context "${loaded.context}" in ${loaded.source}`,
      },
    );
  }
  return new NfdError(
    'KUBE_API',
    `cannot reach the Kubernetes API server at ${loaded.server} (to ${describeTarget(target)}): ${message}`,
    {
      cause,
      hint: `is the cluster up? check the server of context "${loaded.context}" in ${loaded.source} (or give --kubeconfig/--context)`,
    },
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0
    ? `${bytes / 1024 / 1024} MiB`
    : `${bytes} bytes`;
}

/** A request that waited longer than `--request-timeout` for one phase of the exchange. */
function timeoutError(
  loaded: LoadedKubeConfig,
  target: RequestTarget,
  phase: string,
  timeoutMs: number,
): NfdError {
  const host = new URL(loaded.server).host;
  return new NfdError(
    'KUBE_API',
    `${host}: ${phase} ${formatDuration(timeoutMs)} (to ${describeTarget(target)})`,
    {
      hint: `check that the API server of context "${loaded.context}" is reachable; raise --request-timeout (0: no limit) if it is slow`,
    },
  );
}

export interface RequesterOptions {
  signal?: AbortSignal;
  userAgent: string;
  /** The longest wait for a connection, the response headers, or the next piece of the body; 0 = none. */
  timeoutMs: number;
  /** The most one answer may hold (default 512 MiB). */
  maxResponseBytes?: number;
}

/** Makes requests against the loaded configuration's API server. */
export function createRequester(
  loaded: LoadedKubeConfig,
  transport: KubeTransport,
  { signal, userAgent, timeoutMs, maxResponseBytes = MAX_RESPONSE_BYTES }: RequesterOptions,
): Requester {
  const send = async (request: KubeRequest, retry = true): Promise<{ statusCode: number; text: string }> => {
    const url = new URL(loaded.server + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const { agent, headers } = await transport.prepare();
    const options: RequestOptions = {
      method: request.method,
      agent,
      headers: {
        ...headers,
        Accept: request.text === true ? 'text/plain, */*' : 'application/json',
        'User-Agent': userAgent,
        ...(body === undefined
          ? {}
          : {
              'Content-Type': request.contentType ?? 'application/json',
              'Content-Length': String(Buffer.byteLength(body)),
            }),
      },
    };
    if (signal !== undefined) options.signal = signal;
    // Taken at call time, not imported: an ESM import of node:http(s) loads Node's bundled undici
    // (its lazy WebSocket getters), which every command would pay at start.
    const call =
      url.protocol === 'http:'
        ? process.getBuiltinModule('node:http').request
        : process.getBuiltinModule('node:https').request;
    let reused = false;
    let answered = false;
    let connected = false;
    /** The error a local limit (deadline, size) ended the exchange with. */
    let endedBy: NfdError | undefined;
    try {
      return await new Promise((resolvePromise, reject) => {
        const req = call(url, options, (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > maxResponseBytes) {
              endedBy = new NfdError(
                'KUBE_API',
                `the API server at ${loaded.server} sent more than ${formatBytes(maxResponseBytes)} for ${describeTarget(request.target)}`,
                {
                  hint: 'a list page that large is not an API server answer; check the server of the context',
                },
              );
              req.destroy(endedBy);
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            resolvePromise({
              statusCode: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        });
        // Inactivity of the socket, whichever phase it is in: connecting, waiting for the
        // headers, or between pieces of the body.
        if (timeoutMs > 0) {
          req.setTimeout(timeoutMs, () => {
            const phase = answered
              ? 'no response body data for'
              : req.socket === null || req.socket.connecting || !connected
                ? 'no connection in'
                : 'no response headers for';
            endedBy = timeoutError(loaded, request.target, phase, timeoutMs);
            req.destroy(endedBy);
          });
        }
        req.on('socket', (socket) => {
          reused = req.reusedSocket;
          if (reused || !socket.connecting) connected = true;
          else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true));
        });
        req.on('error', reject);
        req.end(body);
      });
    } catch (cause) {
      if (endedBy !== undefined) throw endedBy;
      if (signal?.aborted === true || cause instanceof NfdError) throw cause;
      // A kept-alive connection the server closed meanwhile: the request never reached it; try
      // once more on a new connection, as Go's transport does.
      const code = (cause as { code?: string }).code;
      if (reused && retry && (code === 'ECONNRESET' || code === 'EPIPE')) return send(request, false);
      throw networkError(loaded, request.target, cause);
    }
  };
  return {
    async request<T>(request: KubeRequest): Promise<T> {
      let answer = await send(request);
      // An exec plugin's credential the server no longer takes: run the plugin again, once (client-go does).
      if (answer.statusCode === 401 && transport.invalidate()) answer = await send(request);
      if (answer.statusCode < 200 || answer.statusCode >= 300) {
        throw statusError(loaded, request.target, answer.statusCode, answer.text);
      }
      if (request.text === true || request.raw === true) return answer.text as T;
      try {
        return JSON.parse(answer.text) as T;
      } catch (cause) {
        throw new NfdError(
          'KUBE_API',
          `the API server at ${loaded.server} sent no JSON for ${describeTarget(request.target)}`,
          { cause },
        );
      }
    },
  };
}
