import type { CompatibilitySpec, Features, NodeFeature, Rule } from '@nfd/spec';

// Synthetic but realistic inputs for the benchmarks: the shapes nfd-worker publishes, sized up.

/** A node with about `elements` elements spread over flags, attributes and PCI instances. */
export function makeFeatures(elements: number, seed = 0): Features {
  const flags: Record<string, Record<string, Record<string, never>>> = {
    'cpu.cpuid': {},
    'kernel.loadedmodule': {},
  };
  const config: Record<string, string> = {};
  const instances: { attributes: Record<string, string> }[] = [];
  const quarter = Math.floor(elements / 4);
  for (let i = 0; i < quarter; i++) {
    (flags['cpu.cpuid'] as Record<string, Record<string, never>>)[`FLAG_${i}`] = {};
    (flags['kernel.loadedmodule'] as Record<string, Record<string, never>>)[`module_${i}`] = {};
    config[`CONFIG_OPTION_${i}`] = i % 3 === 0 ? 'm' : 'y';
  }
  for (let i = 0; i < Math.floor(quarter / 4); i++) {
    const vendor = ((i + seed) % 4096).toString(16).padStart(4, '0');
    instances.push({ attributes: { vendor, device: '1572', class: i % 2 === 0 ? '0200' : '0300' } });
  }
  return {
    flags: Object.fromEntries(Object.entries(flags).map(([name, set]) => [name, { elements: set }])),
    attributes: {
      'kernel.config': { elements: config },
      'kernel.version': {
        elements: { major: '6', minor: String(seed % 12), full: `6.${seed % 12}.0-18-amd64` },
      },
      'cpu.model': { elements: { vendor_id: seed % 2 === 0 ? 'Intel' : 'AMD', family: '6', id: '143' } },
    },
    instances: { 'pci.device': { elements: instances } },
  };
}

export function makeNodeFeature(elements: number, seed: number): NodeFeature {
  return {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: { name: `node-${seed}` },
    spec: { features: makeFeatures(elements, seed), labels: {} },
  } as NodeFeature;
}

/** `count` rules of the kinds people write: flags, attribute ranges, regexes, instances, backrefs. */
export function makeRules(count: number): Rule[] {
  const rules: Rule[] = [];
  for (let i = 0; i < count; i++) {
    switch (i % 5) {
      case 0:
        rules.push({
          name: `flag-${i}`,
          labels: { [`vendor.io/flag-${i}`]: 'true' },
          matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { [`FLAG_${i}`]: { op: 'Exists' } } }],
        });
        break;
      case 1:
        rules.push({
          name: `kernel-${i}`,
          vars: { [`kernel-${i}`]: 'true' },
          matchFeatures: [
            { feature: 'kernel.version', matchExpressions: { major: { op: 'Ge', value: ['5'] } } },
            {
              feature: 'kernel.config',
              matchExpressions: { [`CONFIG_OPTION_${i}`]: { op: 'In', value: ['y', 'm'] } },
            },
          ],
        });
        break;
      case 2:
        rules.push({
          name: `regex-${i}`,
          labels: { [`vendor.io/module-${i}`]: 'true' },
          matchFeatures: [
            { feature: 'kernel.loadedmodule', matchName: { op: 'InRegexp', value: [`^module_${i}$`] } },
          ],
        });
        break;
      case 3:
        rules.push({
          name: `nic-${i}`,
          labels: { [`vendor.io/nic-${i}`]: 'true' },
          matchAny: [
            {
              matchFeatures: [
                {
                  feature: 'pci.device',
                  matchExpressions: {
                    vendor: { op: 'In', value: ['8086'] },
                    class: { op: 'In', value: ['0200'] },
                  },
                },
              ],
            },
            {
              matchFeatures: [
                {
                  feature: 'pci.device',
                  matchExpressions: {
                    vendor: { op: 'In', value: [(i % 4096).toString(16).padStart(4, '0')] },
                  },
                },
              ],
            },
          ],
        });
        break;
      default:
        rules.push({
          name: `backref-${i}`,
          labels: { [`vendor.io/backref-${i}`]: 'true' },
          matchFeatures: [
            { feature: 'rule.matched', matchExpressions: { [`kernel-${i - 3}`]: { op: 'IsTrue' } } },
          ],
        });
    }
  }
  return rules;
}

/** A spec of `count` rules in two sets, as image authors write them. */
export function makeSpec(count: number): CompatibilitySpec {
  const rules = makeRules(count).map(({ name, matchFeatures, matchAny, vars }) => ({
    name,
    matchFeatures,
    matchAny,
    vars,
  }));
  const half = Math.ceil(rules.length / 2);
  return {
    version: 'v1alpha1',
    compatibilities: [
      { tag: 'preferred', weight: 10, rules: rules.slice(0, half) },
      { tag: 'fallback', weight: 1, rules: rules.slice(half) },
    ],
  } as CompatibilitySpec;
}
