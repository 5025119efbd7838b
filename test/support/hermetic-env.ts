// vitest setup file of every package: each test file runs with an empty home directory and without
// the user's registry, Kubernetes, proxy and NFD variables, so no test reads ~/.docker/config.json,
// ~/.kube/config or a developer's environment, and the programs the tests start (the bins, kubectl)
// inherit the same. Tests that need one of these set it themselves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { KUBE_VERSION } from './kube-version.ts';

const CLEARED = [
  'DOCKER_CONFIG',
  'REGISTRY_AUTH_FILE',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'KUBECONFIG',
  'KUBERNETES_SERVICE_HOST',
  'KUBERNETES_SERVICE_PORT',
  'NODE_NAME',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
];
// The machine's extra CA certificates, for the few tests that reach the npm registry as the user
// does (npm hangs retrying without them behind a TLS-inspecting proxy).
if (process.env.NODE_EXTRA_CA_CERTS !== undefined)
  process.env.NFD_TEST_NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
// Where scripts/kube-peers.sh cached the Kubernetes binaries (./kube-cluster.ts), kept across the
// emptied home and cache variables.
if (process.env.NFD_KUBE_CACHE === undefined || process.env.NFD_KUBE_CACHE === '') {
  const cacheHome = process.env.XDG_CACHE_HOME || (process.env.HOME ? join(process.env.HOME, '.cache') : ''); // path-check: allow (the user's cache, read before HOME is emptied)
  if (cacheHome !== '') process.env.NFD_KUBE_CACHE = join(cacheHome, 'nfd-ts', 'kube', KUBE_VERSION);
}
for (const name of CLEARED) delete process.env[name];

const home = mkdtempSync(join(tmpdir(), 'nfd-test-home-'));
process.env.HOME = home; // path-check: allow (sets the empty home of the tests)
afterAll(() => rmSync(home, { recursive: true, force: true }));
