import { test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { printRatios } from '../../../test/support/bench-ratios.ts';
import { loadNodeFeaturesForEvaluation, loadRuleFileForEvaluation } from '../src/evaluate-load.ts';
import { loadNodeFeature, loadNodeFeatureRule } from '../src/load.ts';

// Issue #12: the evaluating loader (go-yaml semantics, per-rule decoding) must not be slower than
// the strict one it replaced for the verdict commands. Floors measured in the same run: the strict
// loader on the same text, JSON.parse of the same document as JSON, and a tenth of the input.

function ruleFile(count: number): { yaml: string; json: string } {
  const rules = Array.from({ length: count }, (_, i) => ({
    name: `rule-${i}`,
    labels: { [`vendor.example/feature-${i}`]: 'true' },
    matchFeatures: [
      { feature: 'kernel.loadedmodule', matchExpressions: { [`mod_${i}`]: { op: 'Exists' } } },
      {
        feature: 'pci.device',
        matchExpressions: {
          vendor: { op: 'In', value: ['10de', '1002'] },
          class: { op: 'In', value: ['0300'] },
        },
      },
      {
        feature: 'kernel.version',
        matchExpressions: { full: { op: 'Ge', value: ['5.15'], type: 'version' } },
      },
    ],
  }));
  const yamlRules = rules
    .map(
      (rule) => `    - name: ${rule.name}
      labels:
        ${Object.keys(rule.labels)[0]}: "true"
      matchFeatures:
        - feature: kernel.loadedmodule
          matchExpressions:
            ${Object.keys(rule.matchFeatures[0]?.matchExpressions ?? {})[0]}: {op: Exists}
        - feature: pci.device
          matchExpressions:
            vendor: {op: In, value: ["10de", "1002"]}
            class: {op: In, value: ["0300"]}
        - feature: kernel.version
          matchExpressions:
            full: {op: Ge, value: ["5.15"], type: version}
`,
    )
    .join('');
  const head =
    'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata:\n  name: bench\nspec:\n  rules:\n';
  const object = {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeatureRule',
    metadata: { name: 'bench' },
    spec: { rules },
  };
  return { yaml: head + yamlRules, json: JSON.stringify(object) };
}

function nodeFeature(elements: number): string {
  const attributes: Record<string, { elements: Record<string, string> }> = {};
  for (let f = 0; f < elements / 100; f++) {
    const map: Record<string, string> = {};
    for (let e = 0; e < 100; e++) map[`element-${e}`] = `value-${f}-${e}`;
    attributes[`vendor.feature-${f}`] = { elements: map };
  }
  return JSON.stringify({
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: { name: 'n', labels: { 'nfd.node.kubernetes.io/node-name': 'n' } },
    spec: { features: { flags: {}, attributes, instances: {} }, labels: {} },
  });
}

test('a NodeFeatureRule file of 1,000 rules', async ({ bench }) => {
  const big = ruleFile(1000);
  const tenth = ruleFile(100);
  const names = {
    evaluating: 'evaluating loader, 1,000 rules',
    strict: 'strict loader, 1,000 rules',
    strictAsUsed: 'strict loader as dryrun used it (kind sniffing parse + load)',
    tenth: 'evaluating loader, 100 rules (a tenth)',
    parse: `JSON.parse of the same rules as JSON (${(big.json.length / 1e6).toFixed(2)} MB)`,
  } as const;
  const results = await bench.compare(
    bench(names.evaluating, () => {
      loadRuleFileForEvaluation(big.yaml, { file: 'rules.yaml' });
    }),
    bench(names.strict, () => {
      loadNodeFeatureRule(big.yaml, { file: 'rules.yaml' });
    }),
    bench(names.strictAsUsed, () => {
      // Before issue #12, dryrun parsed the file once to read its kind, then loaded it.
      parseAllDocuments(big.yaml)[0]?.get('kind');
      loadNodeFeatureRule(big.yaml, { file: 'rules.yaml' });
    }),
    bench(names.tenth, () => {
      loadRuleFileForEvaluation(tenth.yaml, { file: 'rules.yaml' });
    }),
    bench(names.parse, () => {
      JSON.parse(big.json);
    }),
    { iterations: 10, time: 2000 },
  );
  printRatios('loading 1,000 rules', results, [
    [names.evaluating, names.strict],
    [names.evaluating, names.strictAsUsed],
    [names.evaluating, names.tenth],
    [names.evaluating, names.parse],
  ]);
}, 300_000);

test('a NodeFeature of 20,000 elements (JSON, as kubectl writes it)', async ({ bench }) => {
  const json = nodeFeature(20_000);
  const names = {
    evaluating: 'evaluating loader',
    strict: 'strict loader',
    strictAsUsed: 'strict loader as dryrun -n used it (kind sniffing parse + load)',
    parse: `JSON.parse (${(json.length / 1e6).toFixed(2)} MB)`,
  } as const;
  const results = await bench.compare(
    bench(names.evaluating, () => {
      loadNodeFeaturesForEvaluation(json, { file: 'nf.json' });
    }),
    bench(names.strict, () => {
      loadNodeFeature(json, { file: 'nf.json' });
    }),
    bench(names.strictAsUsed, () => {
      parseAllDocuments(json)[0]?.get('kind');
      loadNodeFeature(json, { file: 'nf.json' });
    }),
    bench(names.parse, () => {
      JSON.parse(json);
    }),
    { iterations: 10, time: 2000 },
  );
  printRatios('loading a NodeFeature of 20,000 elements', results, [
    [names.evaluating, names.strict],
    [names.evaluating, names.strictAsUsed],
    [names.evaluating, names.parse],
  ]);
}, 300_000);
