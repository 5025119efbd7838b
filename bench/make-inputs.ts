// Writes the generated inputs of the speed comparison (bench/compare-speed.ts) into a directory:
//
//   node bench/make-inputs.ts DIR
//
// The shapes nfd-worker publishes and people write (packages/matcher/bench/fixtures.ts), sized up:
//   nodefeature-20k.json / -200k.json   a NodeFeature of ~20,000 / ~200,000 elements (kubectl's JSON)
//   nodefeature-20k.yaml                the same 20k NodeFeature as block YAML
//   rules-1000.yaml / rules-10000.yaml  a NodeFeatureRule of 1,000 / 10,000 rules
//   rules-10000-errors.yaml             10,000 rules, every tenth with an invalid label name
//   spec-20x3.yaml                      an image compatibility spec: 3 sets of 20 rules
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeNodeFeature, makeRules } from '../packages/matcher/bench/fixtures.ts';

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: node bench/make-inputs.ts DIR\n');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

/** Block-style YAML as people write it (strings quoted only where YAML 1.1 would retype them). */
function toYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []\n';
    return `\n${value.map((item) => `${indent}- ${toYaml(item, `${indent}  `).replace(/^\s+/, '')}`).join('')}`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return ' {}\n';
    return `\n${entries.map(([key, item]) => `${indent}${scalar(key)}:${toYaml(item, `${indent}  `)}`).join('')}`;
  }
  return ` ${scalar(value)}\n`;
}

function scalar(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  const plain =
    /^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(value) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

function ruleFile(count: number, broken = false): string {
  const rules = makeRules(count);
  if (broken) {
    // Every tenth rule gets a label name Kubernetes rejects: both validators must report it.
    rules.forEach((rule, i) => {
      if (i % 10 === 0) rule.labels = { ...rule.labels, [`vendor.io/bad label ${i}`]: 'true' };
    });
  }
  const object = {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeatureRule',
    metadata: { name: `bench-${count}` },
    spec: { rules },
  };
  return toYaml(object).replace(/^\n/, '');
}

function spec(sets: number, rulesPerSet: number): string {
  const rules = makeRules(sets * rulesPerSet).filter((rule) => !rule.name.startsWith('backref'));
  const object = {
    version: 'v1alpha1',
    compatibilities: Array.from({ length: sets }, (_, i) => ({
      tag: `set-${i}`,
      weight: sets - i,
      description: `set ${i} of the benchmark spec`,
      rules: rules
        .slice(i * rulesPerSet, (i + 1) * rulesPerSet)
        .map(({ name, matchFeatures, matchAny }) => ({ name, matchFeatures, matchAny })),
    })),
  };
  return toYaml(object).replace(/^\n/, '');
}

const write = (name: string, text: string): void => {
  writeFileSync(join(dir, name), text);
  process.stderr.write(`${name}\t${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB\n`);
};

const node20k = makeNodeFeature(20_000, 1);
write('nodefeature-20k.json', `${JSON.stringify(node20k, null, 4)}\n`);
write('nodefeature-20k.yaml', toYaml(node20k).replace(/^\n/, ''));
write('nodefeature-200k.json', `${JSON.stringify(makeNodeFeature(200_000, 1), null, 4)}\n`);
write('rules-1000.yaml', ruleFile(1000));
write('rules-10000.yaml', ruleFile(10_000));
write('rules-10000-errors.yaml', ruleFile(10_000, true));
write('spec-20x3.yaml', spec(3, 20));
