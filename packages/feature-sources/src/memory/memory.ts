import { join } from 'node:path';
import type { Features, InstanceFeature } from '@nfd/spec';
import { goDecode, goTrimRight, goTrimSpace, readDir, readFile } from '../go-text.ts';
import { HostReadError } from '../host-fs.ts';
import { emptyFeatures, type FeatureSource, type SourceContext } from '../source.ts';

// The memory source (features.md §3.3, labels §4.2), after upstream source/memory/memory.go.

export const MEMORY_NUMA_FEATURE = 'memory.numa';
export const MEMORY_SWAP_FEATURE = 'memory.swap';
export const MEMORY_NV_FEATURE = 'memory.nv';
export const MEMORY_HUGEPAGES_FEATURE = 'memory.hugepages';

const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const DECIMAL_SUFFIXES: Readonly<Record<number, string>> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};
const MAX_QUANTITY = (1n << 63n) - 1n;
const NANO = 1_000_000_000n;

/** A value in nano units as Kubernetes' canonical DecimalSI text (mantissa, exponent a multiple of 3). */
function decimalSI(nanos: bigint): string {
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  return `${mantissa}${DECIMAL_SUFFIXES[exponent] ?? `e${exponent}`}`;
}

/**
 * `<pageSize>Ki` through Kubernetes' resource.ParseQuantity and Quantity.String (§3.3.4): whole
 * KiB counts come out in the largest binary unit that divides them (2048 -> 2Mi, 1536 ->
 * 1536Ki). Also reproduced, for odd directory names: the parser's "already canonical" shortcut
 * that returns the input text itself (an integer not divisible by 8, e.g. "0100Ki" or "1.Ki"),
 * DecimalSI below 1Ki or for fractions, rounding up to nano units and the int64 cap. Undefined
 * where ParseQuantity fails (the entry is skipped).
 */
export function hugepageQuantity(pageSize: string): string | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(pageSize);
  if (match === null) return undefined;
  const negative = match[1] === '-';
  const whole = (match[2] ?? '').replace(/^0+/, '');
  const fraction = match[3];
  const num = whole === '' ? '0' : whole;
  const denom = fraction ?? '';
  // ParseQuantity's int64 fast path: no fraction digits and few enough digits.
  if (denom === '' && num.length <= 11) {
    const value = BigInt(num);
    if ((value & 7n) !== 0n) return `${pageSize}Ki`;
  }
  // Exact value in nano units, rounded away from zero at nano precision (inf.RoundUp), capped.
  const scale = 10n ** BigInt(denom.length);
  const scaled = BigInt(num + denom) * 1024n * NANO;
  let nanos = scaled / scale + (scaled % scale === 0n ? 0n : 1n);
  if (nanos > MAX_QUANTITY * NANO) nanos = MAX_QUANTITY * NANO;
  if (nanos === 0n) return '0';
  if (negative) nanos = -nanos;
  const absolute = nanos < 0n ? -nanos : nanos;
  if (absolute < 1024n * NANO || absolute % NANO !== 0n) return decimalSI(nanos);
  let value = nanos / NANO;
  let unit = 0;
  while (
    (value < 0n ? -value : value) >= 1024n &&
    value % 1024n === 0n &&
    unit < BINARY_SUFFIXES.length - 1
  ) {
    value /= 1024n;
    unit++;
  }
  return `${value}${BINARY_SUFFIXES[unit]}`;
}

/** Go's strconv.Atoi(text) > 0 (int64 range; a sign is allowed). */
function positiveInt(text: string): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const value = BigInt(text);
  return value > 0n && value <= MAX_QUANTITY;
}

/** `memory.numa` (§3.3.1): every entry of bus/node/devices counts. */
async function detectNuma(context: SourceContext): Promise<Record<string, string> | undefined> {
  const nodes = await readDir(context.fs, context.fs.host('sys', 'bus/node/devices'));
  if (!nodes.ok) {
    context.warn(`failed to detect NUMA nodes: failed to list numa nodes: ${nodes.reason}`);
    return undefined;
  }
  return { is_numa: String(nodes.names.length > 1), node_count: String(nodes.names.length) };
}

/** `memory.swap` (§3.3.2): <proc>/swaps (host-prefixed) has more than its header line. */
async function detectSwap(context: SourceContext): Promise<Record<string, string> | undefined> {
  const swaps = await readFile(context.fs, context.fs.host('proc', 'swaps'));
  if (!swaps.ok) {
    context.warn(`failed to detect Swap nodes: failed to read swaps file: ${swaps.reason}`);
    return undefined;
  }
  const lines = goDecode(swaps.bytes)
    .split('\n')
    .filter((line) => goTrimSpace(line) !== '').length;
  return { enabled: String(lines > 1) };
}

