import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCompatibilitySpec, indexFeatures } from '@nfd/matcher';
import { loadCompatibilitySpec, NFD_API_VERSION, type NodeFeature } from '@nfd/spec';
import { afterAll, beforeAll, test } from 'vitest';
import { printRatios } from '../../../test/support/bench-ratios.ts';
import { runNode } from '../../../test/support/bench-spawn.ts';
import { connectKube, groupByNode, mergeAsMaster } from '../src/kube/index.ts';
import { run } from '../test/host.ts';
import {
  type FakeApiServer,
  selfSignedCertificate,
  startFakeApiServer,
} from '../test/kube/fake-apiserver.ts';
import { FIXTURE_HOSTS, fixtureNodeFeature, variant } from '../test/kube/fixtures.ts';

// `compat validate-cluster` over 5,000 NodeFeature objects (one per node) served by the test API
// server over HTTPS: variations of the three fixture hosts' exported NodeFeatures (~20–50 kB of
// JSON each, as nfd-worker publishes them), listed in pages of 500 as kubectl pages. Compared: the
// command in a fresh process (what a user pays), in a warm process, the two paged lists alone, and
// the evaluation alone; and, measured in the same run, their floors: `node -e 0` (process start),
// `JSON.parse` of the very bytes the two lists transfer, and the evaluation of a tenth of the nodes
// (linear scaling). `pnpm bench` builds the CLI first. Some nodes of this cluster pass the spec, so
// the command must exit 0 (1 would mean none does; anything else is a crash): either fails the run.

const NODES = 5000;
const SMALL = NODES / 10;
const PAGE = 500;
const cli = fileURLToPath(new URL('../../../apps/cli/bin/nfd', import.meta.url));
const spec = fileURLToPath(new URL('../test/fixtures/cluster-spec.yaml', import.meta.url));
const validateCluster = ['compat', 'validate-cluster', '--spec', spec, '-o', 'json'];

let server: FakeApiServer;
let env: Record<string, string> = {};
let objects: NodeFeature[] = [];
/** The response bodies of the two paged lists, exactly as the server sends them. */
let pages: string[] = [];

/** GETs every page of a list (limit/continue) from the test server, returning the raw bodies. */
async function listPages(path: string): Promise<string[]> {
  const bodies: string[] = [];
  let token: string | undefined;
  do {
    const query = new URLSearchParams({
      limit: String(PAGE),
      ...(token === undefined ? {} : { continue: token }),
    });
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${server.url}${path}?${query}`,
        { ca: selfSignedCertificate().cert, headers: { authorization: `Bearer ${server.options.token}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode === 200) resolve(text);
            else reject(new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 500)}`));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
    bodies.push(body);
    token = (JSON.parse(body) as { metadata?: { continue?: string } }).metadata?.continue;
  } while (token !== undefined && token !== '');
  return bodies;
}

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
  if (objects.length !== NODES) throw new Error(`listed ${objects.length} NodeFeatures, expected ${NODES}`);
  pages = [
    ...(await listPages('/api/v1/nodes')),
    ...(await listPages(`/apis/${NFD_API_VERSION}/nodefeatures`)),
  ];
}, 300_000);

afterAll(async () => {
  await server?.close();
});

/** Merges, indexes and evaluates each node's NodeFeatures, as the command does after listing. */
function evaluateNodes(compiled: ReturnType<typeof compileCompatibilitySpec>, list: NodeFeature[]): void {
  for (const [, group] of groupByNode(list)) {
    compiled.evaluate(indexFeatures(mergeAsMaster(group, 'node-feature-discovery').spec.features), {
      explain: true,
    });
  }
}

test(`validate-cluster over ${NODES} NodeFeatures`, async ({ bench }) => {
  const compiled = compileCompatibilitySpec(
    (() => {
      const loaded = loadCompatibilitySpec(readFileSync(spec, 'utf8'), { file: spec });
      const document = loaded.ok ? loaded.documents[0] : undefined;
      if (document === undefined) throw new Error(`${spec} is not a valid spec`);
      return document.value;
    })(),
  );
  // Once before timing: fails fast on an unbuilt CLI, and checks the answer is the expected one.
  const first = await runNode([cli, ...validateCluster], { expect: [0], env: { ...process.env, ...env } });
  const report = JSON.parse(first.stdout) as { nodes: unknown[]; summary: { compatible: number } };
  if (report.nodes.length !== NODES || report.summary.compatible === 0)
    throw new Error(
      `validate-cluster judged ${report.nodes.length} nodes, ${report.summary.compatible} compatible`,
    );
  const few = objects.slice(0, SMALL);
  const megabytes = pages.reduce((sum, page) => sum + Buffer.byteLength(page), 0) / 1e6;
  const names = {
    start: 'node -e 0 (process start only)',
    cold: 'nfd compat validate-cluster -o json (cold process)',
    warm: 'compat validate-cluster -o json (warm process)',
    lists: 'the two paged lists only (nodes, NodeFeatures)',
    parse: `JSON.parse of the two lists' ${pages.length} pages (${megabytes.toFixed(0)} MB)`,
    evaluate: `evaluation only (merge, index, evaluate ${NODES.toLocaleString('en')} nodes)`,
    evaluateFew: `evaluation only, ${SMALL} nodes`,
  } as const;
  const results = await bench.compare(
    bench(names.start, async () => {
      await runNode(['-e', '0'], { expect: [0] });
    }),
    bench(names.cold, async () => {
      const { stdout } = await runNode([cli, ...validateCluster], {
        expect: [0],
        env: { ...process.env, ...env },
      });
      if (stdout.length === 0) throw new Error('validate-cluster printed nothing');
    }),
    bench(names.warm, async () => {
      const result = await run(validateCluster, { env });
      if (result.code !== 0)
        throw new Error(`validate-cluster exited ${result.code}, expected 0: ${result.stderr}`);
    }),
    bench(names.lists, async () => {
      const client = await connectKube({ env });
      await Promise.all([client.listNodes(), client.listNodeFeatures()]);
    }),
    bench(names.parse, () => {
      for (const page of pages) JSON.parse(page);
    }),
    bench(names.evaluate, () => {
      evaluateNodes(compiled, objects);
    }),
    bench(names.evaluateFew, () => {
      evaluateNodes(compiled, few);
    }),
    { iterations: 5, time: 0, warmupIterations: 1, warmupTime: 0 },
  );
  printRatios(`validate-cluster over ${NODES} NodeFeatures`, results, [
    [names.cold, names.start],
    [names.cold, names.parse],
    [names.warm, names.parse],
    [names.lists, names.parse],
    [names.evaluate, names.evaluateFew],
  ]);
}, 900_000);
