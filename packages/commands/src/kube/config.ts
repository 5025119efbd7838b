import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import {
  decodeGo,
  GoDecodeError,
  type GoField,
  type GoNode,
  type GoType,
  NfdError,
  parseGoYaml,
} from '@nfd/spec';

// Where the kubeconfig comes from, as kubectl decides it (krew's best practices; STYLE §16):
// --kubeconfig FILE, else $KUBECONFIG (a `:`-separated list merged, the first file to define a
// name or current-context winning), else ~/.kube/config, else the in-cluster service account.
// Each file is read as client-go's clientcmd reads it: YAML through sigs.k8s.io/yaml into the
// clientcmd/api/v1 types (unknown fields ignored, `yes`/`on` are true, *-data fields base64),
// relative paths resolved against the file's directory.

/** The in-cluster service account files (client-go's paths). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A cluster entry (clientcmd v1 Cluster); file paths absolute. */
export interface KubeCluster {
  server: string;
  tlsServerName?: string;
  insecureSkipTlsVerify?: boolean;
  certificateAuthority?: string;
  certificateAuthorityData?: Uint8Array;
  proxyUrl?: string;
}

/** An exec credential plugin (clientcmd v1 ExecConfig). */
export interface KubeExecConfig {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: string;
}

/** A user entry (clientcmd v1 AuthInfo); file paths absolute. */
export interface KubeUser {
  clientCertificate?: string;
  clientCertificateData?: Uint8Array;
  clientKey?: string;
  clientKeyData?: Uint8Array;
  token?: string;
  tokenFile?: string;
  impersonate?: string;
  impersonateUid?: string;
  impersonateGroups?: string[];
  impersonateUserExtra?: Record<string, string[]>;
  username?: string;
  password?: string;
  authProvider?: { name: string; config: Record<string, string> };
  exec?: KubeExecConfig;
}

export interface KubeContext {
  cluster: string;
  user: string;
  namespace?: string;
}

export interface LoadedKubeConfig {
  /** What the configuration came from, for messages: file names or "the in-cluster service account". */
  source: string;
  /** The context in use (its name), the cluster's server URL (no trailing /), and the effective namespace. */
  context: string;
  server: string;
  namespace: string;
  cluster: KubeCluster;
  /** The context's user ({} when it names none). */
  user: KubeUser;
}

export interface LoadKubeConfigOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Where `~/.kube/config` is; "" or absent: no home, only KUBECONFIG, --kubeconfig or in-cluster. */
  homeDir?: string;
  cwd?: string;
  /** For tests of the in-cluster case: where the service account files are. */
  serviceAccountDir?: string;
}

interface RawConfig {
  clusters: Map<string, KubeCluster>;
  users: Map<string, KubeUser>;
  contexts: Map<string, KubeContext>;
  currentContext: string | undefined;
}

// clientcmd/api/v1 (k8s.io/client-go/tools/clientcmd/api/v1/types.go), the fields we use; Go's
// type names as its errors print them.
const str: GoType = { kind: 'string', name: 'string' };
const bool: GoType = { kind: 'bool', name: 'bool' };
const bytes: GoType = { kind: 'bytes', name: '[]uint8' };
const strings: GoType = { kind: 'slice', name: '[]string', elem: str };
const any: GoType = { kind: 'any', name: 'interface {}' };
const field = (type: GoType, pointer = false): GoField => ({ type, pointer });
const struct = (name: string, fields: Record<string, GoField>): GoType => ({ kind: 'struct', name, fields });
const named = (name: string, key: string, type: GoType): GoType =>
  struct(name, { name: field(str), [key]: field(type) });

