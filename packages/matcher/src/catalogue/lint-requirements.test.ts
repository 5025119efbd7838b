import { readFileSync } from 'node:fs';
import {
  type CompatibilitySpec,
  type FeatureMatcherTerm,
  type LoadedDocument,
  loadCompatibilitySpec,
  type MatchExpression,
} from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import {
  lintCompatibilitySpec,
  lintNodeFeatureRuleTerms,
  lintTerms,
  specRequirementIssues,
} from './lint-requirements.ts';

function load(text: string, file = 'spec.yaml'): LoadedDocument<CompatibilitySpec> {
  const result = loadCompatibilitySpec(text, { file });
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  const [document] = result.documents;
  if (document === undefined) throw new Error('no document');
  return document;
}

function seed(name: string): LoadedDocument<CompatibilitySpec> {
  return load(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'), name);
}

/** The messages for one term. */
function lint(term: FeatureMatcherTerm): string[] {
  return lintTerms([term], ['t']).map((finding) => finding.message);
}

/** The messages for one element expression. */
function lintElement(feature: string, element: string, expression: MatchExpression): string[] {
  return lint({ feature, matchExpressions: { [element]: expression } });
}

describe('seed specs', () => {
  it.each(['002-blog-spec.yaml', '003-docs-spec.yaml'])('%s: exactly the vfio-pci warning', (name) => {
    expect(specRequirementIssues(seed(name), name)).toEqual([
      {
        severity: 'warning',
        file: name,
        line: 10,
        column: 25,
        path: 'compatibilities[0].rules[0].matchFeatures[0].matchExpressions["vfio-pci"]',
        message: '/proc/modules lists `vfio_pci`; `vfio-pci` never matches',
      },
    ]);
  });

  it('004-kep-spec.yaml: vfio-pci, and `Amd` twice (NFD reports AMD)', () => {
    const issues = specRequirementIssues(seed('004-kep-spec.yaml'), 'kep.yaml');
    expect(issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.message}`)).toEqual([
      '12:25 compatibilities[0].rules[0].matchFeatures[0].matchExpressions["vfio-pci"]: /proc/modules lists `vfio_pci`; `vfio-pci` never matches',
      '15:53 compatibilities[0].rules[0].matchFeatures[1].matchExpressions.vendor_id.value[1]: `Amd` never matches: NFD reports `AMD` (case-sensitive)',
      '24:53 compatibilities[1].rules[0].matchFeatures[0].matchExpressions.vendor_id.value[1]: `Amd` never matches: NFD reports `AMD` (case-sensitive)',
    ]);
    expect(issues.every((issue) => issue.severity === 'warning')).toBe(true);
  });
});

describe('1. feature names', () => {
  it('suggests the closest known feature', () => {
    expect(lint({ feature: 'cpu.modle' })).toEqual([
      '`cpu.modle` is not a feature NFD discovers; did you mean `cpu.model`?',
    ]);
    expect(lint({ feature: 'pci.devices' })).toEqual([
      '`pci.devices` is not a feature NFD discovers; did you mean `pci.device`?',
    ]);
    expect(lint({ feature: 'kernel.loadedmodules' })).toEqual([
      '`kernel.loadedmodules` is not a feature NFD discovers; did you mean `kernel.loadedmodule`?',
    ]);
  });

  it('lists the domain’s features when nothing is close', () => {
    expect(lint({ feature: 'kernel.modules' })).toEqual([
      '`kernel.modules` is not a feature NFD discovers; `kernel` features are `kernel.version`, `kernel.config`, `kernel.loadedmodule`, `kernel.enabledmodule`, `kernel.selinux` or `kernel.kvm`',
    ]);
  });

  it('is careful with domains NFD does not have', () => {
    expect(lint({ feature: 'custom.x' })).toEqual([
      '`custom.x` is not a feature NFD discovers (unless a NodeFeature from another source provides it); custom rules make labels, which later rules see in `rule.matched`',
    ]);
    expect(lint({ feature: 'vendor.example.com/gpu' })).toEqual([
      '`vendor.example.com/gpu` is not a feature NFD discovers (unless a NodeFeature from another source provides it)',
    ]);
  });

  it('explains dot-less names and elements glued to the feature', () => {
    expect(lint({ feature: 'cpuid' })).toEqual([
      '`cpuid` is not a feature name: features are `<domain>.<feature>`; did you mean `cpu.cpuid`?',
    ]);
    expect(lint({ feature: 'cpu.cpuid.AVX512F' })).toEqual([
      '`cpu.cpuid.AVX512F` is not a feature NFD discovers; use `feature: cpu.cpuid` and put `AVX512F` under matchExpressions',
    ]);
  });

  it('compares lower-cased and accepts rule.matched, local.* and every catalogued feature', () => {
    for (const feature of [
      'CPU.Model',
      'rule.matched',
      'local.label',
      'local.feature',
      'system.dmiid',
      'memory.nv',
    ]) {
      expect(lint({ feature }), feature).toEqual([]);
    }
  });

  it('flags the fake source only in image compatibility specs', () => {
    const terms: FeatureMatcherTerm[] = [{ feature: 'fake.flag' }];
    expect(lintTerms(terms, ['t'])).toEqual([]);
    expect(lintTerms(terms, ['t'], { compat: true })).toEqual([
      {
        path: ['t', 0, 'feature'],
        message:
          '`fake.flag` comes from the fake source, which is disabled by default and never run by `nfd compat validate-node`',
      },
    ]);
  });
});

describe('2. element and attribute names', () => {
  it('suggests the known element', () => {
    expect(lintElement('cpu.model', 'vendor', { op: 'In', value: ['Intel'] })).toEqual([
      '`cpu.model` has no element `vendor`; did you mean `vendor_id`?',
    ]);
    expect(lintElement('pci.device', 'vendr', { op: 'In', value: ['10de'] })).toEqual([
      '`pci.device` instances have no attribute `vendr`; did you mean `vendor`?',
    ]);
  });

  it('lists a small element set when nothing is close', () => {
    expect(lintElement('cpu.topology', 'cores', { op: 'Exists' })).toEqual([
      '`cpu.topology` has no element `cores` (it has `hardware_multithreading` or `socket_count`)',
    ]);
  });

  it('points at the feature that has the attribute', () => {
    expect(lintElement('network.virtual', 'sriov_totalvfs', { op: 'Exists' })).toEqual([
      '`network.virtual` instances have no attribute `sriov_totalvfs` (it has `mtu`, `name`, `operstate` or `speed`); `sriov_totalvfs` is in `network.device` or `pci.device`',
    ]);
  });

  it('knows cpuid names are case-sensitive and maps /proc/cpuinfo spellings', () => {
    expect(lintElement('cpu.cpuid', 'avx512f', { op: 'Exists' })).toEqual([
      '`cpu.cpuid` has no element `avx512f`; did you mean `AVX512F`? (names are case-sensitive)',
    ]);
    expect(lintElement('cpu.cpuid', 'sse4_1', { op: 'Exists' })).toEqual([
      '`cpu.cpuid` has no element `sse4_1`; `sse4_1` is the /proc/cpuinfo spelling, NFD writes `SSE4`',
    ]);
    expect(lintElement('cpu.cpuid', 'SSE4.2', { op: 'Exists' })).toEqual([
      'NFD calls SSE4.2 `SSE42` (the upstream docs write `SSE4.2`); `SSE4.2` never matches',
    ]);
    expect(lintElement('cpu.cpuid', 'TBM', { op: 'Exists' })).toEqual([
      'the cpuid library declares `TBM` but never detects it, so NFD never reports it',
    ]);
    expect(lintElement('cpu.rdt', 'RDTl2CA', { op: 'IsTrue' })).toEqual([
      '`cpu.rdt` has no element `RDTl2CA`; did you mean `RDTL2CA`? (names are case-sensitive)',
    ]);
    expect(lintElement('cpu.pstate', 'scaling', { op: 'Exists' })).toEqual([
      'the element is `scaling_governor` (the upstream docs call it `scaling`); `scaling` never matches',
    ]);
  });

  it('says when DoesNotExist on an unknown name always holds', () => {
    expect(lintElement('cpu.model', 'vendor', { op: 'DoesNotExist' })).toEqual([
      'DoesNotExist always holds: `cpu.model` has no element `vendor`; did you mean `vendor_id`?',
    ]);
  });

  it('checks matchName values against element names', () => {
    expect(lint({ feature: 'network.device', matchName: { op: 'In', value: ['name', 'eth0'] } })).toEqual([
      '`eth0` never matches (matchName tests attribute names): `network.device` instances have no attribute `eth0` (it has `mtu`, `name`, `operstate`, `speed`, `sriov_numvfs` or `sriov_totalvfs`)',
    ]);
    expect(lint({ feature: 'cpu.cpuid', matchName: { op: 'InRegexp', value: ['^avx'] } })).toEqual([]);
  });

  it('checks names built from data: hugepages sizes, kconfig and os-release keys', () => {
    expect(lintElement('memory.hugepages', 'hugepages-2048kB', { op: 'Exists' })).toEqual([
      'NFD writes this page size as `hugepages-2Mi`; `hugepages-2048kB` never matches',
    ]);
    expect(lintElement('memory.hugepages', 'hugepages-1G', { op: 'Exists' })).toEqual([
      'NFD writes this page size as `hugepages-1Gi`; `hugepages-1G` never matches',
    ]);
    expect(lintElement('memory.hugepages', 'hugepages-2Mi', { op: 'Gt', value: ['0'] })).toEqual([]);
    expect(lintElement('memory.hugepages', 'hugepages-64Ki', { op: 'Exists' })).toEqual([]);
    expect(lintElement('kernel.config', 'CONFIG_NO_HZ_FULL', { op: 'In', value: ['y'] })).toEqual([
      'kernel.config names drop the CONFIG_ prefix (`NO_HZ_FULL`); `CONFIG_NO_HZ_FULL` never matches',
    ]);
    expect(lintElement('system.osrelease', 'VERSION_ID.patch', { op: 'Exists' })).toEqual([
      'NFD only adds `VERSION_ID.major` and `VERSION_ID.minor`; `VERSION_ID.patch` never matches',
    ]);
    expect(lintElement('system.osrelease', 'VERSION_ID.major', { op: 'Ge', value: ['22'] })).toEqual([]);
  });
});

describe('3. kernel module names', () => {
  it('warns on dashes in kernel.loadedmodule, keys and matchName values', () => {
    expect(lintElement('kernel.loadedmodule', 'nvidia-uvm', { op: 'Exists' })).toEqual([
      '/proc/modules lists `nvidia_uvm`; `nvidia-uvm` never matches',
    ]);
    expect(
      lintTerms(
        [{ feature: 'kernel.loadedmodule', matchName: { op: 'In', value: ['vfio_pci', 'vfio-pci'] } }],
        ['t'],
      ),
    ).toEqual([
      {
        path: ['t', 0, 'matchName', 'value', 1],
        message:
          '`vfio-pci` never matches (matchName tests element names): /proc/modules lists `vfio_pci`; `vfio-pci` never matches',
      },
    ]);
    expect(
      lint({ feature: 'kernel.loadedmodule', matchName: { op: 'NotIn', value: ['nouveau-drm'] } }),
    ).toEqual([
      '`nouveau-drm` never occurs, so NotIn excludes nothing (matchName tests element names): /proc/modules lists `nouveau_drm`; `nouveau-drm` never matches',
    ]);
  });

  it('warns on .ko file names', () => {
    expect(lintElement('kernel.loadedmodule', 'vfio-pci.ko', { op: 'Exists' })).toEqual([
      '/proc/modules lists bare module names (`vfio_pci`); `vfio-pci.ko` never matches',
    ]);
    expect(
      lintElement('kernel.enabledmodule', 'kernel/drivers/hid/hid-generic.ko', { op: 'Exists' }),
    ).toEqual([
      'kernel.enabledmodule holds bare module names (`hid-generic`); `kernel/drivers/hid/hid-generic.ko` never matches',
    ]);
  });

  it('leaves dashes alone in kernel.enabledmodule, where builtin modules keep them', () => {
    expect(lintElement('kernel.enabledmodule', 'hid-generic', { op: 'Exists' })).toEqual([]);
    expect(lintElement('kernel.enabledmodule', 'vfio-pci', { op: 'Exists' })).toEqual([]);
  });

  it('knows flag elements have no value', () => {
    expect(lintElement('kernel.loadedmodule', 'nvidia', { op: 'In', value: ['true'] })).toEqual([
      '`kernel.loadedmodule` is a flag feature: its elements have no value, so In never matches; use Exists',
    ]);
    expect(lintElement('cpu.cpuid', 'AVX512F', { op: 'IsTrue' })).toEqual([
      '`AVX512F` is a flag and has no value, so IsTrue never matches; use Exists',
    ]);
    expect(lintElement('cpu.cpuid', 'AVX10_VERSION', { op: 'Ge', value: ['2'] })).toEqual([]);
  });
});

describe('4. PCI and USB IDs', () => {
  it('wants a 4-digit PCI class', () => {
    expect(lintElement('pci.device', 'class', { op: 'In', value: ['020000', '0200', '02'] })).toEqual([
      '`020000` never matches: NFD reports the PCI class (base class and subclass) as 4 lower-case hex digits (`0200`)',
      '`02` never matches: NFD reports the PCI class (base class and subclass) as 4 lower-case hex digits',
    ]);
  });

  it('wants 4 lower-case hex digits for vendor and device IDs', () => {
    expect(lintElement('pci.device', 'vendor', { op: 'In', value: ['10DE', '0x15b3', '0eee'] })).toEqual([
      '`10DE` never matches: NFD reports PCI vendor IDs as 4 lower-case hex digits (`10de`)',
      '`0x15b3` never matches: NFD reports PCI vendor IDs as 4 lower-case hex digits (`15b3`)',
    ]);
    expect(lintElement('pci.device', 'device', { op: 'NotIn', value: ['20B0'] })).toEqual([
      '`20B0` never occurs, so NotIn excludes nothing: NFD reports PCI device IDs as 4 lower-case hex digits (`20b0`)',
    ]);
    expect(lintElement('usb.device', 'class', { op: 'In', value: ['0e', 'E0'] })).toEqual([
      '`E0` never matches: NFD reports the USB class as 2 lower-case hex digits (`e0`)',
    ]);
  });

  it('locates value findings at the value', () => {
    const findings = lintTerms(
      [{ feature: 'pci.device', matchExpressions: { class: { op: 'In', value: ['0300', '030000'] } } }],
      ['x'],
    );
    expect(findings.map((finding) => finding.path)).toEqual([
      ['x', 0, 'matchExpressions', 'class', 'value', 1],
    ]);
  });
});

describe('5. ordering operators', () => {
  it('wants integers without type: version', () => {
    expect(lintElement('kernel.version', 'major', { op: 'Ge', value: ['5.15'] })).toEqual([
      '`5.15` is not an integer; add `type: version` to compare versions',
    ]);
    expect(lintElement('memory.numa', 'node_count', { op: 'Gt', value: ['one'] })).toEqual([
      '`one` is not an integer, so the expression fails with an error',
    ]);
    expect(lintElement('kernel.version', 'full', { op: 'Ge', value: ['5.15'], type: 'version' })).toEqual([]);
    expect(lintElement('kernel.version', 'major', { op: 'Ge', value: ['5'] })).toEqual([]);
  });

  it('checks values of unknown features too, and matchName', () => {
    expect(lintElement('vendor.example.com/x', 'v', { op: 'Lt', value: ['1.2'] })).toEqual([
      '`vendor.example.com/x` is not a feature NFD discovers (unless a NodeFeature from another source provides it)',
      '`1.2` is not an integer; add `type: version` to compare versions',
    ]);
    expect(lint({ feature: 'rule.matched', matchName: { op: 'Gt', value: ['x'] } })).toEqual([
      '`x` is not an integer, so the expression fails with an error',
    ]);
  });

  it('wants versions with type: version', () => {
    expect(lintElement('kernel.version', 'full', { op: 'Ge', value: ['5.15.0.1'], type: 'version' })).toEqual(
      ['`5.15.0.1` is not a version, so Ge fails with an error'],
    );
  });

  it('knows kernel.version.full is never an integer', () => {
    expect(lintElement('kernel.version', 'full', { op: 'Gt', value: ['5'] })).toEqual([
      '`full` values such as `5.15.0-1056-azure` are not integers, so the expression fails with an error; add `type: version`',
    ]);
  });

  it('checks range bounds', () => {
    expect(lintElement('kernel.version', 'major', { op: 'GeLe', value: ['6', '5'] })).toEqual([
      'the first bound must be smaller than the second (`6` ≥ `5`), so GeLe fails with an error',
    ]);
    expect(
      lintElement('kernel.version', 'full', { op: 'GtLt', value: ['5.4', '5.4.0-rc1'], type: 'version' }),
    ).toEqual([
      'no version is strictly between `5.4` and `5.4.0-rc1` (pre-release parts are ignored), so GtLt never matches',
    ]);
    expect(
      lintElement('kernel.version', 'full', { op: 'GeLe', value: ['5.4', '5.4'], type: 'version' }),
    ).toEqual([]);
    expect(lintElement('kernel.version', 'minor', { op: 'GtLt', value: ['4', '10'] })).toEqual([]);
  });

  it('knows boolean attributes are never numbers', () => {
    expect(lintElement('kernel.kvm', 'enabled', { op: 'Gt', value: ['0'] })).toEqual([
      '`enabled` is `true` or `false`, never a number, so the expression fails with an error',
    ]);
  });

  it('leaves malformed expressions to the spec checks', () => {
    expect(lintElement('kernel.version', 'major', { op: 'Gt', value: ['5.1', '6'] })).toEqual([]);
    expect(lintElement('kernel.version', 'major', { op: 'Gt', value: ['5.1'], type: 'semver' })).toEqual([]);
  });
});

describe('6. value formats', () => {
  it('knows CPU vendor names (features.md §6.5)', () => {
    expect(
      lintElement('cpu.model', 'vendor_id', {
        op: 'In',
        value: ['GenuineIntel', 'amd', 'Ampere', 'IBM_S390'],
      }),
    ).toEqual([
      '`GenuineIntel` never matches: NFD reports `Intel`',
      '`amd` never matches: NFD reports `AMD` (case-sensitive)',
    ]);
    expect(lintElement('cpu.model', 'vendor_id', { op: 'In', value: ['IBM/S390'] })).toEqual([
      '`IBM/S390` never matches: NFD replaces characters outside `[-A-Za-z0-9_.]` with `_`',
    ]);
    expect(lintElement('cpu.model', 'hypervisor', { op: 'In', value: ['KVM', 'none'] })).toEqual([
      '`KVM` never matches: NFD reports `kvm` (case-sensitive)',
    ]);
  });

  it('knows which attributes are true/false', () => {
    expect(lintElement('storage.block', 'rotational', { op: 'IsTrue' })).toEqual([
      'IsTrue never matches: the value is `0` or `1`; use `In: ["1"]`',
    ]);
    expect(lintElement('cpu.rdt', 'RDTMON', { op: 'IsFalse' })).toEqual([
      'IsFalse never matches: the value is always `true`; use DoesNotExist (the element is absent otherwise)',
    ]);
    expect(lintElement('pci.device', 'sriov_totalvfs', { op: 'IsTrue' })).toEqual([
      'IsTrue never matches: the value is a decimal number',
    ]);
    expect(lintElement('kernel.selinux', 'enabled', { op: 'In', value: ['True'] })).toEqual([
      '`True` never matches: the value is `true` or `false`',
    ]);
    expect(lintElement('kernel.selinux', 'enabled', { op: 'IsTrue' })).toEqual([]);
  });

  it('knows kernel.config values are y/m, and unset options absent', () => {
    expect(lintElement('kernel.config', 'NO_HZ', { op: 'IsTrue' })).toEqual([
      'kernel.config values are written as in the kconfig (`y`, `m`, numbers, strings), never `true`; use `In: [y]` (or `[y, m]`)',
    ]);
    expect(lintElement('kernel.config', 'NO_HZ', { op: 'In', value: ['n'] })).toEqual([
      '`n` never matches: unset options are absent, never `n`; use DoesNotExist',
    ]);
    expect(lintElement('kernel.config', 'HZ', { op: 'In', value: ['250', 'y'] })).toEqual([]);
  });

  it('knows sysfs words', () => {
    expect(lintElement('network.device', 'operstate', { op: 'In', value: ['UP'] })).toEqual([
      '`UP` never matches: NFD reports `up` (case-sensitive)',
    ]);
    expect(lintElement('storage.block', 'zoned', { op: 'In', value: ['host-managed', 'zoned'] })).toEqual([
      '`zoned` never matches: the value is `none`, `host-aware` or `host-managed`',
    ]);
  });
});

describe('real host data', () => {
  // An excerpt of test/fixtures/hosts/{gpu-node,arm-node}/expected-features.json: a rule asking for
  // exactly what a real host has must never be warned about.
  const host = JSON.parse(
    readFileSync(new URL('./fixtures/host-features-excerpt.json', import.meta.url), 'utf8'),
  ) as {
    flags: Record<string, string[]>;
    attributes: Record<string, Record<string, string>>;
    instances: Record<string, Record<string, string>[]>;
  };
  const terms: FeatureMatcherTerm[] = [];
  for (const [feature, names] of Object.entries(host.flags)) {
    for (const name of names) {
      terms.push({
        feature,
        matchExpressions: { [name]: { op: 'Exists' } },
        matchName: { op: 'In', value: [name] },
      });
    }
  }
  for (const [key, elements] of Object.entries(host.attributes)) {
    const feature = key.replace(/ \(.*\)$/, '');
    for (const [name, value] of Object.entries(elements)) {
      terms.push({
        feature,
        matchExpressions: { [name]: { op: 'In', value: [value] } },
        matchName: { op: 'In', value: [name] },
      });
      if (value === 'true' || value === 'false') {
        terms.push({
          feature,
          matchExpressions: { [name]: { op: value === 'true' ? 'IsTrue' : 'IsFalse' } },
        });
      }
      if (/^-?[0-9]+$/.test(value))
        terms.push({ feature, matchExpressions: { [name]: { op: 'Ge', value: [value] } } });
    }
  }
  for (const [feature, instances] of Object.entries(host.instances)) {
    for (const attributes of instances) {
      const matchExpressions = Object.fromEntries(
        Object.entries(attributes).map(([name, value]): [string, MatchExpression] => [
          name,
          { op: 'In', value: [value] },
        ]),
      );
      terms.push({ feature, matchExpressions, matchName: { op: 'In', value: Object.keys(attributes) } });
    }
  }

  it('gives no warning for any element or value a real host reports', () => {
    expect(terms.length).toBeGreaterThan(150);
    expect(lintTerms(terms, ['t'])).toEqual([]);
  });
});

describe('rules and specs', () => {
  it('walks matchFeatures and matchAny of NodeFeatureRule rules', () => {
    const findings = lintNodeFeatureRuleTerms([
      { name: 'a', labels: { x: 'y' }, matchFeatures: [{ feature: 'cpu.modle' }] },
      {
        name: 'b',
        matchAny: [
          { matchFeatures: [{ feature: 'pci.device' }] },
          { matchFeatures: [{ feature: 'pci.devcie' }] },
        ],
      },
    ]);
    expect(findings.map((finding) => finding.path)).toEqual([
      ['spec', 'rules', 0, 'matchFeatures', 0, 'feature'],
      ['spec', 'rules', 1, 'matchAny', 1, 'matchFeatures', 0, 'feature'],
    ]);
  });

  it('walks compatibility sets', () => {
    const spec: CompatibilitySpec = {
      version: 'v1alpha1',
      compatibilities: [
        { rules: [{ name: 'r', matchFeatures: [{ feature: 'cpu.model' }] }] },
        { rules: [{ name: 'r', matchAny: [{ matchFeatures: [{ feature: 'fake.instance' }] }] }] },
      ],
    };
    expect(lintCompatibilitySpec(spec).map((finding) => finding.path)).toEqual([
      ['compatibilities', 1, 'rules', 0, 'matchAny', 0, 'matchFeatures', 0, 'feature'],
    ]);
  });

  it('says nothing about a realistic valid spec', () => {
    const doc = load(`
version: v1alpha1
compatibilities:
  - tag: gpu
    weight: 100
    description: NVIDIA GPU node with InfiniBand
    rules:
      - name: kernel
        matchFeatures:
          - feature: kernel.version
            matchExpressions:
              full: { op: Ge, value: ["5.15"], type: version }
              major: { op: GeLe, value: ["5", "7"] }
          - feature: kernel.loadedmodule
            matchExpressions:
              vfio_pci: { op: Exists }
              nvidia: { op: Exists }
              nouveau: { op: DoesNotExist }
            matchName: { op: InRegexp, value: ["^ib_"] }
          - feature: kernel.enabledmodule
            matchExpressions:
              hid-generic: { op: Exists }
              crc32c-intel: { op: Exists }
          - feature: kernel.config
            matchExpressions:
              NO_HZ_FULL: { op: In, value: ["y"] }
              HZ: { op: Ge, value: ["250"] }
              PREEMPT_RT: { op: DoesNotExist }
          - feature: kernel.selinux
            matchExpressions:
              enabled: { op: IsFalse }
          - feature: Kernel.KVM
            matchExpressions:
              enabled: { op: IsTrue }
      - name: cpu
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              AVX512F: { op: Exists }
              X86_64_V3: { op: Exists }
              AVX10_VERSION: { op: Ge, value: ["1"] }
            matchName: { op: In, value: [AMXTILE, AMXBF16, SVE2] }
          - feature: cpu.model
            matchExpressions:
              vendor_id: { op: In, value: [Intel, AMD, Ampere, VendorUnknown] }
              family: { op: In, value: ["6", "25"] }
              hypervisor: { op: In, value: [none, kvm] }
          - feature: cpu.pstate
            matchExpressions:
              status: { op: In, value: [active] }
              scaling_governor: { op: In, value: [performance] }
          - feature: cpu.security
            matchExpressions:
              sgx.enabled: { op: IsTrue }
              sgx.epc: { op: Gt, value: ["0"] }
          - feature: cpu.rdt
            matchExpressions:
              RDTL3CA: { op: IsTrue }
              RDTL3CA_NUM_CLOSID: { op: Ge, value: ["7"] }
          - feature: cpu.topology
            matchExpressions:
              hardware_multithreading: { op: IsTrue }
              socket_count: { op: Ge, value: ["2"] }
      - name: memory
        matchFeatures:
          - feature: memory.hugepages
            matchExpressions:
              enabled: { op: IsTrue }
              hugepages-1Gi: { op: Ge, value: ["8"] }
          - feature: memory.numa
            matchExpressions:
              is_numa: { op: IsTrue }
          - feature: memory.swap
            matchExpressions:
              enabled: { op: IsFalse }
      - name: devices
        matchAny:
          - matchFeatures:
              - feature: pci.device
                matchExpressions:
                  vendor: { op: In, value: ["10de"] }
                  class: { op: In, value: ["0302", "0300"] }
                  sriov_totalvfs: { op: Gt, value: ["0"] }
                  iommu_group/type: { op: In, value: [DMA, DMA-FQ] }
          - matchFeatures:
              - feature: pci.device
                matchExpressions:
                  vendor: { op: In, value: ["15b3"] }
                  class: { op: InRegexp, value: ["^02"] }
          - matchFeatures:
              - feature: network.device
                matchExpressions:
                  operstate: { op: In, value: [up] }
                  speed: { op: Ge, value: ["100000"] }
                  sriov_numvfs: { op: Gt, value: ["0"] }
          - matchFeatures:
              - feature: usb.device
                matchExpressions:
                  class: { op: In, value: ["0e", "ff"] }
                  vendor: { op: In, value: ["0624"] }
          - matchFeatures:
              - feature: storage.block
                matchExpressions:
                  rotational: { op: In, value: ["0"] }
                  zoned: { op: In, value: [none] }
      - name: system
        matchFeatures:
          - feature: system.osrelease
            matchExpressions:
              ID: { op: In, value: [ubuntu, rhel] }
              VERSION_ID: { op: Ge, value: ["22.04"], type: version }
              VERSION_ID.major: { op: Ge, value: ["22"] }
          - feature: system.dmiid
            matchExpressions:
              sys_vendor: { op: In, value: [Dell Inc.] }
          - feature: local.label
            matchExpressions:
              nvidia.com/mig.capable: { op: IsTrue }
          - feature: local.feature
            matchExpressions:
              gpu.example.com/driver-version: { op: Ge, value: ["535.0"], type: version }
          - feature: rule.matched
            matchExpressions:
              gpu-ready: { op: IsTrue }
          - feature: system.name
            matchExpressions:
              nodename: { op: InRegexp, value: ["^gpu-"] }
`);
    expect(specRequirementIssues(doc, 'spec.yaml')).toEqual([]);
  });
});
