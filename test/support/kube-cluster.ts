// A real Kubernetes control plane for the cluster integration tests: Debian's etcd and a
// kube-apiserver built by scripts/kube-peers.sh, on free loopback ports, in a temp dir, with a
// serving certificate for 127.0.0.1, token authentication and RBAC, and upstream NFD's CRDs.
// Identities: `admin` (system:masters), `viewer` (may get/list nodes and the NFD resources),
// `nobody` (no rights). Each has a kubeconfig file. Nothing outside the temp dir is written.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestCertificates } from './certificates.ts';
import { KUBE_VERSION } from './kube-version.ts';
import { findPeer, peersBinDir } from './peers.ts';
import { freePort, stopProcess, tailFile } from './processes.ts';

export { KUBE_VERSION };

export type KubeIdentity = 'admin' | 'viewer' | 'nobody';

export interface KubeCluster {
  /** `https://127.0.0.1:PORT`. */
  readonly server: string;
  /** A kubeconfig per identity (context `test`). */
  readonly kubeconfig: Readonly<Record<KubeIdentity, string>>;
  readonly dir: string;
  /** `kubectl --kubeconfig <admin> ARGS`, its stdout; throws with stderr on failure. */
  kubectl(args: readonly string[], input?: string): string;
  /** One request as the admin (JSON in and out), for seeding many objects fast. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/** Where scripts/kube-peers.sh caches the binaries. */
export function kubeCacheDir(): string {
  const override = process.env.NFD_KUBE_CACHE;
  if (override !== undefined && override !== '') return override;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache'); // path-check: allow (the user's cache)
  return join(base, 'nfd-ts', 'kube', KUBE_VERSION);
}

/** The skip reason of the cluster tests, or false when everything is there. */
export function missingKube(): string | false {
  const binaries = ['kube-apiserver', 'kube-controller-manager'].map((name) => join(kubeCacheDir(), name));
  const peers = join(peersBinDir(), '..');
  if (!binaries.every((file) => existsSync(file))) {
    return `kube-apiserver ${KUBE_VERSION} is not built (no ${kubeCacheDir()}/kube-apiserver; run \`sh scripts/kube-peers.sh --build\`)`;
  }
  if (!existsSync(join(peersBinDir(), 'etcd')))
    return 'etcd is not installed (run `sh scripts/kube-peers.sh`)';
  if (!existsSync(join(peers, 'kube', 'nfd-api-crds.yaml'))) {
    return "NFD's CRDs are not fetched (run `sh scripts/kube-peers.sh`)";
  }
  if (findPeer('kubectl') === null) return 'kubectl is not installed (run `sh scripts/test-peers.sh`)';
  if (findPeer('openssl') === null) return 'openssl is not installed (run `sh scripts/test-peers.sh`)';
  return false;
}