const CLUSTER = struct('v1.Cluster', {
  server: field(str),
  'tls-server-name': field(str),
  'insecure-skip-tls-verify': field(bool),
  'certificate-authority': field(str),
  'certificate-authority-data': field(bytes, true),
  'proxy-url': field(str),
  'disable-compression': field(bool),
  extensions: field(any),
});
const EXEC = struct('v1.ExecConfig', {
  command: field(str),
  args: field(strings, true),
  env: field(
    {
      kind: 'slice',
      name: '[]v1.ExecEnvVar',
      elem: struct('v1.ExecEnvVar', { name: field(str), value: field(str) }),
    },
    true,
  ),
  apiVersion: field(str),
  installHint: field(str),
  provideClusterInfo: field(bool),
  interactiveMode: field(str),
});
const AUTH_INFO = struct('v1.AuthInfo', {
  'client-certificate': field(str),
  'client-certificate-data': field(bytes, true),
  'client-key': field(str),
  'client-key-data': field(bytes, true),
  token: field(str),
  tokenFile: field(str),
  as: field(str),
  'as-uid': field(str),
  'as-groups': field(strings, true),
  'as-user-extra': field({ kind: 'map', name: 'map[string][]string', elem: strings }, true),
  username: field(str),
  password: field(str),
  'auth-provider': field(
    struct('v1.AuthProviderConfig', {
      name: field(str),
      config: field({ kind: 'map', name: 'map[string]string', elem: str }, true),
    }),
    true,
  ),
  exec: field(EXEC, true),
  extensions: field(any),
});
const CONTEXT = struct('v1.Context', {
  cluster: field(str),
  user: field(str),
  namespace: field(str),
  extensions: field(any),
});
const CONFIG = struct('v1.Config', {
  kind: field(str),
  apiVersion: field(str),
  preferences: field(any),
  clusters: field(
    { kind: 'slice', name: '[]v1.NamedCluster', elem: named('v1.NamedCluster', 'cluster', CLUSTER) },
    true,
  ),
  users: field(
    { kind: 'slice', name: '[]v1.NamedAuthInfo', elem: named('v1.NamedAuthInfo', 'user', AUTH_INFO) },
    true,
  ),
  contexts: field(
    { kind: 'slice', name: '[]v1.NamedContext', elem: named('v1.NamedContext', 'context', CONTEXT) },
    true,
  ),
  'current-context': field(str),
  extensions: field(any),
});

type Decoded = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** client-go's ResolveLocalPaths: a relative path is relative to the file it is written in. */
function absolute(base: string, path: string | undefined): string | undefined {
  return path === undefined ? undefined : isAbsolute(path) ? path : join(base, path);
}

function toCluster(raw: Decoded, base: string): KubeCluster {
  const cluster: KubeCluster = { server: (raw.server as string | undefined) ?? '' };
  const tlsServerName = text(raw['tls-server-name']);
  if (tlsServerName !== undefined) cluster.tlsServerName = tlsServerName;
  if (raw['insecure-skip-tls-verify'] === true) cluster.insecureSkipTlsVerify = true;
  const ca = absolute(base, text(raw['certificate-authority']));
  if (ca !== undefined) cluster.certificateAuthority = ca;
  const caData = raw['certificate-authority-data'] as Uint8Array | undefined;
  if (caData !== undefined && caData.length > 0) cluster.certificateAuthorityData = caData;
  const proxy = text(raw['proxy-url']);
  if (proxy !== undefined) cluster.proxyUrl = proxy;
  return cluster;
}

function toUser(raw: Decoded, base: string): KubeUser {
  const user: KubeUser = {};
  const set = <K extends keyof KubeUser>(key: K, value: KubeUser[K] | undefined): void => {
    if (value !== undefined) user[key] = value;
  };
  const data = (value: unknown): Uint8Array | undefined =>
    value instanceof Uint8Array && value.length > 0 ? value : undefined;
  set('clientCertificate', absolute(base, text(raw['client-certificate'])));
  set('clientCertificateData', data(raw['client-certificate-data']));
  set('clientKey', absolute(base, text(raw['client-key'])));
  set('clientKeyData', data(raw['client-key-data']));
  set('token', text(raw.token));
  set('tokenFile', absolute(base, text(raw.tokenFile)));
  set('impersonate', text(raw.as));
  set('impersonateUid', text(raw['as-uid']));
  const groups = raw['as-groups'] as string[] | undefined;
  if (groups !== undefined && groups.length > 0) user.impersonateGroups = groups;
  const extra = raw['as-user-extra'] as Record<string, string[] | null> | undefined;
  if (extra !== undefined && Object.keys(extra).length > 0)
    user.impersonateUserExtra = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v ?? []]));
  set('username', text(raw.username));
  set('password', text(raw.password));
  const provider = raw['auth-provider'] as Decoded | undefined;
  if (provider !== undefined)
    user.authProvider = {
      name: (provider.name as string | undefined) ?? '',
      config: (provider.config as Record<string, string> | undefined) ?? {},
    };
  const exec = raw.exec as Decoded | undefined;
  if (exec !== undefined) {
    const command = (exec.command as string | undefined) ?? '';
    // A command with a path separator is a path, relative to the kubeconfig; a bare name is looked up on PATH.
    const resolved = !isAbsolute(command) && command.includes(sep) ? join(base, command) : command;
    user.exec = {
      command: resolved,
      args: (exec.args as string[] | undefined) ?? [],
      env: ((exec.env as Decoded[] | undefined) ?? []).map((variable) => ({
        name: (variable.name as string | undefined) ?? '',
        value: (variable.value as string | undefined) ?? '',
      })),
      apiVersion: (exec.apiVersion as string | undefined) ?? '',
      provideClusterInfo: exec.provideClusterInfo === true,
      ...(text(exec.installHint) === undefined ? {} : { installHint: exec.installHint as string }),
      ...(text(exec.interactiveMode) === undefined
        ? {}
        : { interactiveMode: exec.interactiveMode as string }),
    };
  }
  return user;
}

