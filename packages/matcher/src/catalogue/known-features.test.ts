import { describe, expect, it } from 'vitest';
import { X86_CPUID_FLAGS } from './cpuid-names.ts';
import {
  canonicalHugepageSize,
  describeKnownFeature,
  KNOWN_DOMAINS,
  KNOWN_FEATURES,
  lookupElement,
  lookupFeature,
} from './known-features.ts';

describe('KNOWN_FEATURES', () => {
  it('lists every feature of features.md §3 under its full name', () => {
    expect(Object.keys(KNOWN_FEATURES).toSorted()).toEqual([
      'cpu.coprocessor',
      'cpu.cpuid',
      'cpu.cstate',
      'cpu.model',
      'cpu.pstate',
      'cpu.rdt',
      'cpu.security',
      'cpu.sst',
      'cpu.topology',
      'fake.attribute',
      'fake.flag',
      'fake.instance',
      'kernel.config',
      'kernel.enabledmodule',
      'kernel.kvm',
      'kernel.loadedmodule',
      'kernel.selinux',
      'kernel.version',
      'local.feature',
      'local.label',
      'memory.hugepages',
      'memory.numa',
      'memory.nv',
      'memory.swap',
      'network.device',
      'network.virtual',
      'pci.device',
      'rule.matched',
      'storage.block',
      'system.dmiid',
      'system.name',
      'system.osrelease',
      'usb.device',
    ]);
    expect(KNOWN_DOMAINS).toEqual([
      'cpu',
      'kernel',
      'memory',
      'network',
      'pci',
      'storage',
      'system',
      'usb',
      'local',
      'rule',
      'fake',
    ]);
  });

  it('gives every feature a closed element list, open names, or both', () => {
    for (const feature of Object.values(KNOWN_FEATURES)) {
      expect(feature.elements !== undefined || feature.open !== undefined, feature.name).toBe(true);
    }
  });

  it('knows cpu.cpuid as flag and attribute, with x86, level and HWCAP names', () => {
    const cpuid = lookupFeature('cpu.cpuid');
    expect(cpuid?.types).toEqual(['flag', 'attribute']);
    expect(X86_CPUID_FLAGS).toHaveLength(208);
    expect(X86_CPUID_FLAGS).not.toContain('TBM');
    for (const name of ['AVX512F', 'X86_64_V3', 'ASIMD', 'SVE2', 'VFPv3', 'POWER5+', 'HTM-NOSC', 'VXE2']) {
      expect(cpuid && lookupElement(cpuid, name)?.part, name).toBe('flag');
    }
    expect(cpuid && lookupElement(cpuid, 'AVX10_VERSION')?.part).toBe('attribute');
    expect(cpuid && lookupElement(cpuid, 'avx512f')).toBeUndefined();
  });

  it('lists pci.device instance attributes, slashes included', () => {
    const pci = lookupFeature('pci.device');
    expect(Object.keys(pci?.elements ?? {})).toEqual([
      'class',
      'vendor',
      'device',
      'subsystem_vendor',
      'subsystem_device',
      'sriov_totalvfs',
      'iommu_group/type',
      'iommu/intel-iommu/version',
    ]);
    expect(pci?.types).toEqual(['instance']);
  });

  it('looks names up lower-cased, like upstream (Q7)', () => {
    expect(lookupFeature('Kernel.Version')?.name).toBe('kernel.version');
    expect(lookupFeature('cpu.modle')).toBeUndefined();
    expect(lookupFeature('constructor')).toBeUndefined();
  });
});

describe('describeKnownFeature', () => {
  it('describes types, elements and formats', () => {
    expect(describeKnownFeature('cpu.model')).toMatchInlineSnapshot(`
      "cpu.model (attribute; features.md §3.1.2, 6.5): CPU vendor, family, model id and hypervisor.
        elements: vendor_id (a name such as \`Intel\`, \`AMD\`, \`Hygon\`), family (text), id (text), hypervisor (a name such as \`none\`, \`kvm\`, \`qemu\`)"
    `);
    expect(describeKnownFeature('kernel.loadedmodule')).toContain(
      'open names: module names from /proc/modules',
    );
    expect(describeKnownFeature('memory.hugepages')).toContain('also open names: `hugepages-<size>`');
    expect(describeKnownFeature('cpu.cpuid')).toContain('known names');
    expect(describeKnownFeature('custom.x')).toBeUndefined();
  });
});

describe('canonicalHugepageSize', () => {
  it.each([
    [2048n, '2Mi'],
    [1048576n, '1Gi'],
    [64n, '64Ki'],
    [32768n, '32Mi'],
    [524288n, '512Mi'],
    [1536n, '1536Ki'],
  ])('%s KiB → %s', (kib, expected) => {
    expect(canonicalHugepageSize(kib)).toBe(expected);
  });
});
