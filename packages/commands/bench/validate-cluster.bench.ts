import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NFD_API_VERSION } from '@nfd/spec';
import { afterAll, beforeAll, test } from 'vitest';
import { printRatios } from '../../../test/support/bench-ratios.ts';
import { type NodeRun, runNode, shebangFlags } from '../../../test/support/bench-spawn.ts';
import {
  type FakeApiServer,
  type KubeObject,
  selfSignedCertificate,
  startFakeApiServer,
} from '../test/kube/fake-apiserver.ts';
import { FIXTURE_HOSTS, fixtureNodeFeature, variant } from '../test/kube/fixtures.ts';

// `compat validate-cluster` over 5,000 NodeFeature objects (one per node) served by the test API
// server over HTTPS: variations of the three fixture hosts' exported NodeFeatures (~20–50 kB of
// JSON each, as nfd-worker publishes them) that fall into 20 distinct feature sets (pools of
// identical machines), listed in pages of 500 as kubectl pages; and the same over 20 NodeFeatures,
// one of each set. Measured, in the same run: the command in a fresh process (what a user pays)
// on both clusters, with its CPU time and peak RSS; the two paged lists alone; and the floors
// `node -e 0` and `JSON.parse` of the very bytes the two lists transfer. The command's --debug
// lines give its list and evaluation phases; the evaluation must grow with the distinct sets (20
// on both clusters), not with the nodes. `pnpm bench` builds the CLI first. Some nodes pass the
// spec, so the command must exit 0 (1 would mean none does; anything else is a crash).

const NODES = 5000;
const DISTINCT = 20;
const PAGE = 500;
const cli = fileURLToPath(new URL('../../../apps/cli/bin/nfd', import.meta.url));
const spec = fileURLToPath(new URL('../test/fixtures/cluster-spec.yaml', import.meta.url));
const validateCluster = [
  ...shebangFlags(cli),
  cli,
  '--debug',
  'compat',
  'validate-cluster',
  '--spec',
  spec,
  '-o',
  'json',
];

let large: FakeApiServer;
let small: FakeApiServer;
let largeEnv: Record<string, string> = {};
let smallEnv: Record<string, string> = {};
/** The response bodies of the two paged lists of the large cluster, exactly as the server sends them. */
let pages: string[] = [];

