// The catalogue of every feature NFD discovers, with the element names and value formats that a rule can
// meet on a real host. Source: the reference notes' features.md (sections 0, 2, 3, 4.2 and 6; trust the
// code column of §7 where the upstream docs disagree) and cpuinfo-to-nfd-cpuid.json. Used by the
// requirement lint (lint-requirements.ts) to tell a rule that can never match from one that can.

import { DMI_ID_ATTRIBUTES } from '@nfd/spec';
import {
  ARM_HWCAP_FLAGS,
  ARM64_HWCAP_FLAGS,
  PPC64LE_HWCAP_FLAGS,
  S390X_HWCAP_FLAGS,
  X86_64_LEVEL_FLAGS,
  X86_CPUID_FLAGS,
} from './cpuid-names.ts';

/** The three shapes of feature data (features.md §2.1). */
export type FeatureType = 'flag' | 'attribute' | 'instance';

/**
 * What the values of an element can look like. Only formats that features.md pins down are used; anything
 * else is `text`, about which the lint says nothing.
 */
export type ValueFormat =
  /** Exactly `true` or `false`. */
  | { readonly kind: 'boolean' }
  /** Exactly one of `values` (case-sensitive). */
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** Decimal digits (or the empty string, with `orEmpty`). */
  | { readonly kind: 'unsigned'; readonly orEmpty?: boolean }
  /** Decimal digits with an optional leading `-` (a link `speed` can be `-1`). */
  | { readonly kind: 'integer' }
  /** Exactly `digits` lower-case hex digits, without `0x`. */
  | {
      readonly kind: 'hex';
      readonly digits: number;
      readonly what: string;
      /** NFD cuts a value of this many digits down to `digits` (PCI class: `030200` → `0302`). */
      readonly truncatedFrom?: number;
    }
  /**
   * A name sanitised to `[-A-Za-z0-9_.]`, of which `known` are the spellings NFD writes for the common cases
   * (case-sensitive), and `aliases` are raw strings NFD maps to one of them (`GenuineIntel` → `Intel`).
   */
  | {
      readonly kind: 'name';
      readonly known: readonly string[];
      readonly aliases?: Readonly<Record<string, string>>;
    }
  /** A version string such as `5.15.0-1056-azure`: never an integer, so ordering needs `type: version`. */
  | { readonly kind: 'version'; readonly example: string }
  /** A kconfig value as written: `y`, `m`, a number or a string; unset options are absent, never `n`. */
  | { readonly kind: 'kconfig' }
  /** Free text. */
  | { readonly kind: 'text' };

/** One element (flag name, attribute name or instance attribute name) of a feature. */
export interface KnownElement {
  /** A flag element has no value, so only `Exists`, `DoesNotExist` and `""` can ever match it. */
  readonly part: FeatureType;
  /** Omitted for flag elements. */
  readonly values?: ValueFormat;
  readonly doc?: string;
}

/** Element names that are data (module names, kconfig options, os-release keys…). */
export interface OpenElements {
  readonly part: FeatureType;
  readonly values?: ValueFormat;
  /** What the names are, for messages and docs: "module names from /proc/modules". */
  readonly doc: string;
  /**
   * A complete warning when `name` can never be an element (e.g. a module name with `-` in
   * kernel.loadedmodule), or undefined when it can.
   */
  readonly checkName?: (name: string) => string | undefined;
}

/** A feature NFD discovers, as a rule names it: `<domain>.<feature>`. */
export interface KnownFeature {
  readonly name: string;
  readonly types: readonly FeatureType[];
  /** Where features.md describes it. */
  readonly section: string;
  readonly doc: string;
  /** The closed list of element names (for instances: attribute names). */
  readonly elements?: Readonly<Record<string, KnownElement>>;
  /** Names beyond `elements` that are data rather than a fixed list. */
  readonly open?: OpenElements;
  /** Names that look right but never appear, with the message that explains why. */
  readonly neverNames?: Readonly<Record<string, string>>;
  /** Produced only by a source that is off by default (fake), so `nfd compat validate-node` never has it. */
  readonly disabledByDefault?: boolean;
}