/** `memory.nv` (§3.3.3): one instance per nd device; a missing directory is an empty list. */
async function detectNv(context: SourceContext): Promise<InstanceFeature[] | undefined> {
  const base = context.fs.host('sys', 'bus/nd/devices');
  const devices = await readDir(context.fs, base);
  if (!devices.ok) {
    if (devices.missing) return [];
    context.warn(`failed to detect nvdimm devices: failed to list nvdimm devices: ${devices.reason}`);
    return undefined;
  }
  const instances: InstanceFeature[] = [];
  for (const name of devices.names) {
    const attributes: Record<string, string> = { name };
    for (const attribute of ['devtype', 'mode']) {
      // Unreadable attributes are skipped (upstream logs them only at verbosity 3).
      const read = await readFile(context.fs, join(base, name, attribute));
      if (read.ok) attributes[attribute] = goTrimSpace(goDecode(read.bytes));
    }
    instances.push({ attributes });
  }
  return instances;
}

/** `memory.hugepages` (§3.3.4). */
async function detectHugePages(context: SourceContext): Promise<Record<string, string> | undefined> {
  const fs = context.fs;
  const hugePages: Record<string, string> = { enabled: 'false' };
  const base = fs.host('sys', 'kernel/mm/hugepages');
  const entries = await readDir(fs, base);
  if (!entries.ok) {
    if (entries.missing) return hugePages;
    context.warn(`failed to detect huge pages: unable to read huge pages size: ${entries.reason}`);
    return undefined;
  }
  for (const name of entries.names) {
    // Upstream asks the directory entry's type (no link following); sysfs has real directories.
    let isDirectory: boolean;
    try {
      isDirectory = await fs.isDirectory(join(base, name));
    } catch (error) {
      if (!(error instanceof HostReadError)) throw error;
      context.warn(`unable to read hugepages entry ${name}: ${error.message}`);
      continue;
    }
    if (!isDirectory) continue;
    const countFile = await readFile(fs, join(base, name, 'nr_hugepages'));
    let total = '';
    if (countFile.ok) total = goTrimSpace(goDecode(countFile.bytes));
    else context.warn(`unable to read hugepages total count for ${name}: ${countFile.reason}`);
    const pageSize = goTrimRight(
      name.startsWith('hugepages-') ? name.slice('hugepages-'.length) : name,
      'kB',
    );
    const quantity = hugepageQuantity(pageSize);
    if (quantity === undefined) {
      context.warn(`unable to parse quantity of ${name}: page size "${pageSize}"`);
      continue;
    }
    // The value is stored even when nr_hugepages was unreadable (then "").
    hugePages[`hugepages-${quantity}`] = total;
    if (positiveInt(total)) hugePages.enabled = 'true';
  }
  return hugePages;
}

/** The memory source. */
export const memorySource: FeatureSource = {
  name: 'memory',
  async discover(context: SourceContext): Promise<Features> {
    const features = emptyFeatures();
    const numa = await detectNuma(context);
    if (numa !== undefined) features.attributes[MEMORY_NUMA_FEATURE] = { elements: numa };
    const swap = await detectSwap(context);
    if (swap !== undefined) features.attributes[MEMORY_SWAP_FEATURE] = { elements: swap };
    const nv = await detectNv(context);
    if (nv !== undefined) features.instances[MEMORY_NV_FEATURE] = { elements: nv };
    const hugePages = await detectHugePages(context);
    if (hugePages !== undefined) features.attributes[MEMORY_HUGEPAGES_FEATURE] = { elements: hugePages };
    return features;
  },
  labels(features: Features): Record<string, string> {
    const labels: Record<string, string> = {};
    if (features.attributes[MEMORY_NUMA_FEATURE]?.elements?.is_numa === 'true') labels.numa = 'true';
    // `swap`, not the documented `swap.enabled` (§4.2, §7).
    if (features.attributes[MEMORY_SWAP_FEATURE]?.elements?.enabled === 'true') labels.swap = 'true';
    const devices = features.instances[MEMORY_NV_FEATURE]?.elements ?? [];
    if (devices.length > 0) labels['nv.present'] = 'true';
    if (devices.some((device) => device.attributes?.devtype === 'nd_dax')) labels['nv.dax'] = 'true';
    return labels;
  },
};