function invalid(file: string, message: string, cause?: unknown): NfdError {
  return new NfdError('KUBECONFIG_INVALID', `${file} is not a valid kubeconfig: ${message}`, {
    ...(cause === undefined ? {} : { cause }),
    hint: 'check it with: kubectl config view --kubeconfig FILE',
  });
}

/** One kubeconfig file, as clientcmd.LoadFromFile reads it. */
function parseFile(file: string): RawConfig {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new NfdError(
      'KUBECONFIG_INVALID',
      `cannot read the kubeconfig ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (source.trim() === '') throw invalid(file, 'the file is empty');
  const parsed = parseGoYaml(source);
  if (!parsed.ok) {
    const [first] = parsed.errors;
    throw invalid(
      file,
      `${first?.at.line ?? 1}:${first?.at.column ?? 1}: ${first?.message ?? 'invalid YAML'}`,
    );
  }
  const root = parsed.documents[0]?.root;
  if (root === null || root === undefined) throw invalid(file, 'the file is empty');
  let decoded: Decoded;
  try {
    decoded = (decodeGo(root as GoNode, CONFIG) ?? {}) as Decoded;
  } catch (error) {
    if (error instanceof GoDecodeError)
      throw invalid(file, `${error.at.line}:${error.at.column}: ${error.message}`);
    throw error;
  }
  const base = dirname(file);
  // clientcmd's conversion of each list into a map refuses a name given twice.
  const entries = <T>(list: string, key: string, convert: (raw: Decoded) => T): Map<string, T> => {
    const map = new Map<string, T>();
    ((decoded[list] as Decoded[] | undefined) ?? []).forEach((item, i) => {
      const name = item.name as string | undefined;
      if (name === undefined || name === '') throw invalid(file, `${list}[${i}].name is missing`);
      if (map.has(name)) throw invalid(file, `duplicate name "${name}" in ${list}`);
      map.set(name, convert((item[key] as Decoded | undefined) ?? {}));
    });
    return map;
  };
  const context = text(decoded['current-context']);
  return {
    clusters: entries('clusters', 'cluster', (raw) => toCluster(raw, base)),
    users: entries('users', 'user', (raw) => toUser(raw, base)),
    contexts: entries('contexts', 'context', (raw) => ({
      cluster: (raw.cluster as string | undefined) ?? '',
      user: (raw.user as string | undefined) ?? '',
      ...(text(raw.namespace) === undefined ? {} : { namespace: raw.namespace as string }),
    })),
    currentContext: context,
  };
}

/** kubectl's merge: the first file that defines a name (or current-context) wins. */
function merge(configs: readonly RawConfig[]): RawConfig {
  const out: RawConfig = {
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    currentContext: undefined,
  };
  for (const config of configs) {
    for (const [name, cluster] of config.clusters)
      if (!out.clusters.has(name)) out.clusters.set(name, cluster);
    for (const [name, user] of config.users) if (!out.users.has(name)) out.users.set(name, user);
    for (const [name, context] of config.contexts)
      if (!out.contexts.has(name)) out.contexts.set(name, context);
    out.currentContext ??= config.currentContext;
  }
  return out;
}

/** client-go's rest.InClusterConfig: the service account token and CA, the namespace file. */
function inCluster(env: LoadKubeConfigOptions['env'], dir: string): RawConfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = join(dir, 'token');
  if (host === undefined || host === '' || port === undefined || port === '' || !existsSync(tokenFile))
    return undefined;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const caFile = join(dir, 'ca.crt');
  return {
    clusters: new Map([
      [
        'in-cluster',
        {
          server: `https://${hostPart}:${port}`,
          ...(existsSync(caFile) ? { certificateAuthority: caFile } : {}),
        },
      ],
    ]),
    users: new Map([['in-cluster', { tokenFile }]]),
    contexts: new Map([
      [
        'in-cluster',
        {
          cluster: 'in-cluster',
          user: 'in-cluster',
          ...(namespace === undefined || namespace === '' ? {} : { namespace }),
        },
      ],
    ]),
    currentContext: 'in-cluster',
  };
}