const BOOLEAN: ValueFormat = { kind: 'boolean' };
const TRUE_ONLY: ValueFormat = { kind: 'enum', values: ['true'] };
const UNSIGNED: ValueFormat = { kind: 'unsigned' };
const UNSIGNED_OR_EMPTY: ValueFormat = { kind: 'unsigned', orEmpty: true };
const INTEGER: ValueFormat = { kind: 'integer' };
const TEXT: ValueFormat = { kind: 'text' };
const ZERO_ONE: ValueFormat = { kind: 'enum', values: ['0', '1'] };

function attributes(
  entries: Readonly<Record<string, ValueFormat>>,
  part: FeatureType = 'attribute',
): Record<string, KnownElement> {
  return Object.fromEntries(Object.entries(entries).map(([name, values]) => [name, { part, values }]));
}

/** CPU vendor names NFD writes (features.md §6.5), x86 then arm64. */
export const CPU_VENDOR_NAMES: readonly string[] = [
  'Intel',
  'AMD',
  'Hygon',
  'VIA',
  'Transmeta',
  'NSC',
  'SiS',
  'RDC',
  'ARM',
  'Broadcom',
  'Cavium',
  'DEC',
  'Fujitsu',
  'Infineon',
  'Motorola',
  'NVIDIA',
  'AMCC',
  'Qualcomm',
  'Marvell',
  'Ampere',
  'VendorUnknown',
];

/** Raw CPUID vendor strings (cpuinfo `vendor_id`) → the name NFD writes instead (features.md §6.5). */
const CPU_VENDOR_ALIASES: Readonly<Record<string, string>> = {
  GenuineIntel: 'Intel',
  AuthenticAMD: 'AMD',
  'AMDisbetter!': 'AMD',
  HygonGenuine: 'Hygon',
  CentaurHauls: 'VIA',
  TransmetaCPU: 'Transmeta',
  GenuineTMx86: 'Transmeta',
  'Geode by NSC': 'NSC',
  'Vortex86 SoC': 'SiS',
  RiseRiseRise: 'SiS',
  'Genuine  RDC': 'RDC',
  HiSilicon: 'VendorUnknown',
  Apple: 'VendorUnknown',
};

/** Hypervisor names NFD writes for the known CPUID hypervisor vendors (features.md §3.1.2). */
const HYPERVISOR_NAMES: readonly string[] = [
  'none',
  'kvm',
  'qemu',
  'msvm',
  'vmware',
  'xenhvm',
  'bhyve',
  'qnx',
  'acrn',
  'sre',
  'apple',
];

const HYPERVISOR_ALIASES: Readonly<Record<string, string>> = {
  KVMKVMKVM: 'kvm',
  'Linux KVM Hv': 'kvm',
  TCGTCGTCGTCG: 'qemu',
  'Microsoft Hv': 'msvm',
  VMwareVMware: 'vmware',
  XenVMMXenVMM: 'xenhvm',
};

// Kernel strings (not in features.md, but fixed by the kernel's sysfs code): net/core/net-sysfs.c prints
// operstate from an RFC 2863 table; block/blk-sysfs.c prints `zoned` as one of three words.
const OPERSTATES: readonly string[] = [
  'unknown',
  'notpresent',
  'down',
  'lowerlayerdown',
  'testing',
  'dormant',
  'up',
];
const ZONED_MODELS: readonly string[] = ['none', 'host-aware', 'host-managed'];

const CPUID_ELEMENTS: Record<string, KnownElement> = {
  ...Object.fromEntries(
    [
      ...X86_CPUID_FLAGS,
      ...X86_64_LEVEL_FLAGS,
      ...ARM64_HWCAP_FLAGS,
      ...ARM_HWCAP_FLAGS,
      ...PPC64LE_HWCAP_FLAGS,
      ...S390X_HWCAP_FLAGS,
    ].map((name): [string, KnownElement] => [name, { part: 'flag' }]),
  ),
  AVX10_VERSION: { part: 'attribute', values: UNSIGNED, doc: 'AVX10 version (amd64 with AVX10 only)' },
};