function run(file: string, args: readonly string[], cwd: string): string {
  return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** CA, a serving certificate for 127.0.0.1/localhost, and the service-account key pair. */
function certificates(dir: string): void {
  const openssl = findPeer('openssl') ?? 'openssl';
  createTestCertificates(openssl, dir);
  run(openssl, ['genrsa', '-out', 'sa.key', '2048'], dir);
  run(openssl, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
}

function kubeconfig(server: string, caFile: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${server}
    certificate-authority: ${caFile}
users:
- name: test
  user:
    token: ${token}
contexts:
- name: test
  context: {cluster: test, user: test}
current-context: test
`;
}

const VIEWER_RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: nfd-viewer}
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list]
- apiGroups: [nfd.k8s-sigs.io]
  resources: [nodefeatures, nodefeaturerules, nodefeaturegroups]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: nfd-viewer}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: nfd-viewer}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: viewer}
`;

async function waitReady(
  url: string,
  caFile: string,
  child: ChildProcess,
  log: string,
  token: string,
): Promise<void> {
  const { request } = await import('node:https');
  const ca = readFileSync(caFile);
  const deadline = Date.now() + 90_000;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const status = await new Promise<number>((resolve) => {
      const req = request(`${url}/readyz`, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (error) => {
        last = error.message;
        resolve(0);
      });
      req.end();
    });
    if (status === 200) return;
    if (status !== 0) last = `HTTP ${status}`;
    await sleep(250);
  }
  throw new Error(`kube-apiserver at ${url} not ready (${last}); log:\n${tailFile(log, 15)}`);
}

/**
 * Starts etcd and kube-apiserver (and, with `controllers`, kube-controller-manager, so that Jobs
 * create Pods; no kubelet runs them: they stay Pending); installs NFD's CRDs and the viewer's RBAC.
 */
export async function startKubeCluster(options: { controllers?: boolean } = {}): Promise<KubeCluster> {
  const missing = missingKube();
  if (missing !== false) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'nfd-kube-'));
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.splice(0).map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    certificates(dir);
    const tokens: Record<KubeIdentity, string> = {
      admin: randomBytes(16).toString('hex'),
      viewer: randomBytes(16).toString('hex'),
      nobody: randomBytes(16).toString('hex'),
    };
    writeFileSync(
      join(dir, 'tokens.csv'),
      `${tokens.admin},admin,uid-admin,"system:masters"\n${tokens.viewer},viewer,uid-viewer\n${tokens.nobody},nobody,uid-nobody\n`,
    );
    const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
    const etcdLog = join(dir, 'etcd.log');
    const etcdFd = openSync(etcdLog, 'a');
    const etcd = spawn(
      join(peersBinDir(), 'etcd'),
      [
        '--name=test',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=test=http://127.0.0.1:${etcdPeer}`,
      ],
      { stdio: ['ignore', etcdFd, etcdFd] },
    );
    closeSync(etcdFd);
    children.push(etcd);
    const apiLog = join(dir, 'kube-apiserver.log');
    const apiFd = openSync(apiLog, 'a');
    const api = spawn(
      join(kubeCacheDir(), 'kube-apiserver'),
      [
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${securePort}`,
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        `--tls-cert-file=${join(dir, 'server.crt')}`,
        `--tls-private-key-file=${join(dir, 'server.key')}`,
        `--client-ca-file=${join(dir, 'ca.crt')}`,
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        '--authorization-mode=Node,RBAC',
        `--service-account-key-file=${join(dir, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc',
        '--api-audiences=https://kubernetes.default.svc',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--endpoint-reconciler-type=none',
        '--disable-admission-plugins=ServiceAccount',
      ],
      { stdio: ['ignore', apiFd, apiFd] },
    );
    closeSync(apiFd);
    children.push(api);
    const server = `https://127.0.0.1:${securePort}`;
    const caFile = join(dir, 'ca.crt');
    await waitReady(server, caFile, api, apiLog, tokens.admin);
    const files = {} as Record<KubeIdentity, string>;
    for (const identity of ['admin', 'viewer', 'nobody'] as const) {
      files[identity] = join(dir, `${identity}.kubeconfig`);
      writeFileSync(files[identity], kubeconfig(server, caFile, tokens[identity]));
    }
    const kubectlBin = findPeer('kubectl') ?? 'kubectl';
    const kubectl = (args: readonly string[], input?: string): string => {
      try {
        return execFileSync(kubectlBin, ['--kubeconfig', files.admin, ...args], {
          encoding: 'utf8',
          input: input ?? '',
          stdio: ['pipe', 'pipe', 'pipe'],
        });
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr ?? '';
        throw new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim()}`);
      }
    };
    kubectl(['apply', '-f', join(peersBinDir(), '..', 'kube', 'nfd-api-crds.yaml')]);
    kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/nodefeatures.nfd.k8s-sigs.io']);
    kubectl(['apply', '-f', '-'], VIEWER_RBAC);
    if (options.controllers === true) {
      const managerLog = join(dir, 'kube-controller-manager.log');
      const managerFd = openSync(managerLog, 'a');
      const manager = spawn(
        join(kubeCacheDir(), 'kube-controller-manager'),
        [
          `--kubeconfig=${files.admin}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          `--secure-port=${await freePort()}`,
          `--service-account-private-key-file=${join(dir, 'sa.key')}`,
          `--root-ca-file=${caFile}`,
          '--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service-lb-controller,-route,-persistentvolume-binder,-attachdetach,-persistentvolume-expander,-ephemeral-volume,-pv-protection,-pvc-protection',
        ],
        { stdio: ['ignore', managerFd, managerFd] },
      );
      closeSync(managerFd);
      children.push(manager);
    }
    const { Agent, request: httpsRequest } = await import('node:https');
    const agent = new Agent({ keepAlive: true, ca: readFileSync(caFile), maxSockets: 16 });
    const request = (method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const text = body === undefined ? undefined : JSON.stringify(body);
        const req = httpsRequest(
          `${server}${path}`,
          {
            method,
            agent,
            headers: {
              authorization: `Bearer ${tokens.admin}`,
              accept: 'application/json',
              ...(text === undefined ? {} : { 'content-type': 'application/json' }),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const answer = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 0, body: answer === '' ? undefined : JSON.parse(answer) });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(text);
      });
    return {
      server,
      kubeconfig: files,
      dir,
      kubectl,
      request,
      stop: async () => {
        agent.destroy();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