/** Loads the kubeconfig the flags and environment name, and picks the context. */
export async function loadKubeConfig(options: LoadKubeConfigOptions): Promise<LoadedKubeConfig> {
  const cwd = options.cwd ?? process.cwd();
  let raw: RawConfig;
  let source: string;
  if (options.kubeconfig !== undefined && options.kubeconfig !== '') {
    const file = resolve(cwd, options.kubeconfig);
    raw = parseFile(file);
    source = file;
  } else if (options.env.KUBECONFIG !== undefined && options.env.KUBECONFIG !== '') {
    const files = options.env.KUBECONFIG.split(':')
      .filter((file) => file !== '')
      .map((file) => resolve(cwd, file));
    // Like kubectl, files of the list that do not exist are skipped.
    const present = files.filter((file) => existsSync(file));
    if (present.length === 0) {
      throw new NfdError('KUBECONFIG_INVALID', `no file of KUBECONFIG exists: ${files.join(', ')}`, {
        hint: 'set KUBECONFIG to your kubeconfig file(s), or give --kubeconfig FILE',
      });
    }
    raw = merge(present.map((file) => parseFile(file)));
    source = present.join(':');
  } else {
    const home = options.homeDir;
    const file = home === undefined || home === '' ? undefined : join(home, '.kube', 'config');
    const cluster = inCluster(options.env, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
    if (file !== undefined && existsSync(file)) {
      raw = parseFile(file);
      source = file;
    } else if (cluster !== undefined) {
      raw = cluster;
      source = 'the in-cluster service account';
    } else {
      throw new NfdError(
        'KUBECONFIG_INVALID',
        'no kubeconfig found (no KUBECONFIG, no ~/.kube/config, not in a pod)',
        { hint: 'give --kubeconfig FILE or set KUBECONFIG' },
      );
    }
  }
  const contextName = options.context ?? raw.currentContext;
  const names = [...raw.contexts.keys()];
  if (contextName === undefined || contextName === '') {
    throw new NfdError('KUBECONFIG_INVALID', `${source} sets no current-context`, {
      hint:
        names.length === 0
          ? 'the kubeconfig defines no context'
          : `give --context (one of: ${names.join(', ')})`,
    });
  }
  const context = raw.contexts.get(contextName);
  if (context === undefined) {
    throw new NfdError('KUBECONFIG_INVALID', `context "${contextName}" is not in ${source}`, {
      hint: names.length === 0 ? 'the kubeconfig defines no context' : `contexts: ${names.join(', ')}`,
    });
  }
  const cluster = raw.clusters.get(context.cluster);
  if (cluster === undefined) {
    throw new NfdError(
      'KUBECONFIG_INVALID',
      `context "${contextName}" names cluster "${context.cluster}", which is not in ${source}`,
    );
  }
  const user = context.user === '' ? {} : raw.users.get(context.user);
  if (user === undefined) {
    throw new NfdError(
      'KUBECONFIG_INVALID',
      `context "${contextName}" names user "${context.user}", which is not in ${source}`,
    );
  }
  checkCluster(cluster, contextName, source);
  return {
    source,
    context: contextName,
    server: cluster.server.replace(/\/+$/, ''),
    namespace: options.namespace ?? context.namespace ?? 'default',
    cluster,
    user,
  };
}

/** clientcmd's validation of the cluster in use (validateClusterInfo). */
function checkCluster(cluster: KubeCluster, context: string, source: string): void {
  const fail = (message: string): never => {
    throw new NfdError('KUBECONFIG_INVALID', `the cluster of context "${context}" in ${source}: ${message}`);
  };
  if (cluster.server === '') fail('no server');
  const url = URL.parse(cluster.server);
  if (url === null) fail(`server "${cluster.server}" is not a URL`);
  else if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail(`server "${cluster.server}" is not an http(s) URL`);
  if (
    cluster.insecureSkipTlsVerify === true &&
    (cluster.certificateAuthority !== undefined || cluster.certificateAuthorityData !== undefined)
  )
    fail('specifying a root certificates file with the insecure flag is not allowed');
}