// kernel.loadedmodule holds the first column of /proc/modules verbatim (features.md §0.1, §3.2.3). The
// kernel builds that name from KBUILD_MODNAME, which always has `_` where the file name has `-`, so a name
// with `-` can never be there. kernel.enabledmodule also holds modules.builtin basenames verbatim (§3.2.4),
// and those keep their dashes (`hid-generic`); whether a given dashed name appears there depends on the
// host's kernel build (builtin or not), so a dash is NOT flagged for enabledmodule: it can match.
const KO_SUFFIX = /\.ko(?:\.(?:gz|xz|zst))?$/;

function moduleBaseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1).replace(KO_SUFFIX, '');
}

function checkLoadedModule(name: string): string | undefined {
  if (name.includes('/') || KO_SUFFIX.test(name)) {
    const base = moduleBaseName(name).replaceAll('-', '_');
    return `/proc/modules lists bare module names (\`${base}\`); \`${name}\` never matches`;
  }
  if (name.includes('-')) {
    return `/proc/modules lists \`${name.replaceAll('-', '_')}\`; \`${name}\` never matches`;
  }
  return undefined;
}

function checkEnabledModule(name: string): string | undefined {
  if (name.includes('/') || KO_SUFFIX.test(name)) {
    return `kernel.enabledmodule holds bare module names (\`${moduleBaseName(name)}\`); \`${name}\` never matches`;
  }
  return undefined;
}

function checkKconfigName(name: string): string | undefined {
  if (name.startsWith('CONFIG_') && name.length > 'CONFIG_'.length) {
    return `kernel.config names drop the CONFIG_ prefix (\`${name.slice('CONFIG_'.length)}\`); \`${name}\` never matches`;
  }
  if (name.includes('=')) return `kernel.config option names never contain \`=\`; \`${name}\` never matches`;
  return undefined;
}

// os-release keys are `^(\w+)=` (ASCII word characters, §3.7.1); NFD adds only VERSION_ID.major/.minor.
function checkOsReleaseKey(name: string): string | undefined {
  if (/^[A-Za-z0-9_]+$/.test(name) || name === 'VERSION_ID.major' || name === 'VERSION_ID.minor')
    return undefined;
  if (name.startsWith('VERSION_ID.')) {
    return `NFD only adds \`VERSION_ID.major\` and \`VERSION_ID.minor\`; \`${name}\` never matches`;
  }
  return `os-release keys are letters, digits and \`_\`; \`${name}\` never matches`;
}

function checkLocalKey(name: string): string | undefined {
  return name.includes('=')
    ? `a features.d key ends at the first \`=\`; \`${name}\` never matches`
    : name === ''
      ? 'an empty key never matches'
      : undefined;
}

const BINARY_UNITS = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

/** `2048` (KiB) → `2Mi`: the largest binary unit that divides exactly (features.md §3.3.4). */
export function canonicalHugepageSize(kib: bigint): string {
  let value = kib;
  let unit = 0;
  while (value > 0n && value % 1024n === 0n && unit < BINARY_UNITS.length - 1) {
    value /= 1024n;
    unit++;
  }
  return `${value}${BINARY_UNITS[unit] ?? 'Ki'}`;
}

const UNIT_KIB: Readonly<Record<string, bigint>> = {
  k: 1n,
  m: 1024n,
  g: 1024n ** 2n,
  t: 1024n ** 3n,
  p: 1024n ** 4n,
  e: 1024n ** 5n,
};

function checkHugepagesName(name: string): string | undefined {
  const shape = 'memory.hugepages elements are `enabled` and `hugepages-<size>` in canonical binary units';
  const match = /^hugepages-([0-9]+)\s*([kmgtpeKMGTPE])?(i?)([bB]?)$/.exec(name);
  if (match === null) return `${shape} (\`hugepages-2Mi\`, \`hugepages-1Gi\`); \`${name}\` never matches`;
  const [, digits = '0', unit, binary] = match;
  if (unit === undefined) return `${shape} (\`hugepages-${digits}Ki\`?); \`${name}\` never matches`;
  const multiplier = UNIT_KIB[unit.toLowerCase()] ?? 1n;
  const canonical = `hugepages-${canonicalHugepageSize(BigInt(digits) * multiplier)}`;
  if (canonical === name && binary === 'i') return undefined;
  return `NFD writes this page size as \`${canonical}\`; \`${name}\` never matches`;
}

