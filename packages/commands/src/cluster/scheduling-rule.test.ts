import { readdirSync, readFileSync } from 'node:fs';
import {
  compileCompatibilitySpec,
  compileRuleSet,
  indexFeatures,
  isSetCompatible,
  validateNodeFeatureRule,
} from '@nfd/matcher';
import {
  type CompatibilitySet,
  type CompatibilitySpec,
  type FeatureMatcherTerm,
  type Features,
  type GroupRule,
  loadCompatibilitySpec,
  loadNodeFeatureRule,
  NfdError,
  type NodeFeatureRule,
} from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  affinityWeight,
  COMPAT_LABEL_NS,
  generateScheduling,
  type Scheduling,
  setLabel,
  specDigest,
} from './scheduling-rule.ts';

const repo = new URL('../../../../', import.meta.url);
const hostsDir = new URL('test/fixtures/hosts/', repo);

function readFeatures(name: string): Features {
  return JSON.parse(readFileSync(new URL(`${name}/expected-features.json`, hostsDir), 'utf8')) as Features;
}

function loadSpec(text: string, file = 'spec.yaml'): CompatibilitySpec {
  const result = loadCompatibilitySpec(text, { file });
  if (!result.ok) throw new Error(`${file}: ${JSON.stringify(result.issues)}`);
  const [first] = result.documents;
  if (first === undefined) throw new Error(`${file}: no document`);
  return first.value;
}

/** The rule as `kubectl apply` would send it: through YAML and back, checked as `nfd validate` checks. */
function roundTrip(rule: NodeFeatureRule): NodeFeatureRule {
  const text = stringify(rule);
  const result = loadNodeFeatureRule(text, { file: 'generated.yaml' });
  if (!result.ok) throw new Error(`generated rule does not load: ${JSON.stringify(result.issues)}`);
  const [doc] = result.documents;
  if (doc === undefined) throw new Error('no document');
  const issues = validateNodeFeatureRule(doc, 'generated.yaml').filter((issue) => issue.severity === 'error');
  expect(issues).toEqual([]);
  return doc.value;
}

// --- node feature sets: real hosts and variations of them ---------------------------------------

