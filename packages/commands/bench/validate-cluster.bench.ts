import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCompatibilitySpec, indexFeatures } from '@nfd/matcher';
import { loadCompatibilitySpec, type NodeFeature } from '@nfd/spec';
import { afterAll, beforeAll, test } from 'vitest';
import { connectKube, groupByNode, mergeAsMaster } from '../src/kube/index.ts';
import { run } from '../test/host.ts';
import { type FakeApiServer, startFakeApiServer } from '../test/kube/fake-apiserver.ts';
import { FIXTURE_HOSTS, fixtureNodeFeature, variant } from '../test/kube/fixtures.ts';

// `compat validate-cluster` over 5,000 NodeFeature objects (one per node) served by the test API
// server over HTTPS: variations of the three fixture hosts' exported NodeFeatures (~20–50 kB of
// JSON each, as nfd-worker publishes them), listed in pages of 500 as kubectl pages. Compared: the
// command in a fresh process (what a user pays), in a warm process, the two paged lists alone, and
// the evaluation alone. Run `pnpm build` first (the cold case spawns the bin).

const NODES = 5000;
const cli = fileURLToPath(new URL('../../../apps/cli/bin/nfd', import.meta.url));
const spec = fileURLToPath(new URL('../test/fixtures/cluster-spec.yaml', import.meta.url));

let server: FakeApiServer;
let env: Record<string, string> = {};
let objects: NodeFeature[] = [];

beforeAll(async () => {
  server = await startFakeApiServer();
  env = { KUBECONFIG: server.writeKubeconfig(mkdtempSync(join(tmpdir(), 'nfd-bench-'))) };
  const bases = await Promise.all(FIXTURE_HOSTS.map((host) => fixtureNodeFeature(host)));
  for (let i = 0; i < NODES; i++) {
    const node = `worker-${String(i).padStart(5, '0')}`;
    const base = bases[i % bases.length];
    if (base === undefined) throw new Error('no fixture NodeFeature');
    server.addNode(node, { pool: i % bases.length === 0 ? 'arm' : 'x86' });
    server.addNodeFeatures(variant(base, node, i));
  }
  const client = await connectKube({ env });
  objects = await client.listNodeFeatures();
}, 300_000);

afterAll(async () => {
  await server?.close();
});

function spawnCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 1 << 30 },
      (error) => {
        // Exit 1 (no node compatible) is an answer, not a failure.
        if (error !== null && error.code !== 1) reject(error);
        else resolve();
      },
    );
  });
}

test(`validate-cluster over ${NODES} NodeFeatures`, async ({ bench }) => {
  if (!existsSync(cli)) throw new Error(`build the CLI first (pnpm build): ${cli} is missing`);
  const compiled = compileCompatibilitySpec(
    (() => {
      const loaded = loadCompatibilitySpec(readFileSync(spec, 'utf8'), { file: spec });
      const document = loaded.ok ? loaded.documents[0] : undefined;
      if (document === undefined) throw new Error(`${spec} is not a valid spec`);
      return document.value;
    })(),
  );
  await bench.compare(
    bench('nfd compat validate-cluster -o json (cold process)', async () => {
      await spawnCli(['compat', 'validate-cluster', '--spec', spec, '-o', 'json']);
    }),
    bench('compat validate-cluster -o json (warm process)', async () => {
      const result = await run(['compat', 'validate-cluster', '--spec', spec, '-o', 'json'], { env });
      if (result.code !== 0) throw new Error(result.stderr);
    }),
    bench('the two paged lists only (nodes, NodeFeatures)', async () => {
      const client = await connectKube({ env });
      await Promise.all([client.listNodes(), client.listNodeFeatures()]);
    }),
    bench('evaluation only (merge, index, evaluate 5,000 nodes)', () => {
      for (const [, group] of groupByNode(objects)) {
        compiled.evaluate(indexFeatures(mergeAsMaster(group, 'node-feature-discovery').spec.features), {
          explain: true,
        });
      }
    }),
    { iterations: 5, time: 0, warmupIterations: 1, warmupTime: 0 },
  );
}, 900_000);