const FEATURE_LIST: readonly KnownFeature[] = [
  // ---- cpu (features.md §3.1)
  {
    name: 'cpu.cpuid',
    types: ['flag', 'attribute'],
    section: '3.1.1, 6',
    doc: 'CPU feature flags: x86 CPUID names (AVX512F, X86_64_V3…) or HWCAP names on arm/arm64/ppc64le/s390x; attribute AVX10_VERSION on amd64.',
    elements: CPUID_ELEMENTS,
    neverNames: {
      TBM: 'the cpuid library declares `TBM` but never detects it, so NFD never reports it',
      'SSE4.1': 'NFD calls SSE4.1 `SSE4` (the upstream docs write `SSE4.1`); `SSE4.1` never matches',
      'SSE4.2': 'NFD calls SSE4.2 `SSE42` (the upstream docs write `SSE4.2`); `SSE4.2` never matches',
    },
  },
  {
    name: 'cpu.model',
    types: ['attribute'],
    section: '3.1.2, 6.5',
    doc: 'CPU vendor, family, model id and hypervisor.',
    elements: attributes({
      vendor_id: { kind: 'name', known: CPU_VENDOR_NAMES, aliases: CPU_VENDOR_ALIASES },
      // s390x takes family and id from /proc/cpuinfo text, so no format is certain for them.
      family: TEXT,
      id: TEXT,
      hypervisor: { kind: 'name', known: HYPERVISOR_NAMES, aliases: HYPERVISOR_ALIASES },
    }),
  },
  {
    name: 'cpu.cstate',
    types: ['attribute'],
    section: '3.1.3',
    doc: 'Intel C-states (intel_idle driver).',
    elements: attributes({ enabled: BOOLEAN }),
  },
  {
    name: 'cpu.pstate',
    types: ['attribute'],
    section: '3.1.4',
    doc: 'intel_pstate status, turbo and the common scaling governor.',
    elements: attributes({
      status: { kind: 'enum', values: ['active', 'passive'] },
      turbo: BOOLEAN,
      scaling_governor: TEXT,
    }),
    neverNames: {
      scaling:
        'the element is `scaling_governor` (the upstream docs call it `scaling`); `scaling` never matches',
    },
  },
  {
    name: 'cpu.rdt',
    types: ['attribute'],
    section: '3.1.5',
    doc: 'Intel RDT capabilities (value `true`) and the L3 CLOS count.',
    elements: attributes({
      RDTMON: TRUE_ONLY,
      RDTCMT: TRUE_ONLY,
      RDTMBM: TRUE_ONLY,
      RDTL3CA: TRUE_ONLY,
      RDTL2CA: TRUE_ONLY,
      RDTMBA: TRUE_ONLY,
      RDTL3CA_NUM_CLOSID: UNSIGNED,
    }),
  },
  {
    name: 'cpu.security',
    types: ['attribute'],
    section: '3.1.6',
    doc: 'SGX, TDX, SEV and s390x secure execution.',
    elements: attributes({
      'sgx.enabled': TRUE_ONLY,
      'sgx.epc': UNSIGNED,
      'tdx.enabled': TRUE_ONLY,
      'tdx.total_keys': INTEGER,
      'tdx.protected': TRUE_ONLY,
      'sev.enabled': TRUE_ONLY,
      'sev.asids': INTEGER,
      'sev.es.enabled': TRUE_ONLY,
      'sev.encrypted_state_ids': INTEGER,
      'sev.snp.enabled': TRUE_ONLY,
      'se.enabled': TRUE_ONLY,
    }),
  },
  {
    name: 'cpu.sst',
    types: ['attribute'],
    section: '3.1.7',
    doc: 'Intel Speed Select Technology (base frequency).',
    elements: attributes({ 'bf.enabled': TRUE_ONLY }),
  },
  {
    name: 'cpu.topology',
    types: ['attribute'],
    section: '3.1.8',
    doc: 'Hardware multithreading and socket count.',
    elements: attributes({ hardware_multithreading: BOOLEAN, socket_count: UNSIGNED }),
  },
  {
    name: 'cpu.coprocessor',
    types: ['attribute'],
    section: '3.1.9',
    doc: 'Coprocessors (ppc64le NX gzip).',
    elements: attributes({ nx_gzip: TRUE_ONLY }),
  },
  // ---- kernel (§3.2)
  {
    name: 'kernel.version',
    types: ['attribute'],
    section: '3.2.1',
    doc: 'Kernel release, whole and split into major, minor, revision.',
    elements: attributes({
      full: { kind: 'version', example: '5.15.0-1056-azure' },
      major: UNSIGNED_OR_EMPTY,
      minor: UNSIGNED_OR_EMPTY,
      revision: UNSIGNED_OR_EMPTY,
    }),
  },
  {
    name: 'kernel.config',
    types: ['attribute'],
    section: '3.2.2',
    doc: 'Kernel configuration options, without the CONFIG_ prefix; values as written (y, m, numbers, strings).',
    open: {
      part: 'attribute',
      values: { kind: 'kconfig' },
      doc: 'kconfig option names without CONFIG_',
      checkName: checkKconfigName,
    },
  },
  {
    name: 'kernel.loadedmodule',
    types: ['flag'],
    section: '3.2.3',
    doc: 'Loaded kernel modules: the first column of /proc/modules (always `_`, never `-`).',
    open: { part: 'flag', doc: 'module names from /proc/modules', checkName: checkLoadedModule },
  },
  {
    name: 'kernel.enabledmodule',
    types: ['flag'],
    section: '3.2.4',
    doc: 'Loaded modules plus builtin ones from modules.builtin (builtin names keep their dashes).',
    open: { part: 'flag', doc: 'module names', checkName: checkEnabledModule },
  },
  {
    name: 'kernel.selinux',
    types: ['attribute'],
    section: '3.2.5',
    doc: 'SELinux in enforcing mode.',
    elements: attributes({ enabled: BOOLEAN }),
  },
  {
    name: 'kernel.kvm',
    types: ['attribute'],
    section: '3.2.6',
    doc: 'Whether /dev/kvm exists.',
    elements: attributes({ enabled: BOOLEAN }),
  },
  // ---- memory (§3.3)
  {
    name: 'memory.numa',
    types: ['attribute'],
    section: '3.3.1',
    doc: 'NUMA node count.',
    elements: attributes({ is_numa: BOOLEAN, node_count: UNSIGNED }),
  },
  {
    name: 'memory.swap',
    types: ['attribute'],
    section: '3.3.2',
    doc: 'Whether swap is enabled.',
    elements: attributes({ enabled: BOOLEAN }),
  },
  {
    name: 'memory.nv',
    types: ['instance'],
    section: '3.3.3',
    doc: 'Non-volatile memory (nd bus) devices.',
    elements: attributes({ name: TEXT, devtype: TEXT, mode: TEXT }, 'instance'),
  },
  {
    name: 'memory.hugepages',
    types: ['attribute'],
    section: '3.3.4',
    doc: 'Huge pages: `enabled`, and `hugepages-<size>` = the configured page count per size.',
    elements: attributes({ enabled: BOOLEAN }),
    open: {
      part: 'attribute',
      values: UNSIGNED_OR_EMPTY,
      doc: '`hugepages-<size>` with the size in canonical binary units (`hugepages-2Mi`)',
      checkName: checkHugepagesName,
    },
  },
  // ---- network (§3.4)
  {
    name: 'network.device',
    types: ['instance'],
    section: '3.4.1',
    doc: 'Network interfaces backed by a device.',
    elements: attributes(
      {
        name: TEXT,
        operstate: { kind: 'enum', values: OPERSTATES },
        speed: INTEGER,
        sriov_numvfs: UNSIGNED,
        sriov_totalvfs: UNSIGNED,
        mtu: UNSIGNED,
      },
      'instance',
    ),
  },
  {
    name: 'network.virtual',
    types: ['instance'],
    section: '3.4.1',
    doc: 'Virtual network interfaces (no device).',
    elements: attributes(
      { name: TEXT, operstate: { kind: 'enum', values: OPERSTATES }, speed: INTEGER, mtu: UNSIGNED },
      'instance',
    ),
  },
  // ---- pci (§3.5)
  {
    name: 'pci.device',
    types: ['instance'],
    section: '3.5.1',
    doc: 'PCI devices; IDs are lower-case hex without 0x, the class is its first 4 digits.',
    elements: attributes(
      {
        class: { kind: 'hex', digits: 4, what: 'the PCI class (base class and subclass)', truncatedFrom: 6 },
        vendor: { kind: 'hex', digits: 4, what: 'PCI vendor IDs' },
        device: { kind: 'hex', digits: 4, what: 'PCI device IDs' },
        subsystem_vendor: { kind: 'hex', digits: 4, what: 'PCI subsystem vendor IDs' },
        subsystem_device: { kind: 'hex', digits: 4, what: 'PCI subsystem device IDs' },
        sriov_totalvfs: UNSIGNED,
        'iommu_group/type': TEXT,
        'iommu/intel-iommu/version': TEXT,
      },
      'instance',
    ),
  },
  // ---- storage (§3.6)
  {
    name: 'storage.block',
    types: ['instance'],
    section: '3.6.1',
    doc: 'Block devices and their queue properties.',
    elements: attributes(
      {
        name: TEXT,
        dax: ZERO_ONE,
        rotational: ZERO_ONE,
        nr_zones: UNSIGNED,
        zoned: { kind: 'enum', values: ZONED_MODELS },
      },
      'instance',
    ),
  },
  // ---- system (§3.7)
  {
    name: 'system.osrelease',
    types: ['attribute'],
    section: '3.7.1',
    doc: 'Keys of /etc/os-release (ID, VERSION_ID…) plus VERSION_ID.major and VERSION_ID.minor.',
    open: { part: 'attribute', values: TEXT, doc: 'os-release keys', checkName: checkOsReleaseKey },
  },
  {
    name: 'system.name',
    types: ['attribute'],
    section: '3.7.2',
    doc: 'The node name (NODE_NAME).',
    elements: attributes({ nodename: TEXT }),
  },
  {
    name: 'system.dmiid',
    types: ['attribute'],
    section: '3.7.3',
    doc: 'DMI identification strings from /sys/devices/virtual/dmi/id.',
    elements: attributes(Object.fromEntries(DMI_ID_ATTRIBUTES.map((name) => [name, TEXT]))),
  },
  // ---- usb (§3.8)
  {
    name: 'usb.device',
    types: ['instance'],
    section: '3.8.1',
    doc: 'USB devices (or their interfaces, for class 00); IDs are lower-case hex.',
    elements: attributes(
      {
        class: { kind: 'hex', digits: 2, what: 'the USB class' },
        vendor: { kind: 'hex', digits: 4, what: 'USB vendor IDs' },
        device: { kind: 'hex', digits: 4, what: 'USB product IDs' },
        serial: TEXT,
      },
      'instance',
    ),
  },
  // ---- local (§3.9)
  {
    name: 'local.label',
    types: ['attribute'],
    section: '3.9.1',
    doc: 'Key/value lines of the features.d files (those not marked # +no-label).',
    open: { part: 'attribute', values: TEXT, doc: 'features.d keys', checkName: checkLocalKey },
  },
  {
    name: 'local.feature',
    types: ['attribute'],
    section: '3.9.1',
    doc: 'Key/value lines of the features.d files (those not marked # +no-feature).',
    open: { part: 'attribute', values: TEXT, doc: 'features.d keys', checkName: checkLocalKey },
  },
  // ---- rule.matched (§3.10)
  {
    name: 'rule.matched',
    types: ['attribute'],
    section: '3.10',
    doc: 'Labels and vars of the rules evaluated before this one (vars only, for group rules).',
    open: { part: 'attribute', values: TEXT, doc: 'label and var names of earlier rules' },
  },
  // ---- fake (§3.11): off by default
  {
    name: 'fake.flag',
    types: ['flag'],
    section: '3.11',
    doc: 'Test flags of the fake source (disabled by default).',
    open: { part: 'flag', doc: 'configured names' },
    disabledByDefault: true,
  },
  {
    name: 'fake.attribute',
    types: ['attribute'],
    section: '3.11',
    doc: 'Test attributes of the fake source (disabled by default).',
    open: { part: 'attribute', values: TEXT, doc: 'configured names' },
    disabledByDefault: true,
  },
  {
    name: 'fake.instance',
    types: ['instance'],
    section: '3.11',
    doc: 'Test instances of the fake source (disabled by default).',
    open: { part: 'instance', values: TEXT, doc: 'configured names' },
    disabledByDefault: true,
  },
];

