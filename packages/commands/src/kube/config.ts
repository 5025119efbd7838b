import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import { NfdError } from '@nfd/spec';

// Where the kubeconfig comes from, as kubectl decides it (krew's best practices; STYLE §16):
// --kubeconfig FILE, else $KUBECONFIG (a `:`-separated list merged, the first file to define a
// name or current-context winning), else ~/.kube/config, else the in-cluster service account.

/** The in-cluster service account files (client-go's and client-node's paths). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface LoadedKubeConfig {
  config: KubeConfig;
  /** What the configuration came from, for messages: file names or "in-cluster service account". */
  source: string;
  /** The context in use (its name), the cluster's server URL, and the effective namespace. */
  context: string;
  server: string;
  namespace: string;
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
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string | undefined;
}

type KubeModule = typeof import('@kubernetes/client-node');

function parseFile(kube: KubeModule, file: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new NfdError(
      'KUBECONFIG_INVALID',
      `cannot read the kubeconfig ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  const config = new kube.KubeConfig();
  try {
    if (text.trim() === '') throw new Error('the file is empty');
    config.loadFromString(text);
    if (typeof (config as { currentContext: unknown }).currentContext !== 'string') {
      config.currentContext = '';
    }
  } catch (cause) {
    throw new NfdError(
      'KUBECONFIG_INVALID',
      `${file} is not a valid kubeconfig: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, hint: 'check it with: kubectl config view --kubeconfig FILE' },
    );
  }
  config.makePathsAbsolute(dirname(file));
  return {
    clusters: config.clusters,
    users: config.users,
    contexts: config.contexts,
    currentContext: config.currentContext === '' ? undefined : config.currentContext,
  };
}

/** kubectl's merge: the first file that defines a name (or current-context) wins. */
function merge(configs: readonly RawConfig[]): RawConfig {
  const out: RawConfig = { clusters: [], users: [], contexts: [], currentContext: undefined };
  for (const config of configs) {
    for (const cluster of config.clusters)
      if (!out.clusters.some((c) => c.name === cluster.name)) out.clusters.push(cluster);
    for (const user of config.users) if (!out.users.some((u) => u.name === user.name)) out.users.push(user);
    for (const context of config.contexts)
      if (!out.contexts.some((c) => c.name === context.name)) out.contexts.push(context);
    out.currentContext ??= config.currentContext;
  }
  return out;
}

function inCluster(env: LoadKubeConfigOptions['env'], dir: string): RawConfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = join(dir, 'token');
  if (host === undefined || host === '' || port === undefined || !existsSync(tokenFile)) return undefined;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  return {
    clusters: [
      {
        name: 'in-cluster',
        server: `https://${hostPart}:${port}`,
        caFile: join(dir, 'ca.crt'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [
      {
        name: 'in-cluster',
        cluster: 'in-cluster',
        user: 'in-cluster',
        ...(namespace === undefined || namespace === '' ? {} : { namespace }),
      },
    ],
    currentContext: 'in-cluster',
  };
}

/** Loads the kubeconfig the flags and environment name, and picks the context. */
export async function loadKubeConfig(options: LoadKubeConfigOptions): Promise<LoadedKubeConfig> {
  const kube = await import('@kubernetes/client-node');
  const cwd = options.cwd ?? process.cwd();
  let raw: RawConfig;
  let source: string;
  if (options.kubeconfig !== undefined && options.kubeconfig !== '') {
    const file = resolve(cwd, options.kubeconfig);
    raw = parseFile(kube, file);
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
    raw = merge(present.map((file) => parseFile(kube, file)));
    source = present.join(':');
  } else {
    const home = options.homeDir;
    const file = home === undefined || home === '' ? undefined : join(home, '.kube', 'config');
    const cluster = inCluster(options.env, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
    if (file !== undefined && existsSync(file)) {
      raw = parseFile(kube, file);
      source = file;
    } else if (cluster !== undefined) {
      raw = cluster;
      source = 'the in-cluster service account';
    } else {
      throw new NfdError(
        'KUBECONFIG_INVALID',
        'no kubeconfig found (no KUBECONFIG, no ~/.kube/config, not in a pod)',
        {
          hint: 'give --kubeconfig FILE or set KUBECONFIG',
        },
      );
    }
  }
  const contextName = options.context ?? raw.currentContext;
  const names = raw.contexts.map((c) => c.name);
  if (contextName === undefined || contextName === '') {
    throw new NfdError('KUBECONFIG_INVALID', `${source} sets no current-context`, {
      hint:
        names.length === 0
          ? 'the kubeconfig defines no context'
          : `give --context (one of: ${names.join(', ')})`,
    });
  }
  const context = raw.contexts.find((c) => c.name === contextName);
  if (context === undefined) {
    throw new NfdError('KUBECONFIG_INVALID', `context "${contextName}" is not in ${source}`, {
      hint: names.length === 0 ? 'the kubeconfig defines no context' : `contexts: ${names.join(', ')}`,
    });
  }
  let cluster = raw.clusters.find((c) => c.name === context.cluster);
  if (cluster === undefined) {
    throw new NfdError(
      'KUBECONFIG_INVALID',
      `context "${context.name}" names cluster "${context.cluster}", which is not in ${source}`,
    );
  }
  if (context.user !== undefined && context.user !== '' && !raw.users.some((u) => u.name === context.user)) {
    throw new NfdError(
      'KUBECONFIG_INVALID',
      `context "${context.name}" names user "${context.user}", which is not in ${source}`,
    );
  }
  if (cluster.server.startsWith('http:')) {
    // Plain HTTP (e.g. `kubectl proxy`) has no TLS to verify; client-node refuses it otherwise.
    cluster = { ...cluster, skipTLSVerify: true };
  }
  const config = new kube.KubeConfig();
  config.loadFromOptions({
    clusters: raw.clusters.map((c) => (c.name === cluster.name ? cluster : c)),
    users: raw.users,
    contexts: raw.contexts,
    currentContext: context.name,
  });
  return {
    config,
    source,
    context: context.name,
    server: cluster.server.replace(/\/+$/, ''),
    namespace:
      options.namespace ??
      (context.namespace === undefined || context.namespace === '' ? 'default' : context.namespace),
  };
}