function vary(base: Features, change: (features: Features) => void): Features {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

const gpu = readFeatures('gpu-node');
const arm = readFeatures('arm-node');
const here = readFeatures('this-machine');

const nodes: Record<string, Features> = {
  'gpu-node': gpu,
  'arm-node': arm,
  'this-machine': here,
  'gpu-node, AMD cpu': vary(gpu, (f) => {
    const model = f.attributes['cpu.model']?.elements;
    if (model) model.vendor_id = 'AMD';
  }),
  'gpu-node without vfio_pci and nvidia': vary(gpu, (f) => {
    const modules = f.flags['kernel.loadedmodule']?.elements;
    if (modules) {
      delete modules.vfio_pci;
      delete modules.nvidia;
    }
  }),
  'gpu-node without Mellanox NICs, kernel 4.19': vary(gpu, (f) => {
    const pci = f.instances['pci.device'];
    if (pci) pci.elements = (pci.elements ?? []).filter((d) => d.attributes?.vendor !== '15b3');
    const version = f.attributes['kernel.version']?.elements;
    if (version) version.full = '4.19.0-27-amd64';
  }),
  'this-machine without x86-64-v3': vary(here, (f) => {
    const cpuid = f.flags['cpu.cpuid']?.elements;
    if (cpuid) {
      delete cpuid.X86_64_V3;
      delete cpuid.X86_64_V4;
    }
  }),
  // The NIC of the upstream docs' example (vendor 0eee), and its vfio-pci module, spelled with a dash.
  'gpu-node with a 0eee NIC and vfio-pci': vary(gpu, (f) => {
    f.instances['pci.device']?.elements?.push({
      attributes: { vendor: '0eee', class: '0200', device: '0001' },
    });
    const modules = f.flags['kernel.loadedmodule']?.elements;
    if (modules) modules['vfio-pci'] = {};
  }),
  'no features at all': { flags: {}, attributes: {}, instances: {} },
};

// --- specs: examples, upstream seeds, synthetic ------------------------------------------------

function fileSpecs(dir: URL, filter: (name: string) => boolean): Record<string, CompatibilitySpec> {
  const out: Record<string, CompatibilitySpec> = {};
  for (const name of readdirSync(dir).filter(filter).sort()) {
    out[name] = loadSpec(readFileSync(new URL(name, dir), 'utf8'), name);
  }
  return out;
}

const term = (feature: string, expressions: FeatureMatcherTerm['matchExpressions']): FeatureMatcherTerm => ({
  feature,
  matchExpressions: expressions,
});

const synthetic: Record<string, CompatibilitySpec> = {
  'matchAny with matchFeatures, several sets, an empty set and an empty rule': {
    version: 'v1alpha1',
    compatibilities: [
      {
        weight: 50,
        tag: 'gpu',
        rules: [
          {
            name: 'nvidia and a NIC',
            matchFeatures: [term('kernel.loadedmodule', { nvidia: { op: 'Exists' } })],
            matchAny: [
              { matchFeatures: [term('pci.device', { vendor: { op: 'In', value: ['15b3'] } })] },
              {
                matchFeatures: [
                  term('pci.device', {
                    vendor: { op: 'In', value: ['8086'] },
                    class: { op: 'In', value: ['0200'] },
                  }),
                ],
              },
            ],
          },
          { name: 'anything', matchFeatures: [] },
        ],
      },
      {
        weight: 500,
        rules: [
          {
            name: 'arm64 with AES',
            matchFeatures: [
              term('cpu.cpuid', { AES: { op: 'Exists' }, ASIMD: { op: 'Exists' } }),
              term('cpu.model', { vendor_id: { op: 'In', value: ['ARM'] } }),
            ],
          },
        ],
      },
      { description: 'requires nothing', rules: [] },
      {
        weight: -3,
        rules: [
          {
            name: 'no nvidia, kernel 6.x, any name of a block device',
            matchFeatures: [
              term('kernel.loadedmodule', { nvidia: { op: 'DoesNotExist' } }),
              term('kernel.version', { major: { op: 'Gt', value: ['5'] } }),
              { feature: 'storage.block', matchName: { op: 'InRegexp', value: ['^nvme|^vd|^sd'] } },
            ],
          },
        ],
      },
    ],
  },
  'vars and varsTemplate of the spec (left out, nothing reads them)': {
    version: 'v1alpha1',
    compatibilities: [
      {
        rules: [
          {
            name: 'with vars',
            vars: { 'my-var': 'x' },
            varsTemplate: '{{ range .kernel.loadedmodule }}mod-{{ .Name }}=true\n{{ end }}',
            matchFeatures: [term('kernel.loadedmodule', { nvme: { op: 'Exists' } })],
          },
        ],
      },
      {
        rules: [
          { name: 'x86-64-v2', matchFeatures: [term('cpu.cpuid', { X86_64_V2: { op: 'Exists' } })] },
          {
            name: 'kernel >= 6.1 by version',
            matchFeatures: [term('kernel.version', { full: { op: 'Ge', value: ['6.1'], type: 'version' } })],
          },
        ],
      },
    ],
  },
};

const specs: Record<string, CompatibilitySpec> = {
  ...fileSpecs(new URL('examples/', repo), (name) => name.endsWith('.yaml') && !name.startsWith('invalid')),
  ...fileSpecs(new URL('packages/spec/test/fixtures/seeds/', repo), (name) => name.endsWith('.yaml')),
  ...synthetic,
};

/**
 * A checker of one spec against nodes: per set, does the generated rule (sent through YAML, as
 * `kubectl apply` would) label the node, and does validate-node find the set compatible?
 */
function comparer(spec: CompatibilitySpec, scheduling: Scheduling) {
  const compiledSpec = compileCompatibilitySpec(spec);
  const ruleSet = compileRuleSet(roundTrip(scheduling.nodeFeatureRule).spec.rules);
  return (features: Features) => {
    const index = indexFeatures(features);
    const statuses = compiledSpec.evaluate(index);
    const result = ruleSet.run(index);
    expect(result.errors).toEqual([]);
    return scheduling.sets.map((set, i) => {
      const status = statuses[i];
      if (status === undefined) throw new Error(`no status for set ${i}`);
      return { set: i, labelled: result.labels[set.label] === 'true', compatible: isSetCompatible(status) };
    });
  };
}

describe('generated NodeFeatureRule labels exactly the compatible nodes, per set', () => {
  const digest = specDigest('any spec');
  for (const [specName, spec] of Object.entries(specs)) {
    it(specName, () => {
      const scheduling = generateScheduling(spec, { digest });
      const compare = comparer(spec, scheduling);
      let labelled = 0;
      let unlabelled = 0;
      for (const [nodeName, features] of Object.entries(nodes)) {
        for (const row of compare(features)) {
          expect({ node: nodeName, set: row.set, labelled: row.labelled }).toEqual({
            node: nodeName,
            set: row.set,
            labelled: row.compatible,
          });
          if (row.labelled) labelled += 1;
          else unlabelled += 1;
        }
      }
      // Every spec here is satisfied by some node and refused by another: the comparison has teeth.
      expect(labelled).toBeGreaterThan(0);
      expect(unlabelled).toBeGreaterThan(0);
    });
  }

  it('agrees on 300 random specs built from terms that hold on some hosts and not on others', () => {
    // A small deterministic generator (mulberry32), so a failure reproduces.
    let seed = 0x5eed;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const pool: FeatureMatcherTerm[] = [
      term('cpu.model', { vendor_id: { op: 'In', value: ['Intel'] } }),
      term('cpu.model', { vendor_id: { op: 'In', value: ['AMD', 'ARM'] } }),
      term('cpu.model', { vendor_id: { op: 'NotIn', value: ['ARM'] } }),
      term('cpu.cpuid', { AVX2: { op: 'Exists' } }),
      term('cpu.cpuid', { X86_64_V3: { op: 'Exists' } }),
      term('cpu.cpuid', { ASIMD: { op: 'Exists' } }),
      term('cpu.cpuid', { AVX512F: { op: 'DoesNotExist' } }),
      term('kernel.loadedmodule', { nvidia: { op: 'Exists' } }),
      term('kernel.loadedmodule', { vfio_pci: { op: 'Exists' }, vfio: { op: 'Exists' } }),
      term('kernel.loadedmodule', { nvme: { op: 'Exists' } }),
      term('kernel.version', { major: { op: 'Ge', value: ['6'] } }),
      term('kernel.version', { full: { op: 'Lt', value: ['6.0'], type: 'version' } }),
      term('kernel.version', { full: { op: 'GeLe', value: ['5.10', '6.5'], type: 'version' } }),
      term('pci.device', { vendor: { op: 'In', value: ['10de'] } }),
      term('pci.device', { vendor: { op: 'In', value: ['15b3'] }, class: { op: 'In', value: ['0200'] } }),
      term('pci.device', { class: { op: 'InRegexp', value: ['^03'] } }),
      term('system.osrelease', { ID: { op: 'In', value: ['ubuntu', 'debian'] } }),
      term('memory.numa', { node_count: { op: 'Gt', value: ['1'] } }),
      term('no.such', { x: { op: 'Exists' } }),
      term('no.such', { x: { op: 'DoesNotExist' } }),
    ];
    const terms = (max: number): FeatureMatcherTerm[] =>
      Array.from({ length: 1 + Math.floor(random() * max) }, () => structuredClone(pick(pool)));
    const randomRule = (name: string): GroupRule => {
      const rule: GroupRule = { name };
      const shape = random();
      if (shape < 0.7) rule.matchFeatures = terms(3);
      if (shape > 0.4) {
        rule.matchAny = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
          matchFeatures: terms(2),
        }));
      }
      return rule;
    };
    let agreements = 0;
    let compatibleSets = 0;
    for (let n = 0; n < 300; n += 1) {
      const compatibilities: CompatibilitySet[] = Array.from(
        { length: 1 + Math.floor(random() * 3) },
        (_, s) => ({
          weight: Math.floor(random() * 20),
          rules: Array.from({ length: Math.floor(random() * 4) }, (_, r) => randomRule(`s${s}r${r}`)),
        }),
      );
      const spec: CompatibilitySpec = { version: 'v1alpha1', compatibilities };
      const compare = comparer(spec, generateScheduling(spec, { digest: specDigest(JSON.stringify(spec)) }));
      for (const [nodeName, features] of Object.entries(nodes)) {
        for (const row of compare(features)) {
          if (row.labelled !== row.compatible) {
            throw new Error(`spec ${n} set ${row.set} on ${nodeName}: ${JSON.stringify(spec)}`);
          }
          agreements += 1;
          if (row.compatible) compatibleSets += 1;
        }
      }
    }
    expect(agreements).toBeGreaterThan(1000);
    expect(compatibleSets).toBeGreaterThan(100);
    expect(agreements - compatibleSets).toBeGreaterThan(100);
  }, 60_000);
});