/** Every feature NFD discovers, by full lower-case name (`cpu.model`). */
export const KNOWN_FEATURES: Readonly<Record<string, KnownFeature>> = Object.fromEntries(
  FEATURE_LIST.map((feature) => [feature.name, feature]),
);

/** The domains (sources) that produce features, plus `rule` for rule.matched. */
export const KNOWN_DOMAINS: readonly string[] = [
  ...new Set(FEATURE_LIST.map((f) => f.name.split('.')[0] ?? '')),
];

/** The catalogue entry for a feature name as a rule writes it (lower-cased first, like upstream). */
export function lookupFeature(name: string): KnownFeature | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(KNOWN_FEATURES, key) ? KNOWN_FEATURES[key] : undefined;
}

/** The catalogue entry of one element, or undefined when the name is data (open) or unknown. */
export function lookupElement(feature: KnownFeature, element: string): KnownElement | undefined {
  return feature.elements !== undefined && Object.hasOwn(feature.elements, element)
    ? feature.elements[element]
    : undefined;
}

function describeFormat(format: ValueFormat | undefined): string {
  if (format === undefined) return 'no value';
  switch (format.kind) {
    case 'boolean':
      return '`true`/`false`';
    case 'enum':
      return format.values.map((v) => `\`${v}\``).join('/');
    case 'unsigned':
      return format.orEmpty ? 'a decimal number or empty' : 'a decimal number';
    case 'integer':
      return 'an integer';
    case 'hex':
      return `${format.digits} lower-case hex digits`;
    case 'name':
      return `a name such as ${format.known
        .slice(0, 3)
        .map((v) => `\`${v}\``)
        .join(', ')}`;
    case 'version':
      return `a version such as \`${format.example}\``;
    case 'kconfig':
      return '`y`, `m`, a number or a string';
    case 'text':
      return 'text';
  }
}

/**
 * A short plain-text description of a feature for docs and messages: its type(s), what it holds, and its
 * elements with their value formats. Undefined for a name NFD does not discover.
 */
export function describeKnownFeature(name: string): string | undefined {
  const feature = lookupFeature(name);
  if (feature === undefined) return undefined;
  const lines = [
    `${feature.name} (${feature.types.join(' + ')}; features.md §${feature.section}): ${feature.doc}`,
  ];
  const elements = Object.entries(feature.elements ?? {});
  if (elements.length > 0 && elements.length <= 40) {
    const noun = feature.types.includes('instance') ? 'attributes' : 'elements';
    lines.push(`  ${noun}: ${elements.map(([n, e]) => `${n} (${describeFormat(e.values)})`).join(', ')}`);
  } else if (elements.length > 40) {
    lines.push(`  elements: ${elements.length} known names`);
  }
  if (feature.open !== undefined) {
    const values = feature.open.part === 'flag' ? '' : ` (${describeFormat(feature.open.values)})`;
    lines.push(`  ${elements.length > 0 ? 'also ' : ''}open names: ${feature.open.doc}${values}`);
  }
  return lines.join('\n');
}