/** GETs every page of a list (limit/continue) from a test server, returning the raw bodies. */
async function listPages(server: FakeApiServer, path: string): Promise<string[]> {
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

/** Node i's NodeFeature: one of DISTINCT feature sets (a fixture host's, with a kernel of its own). */
function nodeFeature(bases: readonly KubeObject[], node: string, i: number): KubeObject {
  const pool = i % DISTINCT;
  const base = bases[pool % bases.length];
  if (base === undefined) throw new Error('no fixture NodeFeature');
  const object = variant(base, node, pool);
  const kernel = (
    object.spec as { features: { attributes: Record<string, { elements?: Record<string, string> }> } }
  ).features.attributes['kernel.version']?.elements;
  if (kernel !== undefined) kernel.full = `${kernel.full ?? ''}-pool${pool}`;
  return object;
}

beforeAll(async () => {
  const bases = await Promise.all(FIXTURE_HOSTS.map((host) => fixtureNodeFeature(host)));
  large = await startFakeApiServer();
  small = await startFakeApiServer();
  largeEnv = { KUBECONFIG: large.writeKubeconfig(mkdtempSync(join(tmpdir(), 'nfd-bench-'))) };
  smallEnv = { KUBECONFIG: small.writeKubeconfig(mkdtempSync(join(tmpdir(), 'nfd-bench-'))) };
  for (let i = 0; i < NODES; i++) {
    const node = `worker-${String(i).padStart(5, '0')}`;
    large.addNode(node);
    large.addNodeFeatures(nodeFeature(bases, node, i));
    if (i < DISTINCT) {
      small.addNode(node);
      small.addNodeFeatures(nodeFeature(bases, node, i));
    }
  }
  pages = [
    ...(await listPages(large, '/api/v1/nodes')),
    ...(await listPages(large, `/apis/${NFD_API_VERSION}/nodefeatures`)),
  ];
}, 300_000);

afterAll(async () => {
  await large?.close();
  await small?.close();
});

interface Phases {
  listMs: number;
  evaluateMs: number;
  distinct: number;
}

/** The list and evaluation phases the command reports with --debug. */
function phases(run: NodeRun): Phases {
  const listed = /listed \d+ nodes and \d+ NodeFeature objects in ([\d.]+) ms/.exec(run.stderr);
  const evaluated = /evaluated (\d+) distinct feature sets .* in ([\d.]+) ms/.exec(run.stderr);
  if (listed === null || evaluated === null)
    throw new Error(`no phase timings in:\n${run.stderr.slice(-2000)}`);
  return { listMs: Number(listed[1]), evaluateMs: Number(evaluated[2]), distinct: Number(evaluated[1]) };
}

async function coldRun(env: Record<string, string>, nodes: number): Promise<NodeRun> {
  const run = await runNode(validateCluster, { expect: [0], env: { ...process.env, ...env }, usage: true });
  const report = JSON.parse(run.stdout) as { nodes: unknown[]; summary: { compatible: number } };
  if (report.nodes.length !== nodes || report.summary.compatible === 0)
    throw new Error(
      `validate-cluster judged ${report.nodes.length} nodes, ${report.summary.compatible} compatible`,
    );
  return run;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
};

test(`validate-cluster over ${NODES} NodeFeatures in ${DISTINCT} distinct sets`, async ({ bench }) => {
  // Once before timing: fails fast on an unbuilt CLI, and checks the answer is the expected one.
  await coldRun(largeEnv, NODES);
  const megabytes = pages.reduce((sum, page) => sum + Buffer.byteLength(page), 0) / 1e6;
  const largeRuns: NodeRun[] = [];
  const smallRuns: NodeRun[] = [];
  const names = {
    start: 'node -e 0 (process start only)',
    cold: `nfd compat validate-cluster -o json, ${NODES} nodes (cold process)`,
    coldSmall: `nfd compat validate-cluster -o json, ${DISTINCT} nodes (cold process)`,
    parse: `JSON.parse of the two lists' ${pages.length} pages (${megabytes.toFixed(0)} MB)`,
  } as const;
  const results = await bench.compare(
    bench(names.start, async () => {
      await runNode(['-e', '0'], { expect: [0] });
    }),
    bench(names.cold, async () => {
      largeRuns.push(await coldRun(largeEnv, NODES));
    }),
    bench(names.coldSmall, async () => {
      smallRuns.push(await coldRun(smallEnv, DISTINCT));
    }),
    bench(names.parse, () => {
      for (const page of pages) JSON.parse(page);
    }),
    { iterations: 5, time: 0, warmupIterations: 1, warmupTime: 0 },
  );
  printRatios(`validate-cluster over ${NODES} NodeFeatures`, results, [
    [names.cold, names.coldSmall],
    [names.cold, names.start],
    [names.cold, names.parse],
  ]);
  const summary = (runs: NodeRun[]) => {
    const cpu = median(runs.map((run) => run.usage?.cpuMs ?? Number.NaN));
    const rss = median(runs.map((run) => run.usage?.maxRssMiB ?? Number.NaN));
    const phase = runs.map(phases);
    return {
      cpu,
      rss,
      list: median(phase.map((p) => p.listMs)),
      evaluate: median(phase.map((p) => p.evaluateMs)),
      distinct: phase[0]?.distinct ?? 0,
    };
  };
  const big = summary(largeRuns);
  const few = summary(smallRuns);
  process.stdout.write(
    [
      `usage: ${NODES} nodes: CPU ${big.cpu.toFixed(0)} ms, peak RSS ${big.rss.toFixed(0)} MiB; list ${big.list} ms, evaluation of ${big.distinct} distinct sets ${big.evaluate} ms`,
      `usage: ${DISTINCT} nodes: CPU ${few.cpu.toFixed(0)} ms, peak RSS ${few.rss.toFixed(0)} MiB; list ${few.list} ms, evaluation of ${few.distinct} distinct sets ${few.evaluate} ms`,
      `ratio: CPU ${NODES} nodes - ${DISTINCT} nodes = ${((big.cpu - few.cpu) / 1000).toFixed(2)} s`,
      `ratio: evaluation phase ${NODES} nodes / ${DISTINCT} nodes = ${(big.evaluate / few.evaluate).toFixed(2)}x (${big.evaluate} ms / ${few.evaluate} ms)`,
      '',
    ].join('\n'),
  );
}, 900_000);

// The sizes: 50 and 5,000 NodeFeature objects of ~1 kB and ~10 kB each (synthetic, as
// nfd-worker shapes them: cpu.cpuid flags, kernel.version, kernel.config options, loaded modules),
// again in 20 pools of identical machines. What grows with the nodes is the listing; the wall time
// of 5,000 must stay within 10× that of 50, and the CPU within 1.5 s of it.

const SMALL = 50;

/** A NodeFeature of about `bytes` bytes of JSON for `node` in `pool` (some pools lack AVX512F or run kernel 5). */
function sizedNodeFeature(node: string, pool: number, bytes: number): KubeObject {
  const flags: Record<string, Record<string, never>> = {};
  for (const flag of ['SSE4_2', 'AVX', 'AVX2', 'FMA3', ...(pool % 5 === 2 ? [] : ['AVX512F', 'AVX512BW'])])
    flags[flag] = {};
  const config: Record<string, string> = {};
  const modules: Record<string, Record<string, never>> = {};
  const object: KubeObject = {
    apiVersion: NFD_API_VERSION,
    kind: 'NodeFeature',
    metadata: {
      name: node,
      namespace: 'node-feature-discovery',
      labels: { 'nfd.node.kubernetes.io/node-name': node },
    },
    spec: {
      features: {
        flags: { 'cpu.cpuid': { elements: flags }, 'kernel.loadedmodule': { elements: modules } },
        attributes: {
          'kernel.version': {
            elements:
              pool % 3 === 1
                ? { full: `5.4.0-150-pool${pool}`, major: '5', minor: '4', revision: '0' }
                : { full: `6.8.0-45-pool${pool}`, major: '6', minor: '8', revision: '0' },
          },
          'kernel.config': { elements: config },
        },
        instances: {},
      },
      labels: {},
    },
  };
  // Each entry adds its key, its value and the punctuation around them to the JSON text.
  for (let i = 0, length = JSON.stringify(object).length; length < bytes; i++) {
    const key = i % 4 === 3 ? `module_${i}` : `OPTION_${i}`;
    if (i % 4 === 3) modules[key] = {};
    else config[key] = i % 2 === 0 ? 'y' : 'm';
    length += key.length + 8;
  }
  return object;
}

async function sizedServer(
  nodes: number,
  bytes: number,
): Promise<{ server: FakeApiServer; env: Record<string, string> }> {
  const server = await startFakeApiServer();
  for (let i = 0; i < nodes; i++) {
    const node = `worker-${String(i).padStart(5, '0')}`;
    server.addNode(node);
    server.addNodeFeatures(sizedNodeFeature(node, i % DISTINCT, bytes));
  }
  return { server, env: { KUBECONFIG: server.writeKubeconfig(mkdtempSync(join(tmpdir(), 'nfd-bench-'))) } };
}

for (const bytes of [1_000, 10_000]) {
  const size = `${bytes / 1000} kB`;
  test(`validate-cluster over ${SMALL} and ${NODES} NodeFeatures of ${size}`, async ({ bench }) => {
    const few = await sizedServer(SMALL, bytes);
    const many = await sizedServer(NODES, bytes);
    try {
      await coldRun(many.env, NODES);
      const smallRuns: NodeRun[] = [];
      const largeRuns: NodeRun[] = [];
      const names = {
        small: `nfd compat validate-cluster, ${SMALL} NodeFeatures of ${size} (cold process)`,
        large: `nfd compat validate-cluster, ${NODES} NodeFeatures of ${size} (cold process)`,
      } as const;
      const results = await bench.compare(
        bench(names.small, async () => {
          smallRuns.push(await coldRun(few.env, SMALL));
        }),
        bench(names.large, async () => {
          largeRuns.push(await coldRun(many.env, NODES));
        }),
        { iterations: 5, time: 0, warmupIterations: 1, warmupTime: 0 },
      );
      printRatios(`validate-cluster, NodeFeatures of ${size}`, results, [[names.large, names.small]]);
      const cpu = (runs: NodeRun[]) => median(runs.map((run) => run.usage?.cpuMs ?? Number.NaN));
      const rss = (runs: NodeRun[]) => median(runs.map((run) => run.usage?.maxRssMiB ?? Number.NaN));
      process.stdout.write(
        [
          `usage: ${NODES} × ${size}: CPU ${cpu(largeRuns).toFixed(0)} ms, peak RSS ${rss(largeRuns).toFixed(0)} MiB; ${SMALL} × ${size}: CPU ${cpu(smallRuns).toFixed(0)} ms, peak RSS ${rss(smallRuns).toFixed(0)} MiB`,
          `ratio: CPU ${NODES} nodes - ${SMALL} nodes (${size}) = ${((cpu(largeRuns) - cpu(smallRuns)) / 1000).toFixed(2)} s`,
          '',
        ].join('\n'),
      );
    } finally {
      await few.server.close();
      await many.server.close();
    }
  }, 900_000);
}