describe('generateScheduling', () => {
  const spec = loadSpec(readFileSync(new URL('examples/image-compatibility.yaml', repo), 'utf8'));
  const digest = specDigest('version: v1alpha1\n');

  it('names labels, vars and the rule after the spec digest, so specs do not collide', () => {
    const scheduling = generateScheduling(spec, { digest, source: 'examples/image-compatibility.yaml' });
    const hex = digest.slice('sha256:'.length, 'sha256:'.length + 12);
    expect(scheduling.sets.map((set) => set.label)).toEqual([
      `${COMPAT_LABEL_NS}/${hex}-set-0`,
      `${COMPAT_LABEL_NS}/${hex}-set-1`,
    ]);
    expect(scheduling.nodeFeatureRule.metadata?.name).toBe(`nfd-compat-${hex}`);
    expect(scheduling.nodeFeatureRule.metadata?.annotations).toEqual({
      'compat.nfd.k8s-sigs.io/spec-digest': digest,
      'compat.nfd.k8s-sigs.io/source': 'examples/image-compatibility.yaml',
    });
    const other = generateScheduling(spec, { digest: specDigest('version: v1alpha1\n# other\n') });
    expect(other.sets[0]?.label).not.toBe(scheduling.sets[0]?.label);
    expect(setLabel(digest, 3)).toBe(`${COMPAT_LABEL_NS}/${hex}-set-3`);
  });

  it('ANDs a set through one var per rule and a rule.matched rule that sets the label', () => {
    const { nodeFeatureRule } = generateScheduling(spec, { digest });
    const hex = digest.slice(7, 19);
    expect(nodeFeatureRule.spec.rules.map((rule) => rule.name)).toEqual([
      'set 0 rule 0: kernel and cpu',
      'set 0 rule 1: kernel version',
      'set 0 rule 2: one of available nics',
      'set 0: VFIO, kernel >= 5.15 and a ConnectX NIC',
      'set 1 rule 0: cpu',
      'set 1 rule 1: gpu driver',
      'set 1: any Intel or AMD node with an NVIDIA GPU',
    ]);
    expect(nodeFeatureRule.spec.rules[2]?.vars).toEqual({ [`compat-${hex}-set-0-rule-2`]: 'true' });
    expect(nodeFeatureRule.spec.rules[2]?.matchAny).toEqual(spec.compatibilities[0]?.rules[2]?.matchAny);
    expect(nodeFeatureRule.spec.rules[3]).toEqual({
      name: 'set 0: VFIO, kernel >= 5.15 and a ConnectX NIC',
      matchFeatures: [
        {
          feature: 'rule.matched',
          matchExpressions: {
            [`compat-${hex}-set-0-rule-0`]: { op: 'IsTrue' },
            [`compat-${hex}-set-0-rule-1`]: { op: 'IsTrue' },
            [`compat-${hex}-set-0-rule-2`]: { op: 'IsTrue' },
          },
        },
      ],
      labels: { [`${COMPAT_LABEL_NS}/${hex}-set-0`]: 'true' },
    });
  });

  it('requires one set (OR of terms) and prefers sets by weight, clamped to 1–100', () => {
    const withWeights: CompatibilitySpec = {
      version: 'v1alpha1',
      compatibilities: [
        { weight: 10, rules: [] },
        { rules: [] },
        { weight: 1000, rules: [] },
        { weight: -2, rules: [] },
      ],
    };
    const scheduling = generateScheduling(withWeights, { digest });
    const labels = scheduling.sets.map((set) => set.label);
    expect(scheduling.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: labels.map((key) => ({
        matchExpressions: [{ key, operator: 'In', values: ['true'] }],
      })),
    });
    expect(
      scheduling.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.map(
        (term) => term.weight,
      ),
    ).toEqual([10, 1, 100, 1]);
    expect(scheduling.warnings).toEqual([
      "compatibility set 2: weight 1000 is outside Kubernetes' 1–100; using 100",
      "compatibility set 3: weight -2 is outside Kubernetes' 1–100; using 1",
    ]);
    expect([affinityWeight(undefined), affinityWeight(0), affinityWeight(55)]).toEqual([1, 1, 55]);
  });

  it('refuses rule.matched backreferences with a clear error', () => {
    const backref: CompatibilitySpec = {
      version: 'v1alpha1',
      compatibilities: [
        {
          rules: [
            {
              name: 'sets a var',
              vars: { gpu: 'true' },
              matchFeatures: [term('pci.device', { vendor: { op: 'In', value: ['10de'] } })],
            },
            {
              name: 'reads it',
              matchAny: [{ matchFeatures: [term('rule.matched', { gpu: { op: 'IsTrue' } })] }],
            },
          ],
        },
      ],
    };
    expect(() => generateScheduling(backref, { digest })).toThrow(NfdError);
    expect(() => generateScheduling(backref, { digest })).toThrow(
      'compatibility set 0, rule "reads it" matches rule.matched (a backreference',
    );
  });

  it('warns about the vars it leaves out', () => {
    const scheduling = generateScheduling(
      synthetic['vars and varsTemplate of the spec (left out, nothing reads them)'] as CompatibilitySpec,
      {
        digest,
      },
    );
    expect(scheduling.warnings).toEqual([
      'compatibility set 0, rule "with vars": its vars are left out (nothing in the spec reads them)',
    ]);
    expect(scheduling.nodeFeatureRule.spec.rules[0]?.varsTemplate).toBeUndefined();
  });
});
