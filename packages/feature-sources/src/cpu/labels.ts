import type { Features } from '@nfd/spec';

// cpu labels (features.md §4.2) with short keys, and the worker's cpuid label filter (§4.3).

/** Security elements that carry sizes/counts and are not labelled (§4.2). */
const UNLABELLED_SECURITY: ReadonlySet<string> = new Set([
  'sgx.epc',
  'tdx.total_keys',
  'sev.asids',
  'sev.encrypted_state_ids',
]);

/**
 * The labels upstream's cpu label source makes from the features, unfiltered (what
 * `nfd export labels` prints, §0.6). `cpu.rdt` and `socket_count` produce none.
 */
export function cpuLabels(features: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  const attributes = (name: string): Record<string, string> =>
    features.attributes[`cpu.${name}`]?.elements ?? {};
  for (const flag of Object.keys(features.flags['cpu.cpuid']?.elements ?? {}))
    labels[`cpuid.${flag}`] = 'true';
  for (const [key, value] of Object.entries(attributes('cpuid'))) labels[`cpuid.${key}`] = value;
  for (const [key, value] of Object.entries(attributes('model'))) labels[`model.${key}`] = value;
  for (const [key, value] of Object.entries(attributes('cstate'))) labels[`cstate.${key}`] = value;
  for (const [key, value] of Object.entries(attributes('pstate'))) labels[`pstate.${key}`] = value;
  for (const [key, value] of Object.entries(attributes('security'))) {
    if (!UNLABELLED_SECURITY.has(key)) labels[`security.${key}`] = value;
  }
  for (const [key, value] of Object.entries(attributes('sst'))) labels[`power.sst_${key}`] = value;
  const multithreading = attributes('topology').hardware_multithreading;
  if (multithreading !== undefined) labels.hardware_multithreading = multithreading;
  for (const [key, value] of Object.entries(attributes('coprocessor'))) labels[`coprocessor.${key}`] = value;
  return labels;
}

/**
 * nfd-worker's default `sources.cpu.cpuid.attributeBlacklist` (§4.3; upstream's docs write
 * SSE4.1/SSE4.2, the names are SSE4/SSE42).
 */
export const DEFAULT_CPUID_BLACKLIST: readonly string[] = [
  'AVX10',
  'BMI1',
  'BMI2',
  'CLMUL',
  'CMOV',
  'CX16',
  'ERMS',
  'F16C',
  'HTT',
  'LZCNT',
  'MMX',
  'MMXEXT',
  'NX',
  'POPCNT',
  'RDRAND',
  'RDSEED',
  'RDTSCP',
  'SGX',
  'SGXLC',
  'SSE',
  'SSE2',
  'SSE3',
  'SSE4',
  'SSE42',
  'SSSE3',
  'TDX_GUEST',
];

/** `sources.cpu.cpuid` of the worker config. */
export interface CpuidLabelFilter {
  attributeBlacklist?: readonly string[];
  attributeWhitelist?: readonly string[];
}

/**
 * Applies the worker's cpuid filter to labels made by `cpuLabels`: a non-empty whitelist keeps only
 * its flags, otherwise blacklisted flags are dropped. Only flag labels are filtered, never the
 * `cpuid.AVX10_VERSION` attribute label (§4.3). The default is the worker's default config; `nfd
 * export labels` applies no filter at all.
 */
export function filterCpuidLabels(
  labels: Record<string, string>,
  features: Features,
  filter: CpuidLabelFilter = { attributeBlacklist: DEFAULT_CPUID_BLACKLIST },
): Record<string, string> {
  const whitelist = filter.attributeWhitelist ?? [];
  const keys = new Set(whitelist.length > 0 ? whitelist : (filter.attributeBlacklist ?? []));
  const masked = (flag: string): boolean => (whitelist.length > 0 ? !keys.has(flag) : keys.has(flag));
  const out = { ...labels };
  for (const flag of Object.keys(features.flags['cpu.cpuid']?.elements ?? {})) {
    if (masked(flag)) delete out[`cpuid.${flag}`];
  }
  return out;
}
