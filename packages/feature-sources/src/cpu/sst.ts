import type { HostFs } from '../host-fs.ts';
import type { CpuidReader } from '../source.ts';

// `cpu.sst` (features.md §3.1.7), amd64: `bf.enabled` = "true" when some CPU's base frequency is
// above the nominal one of CPUID leaf 0x16 (Intel SST-BF). Never "false". Without CPUID the nominal
// frequency is unknown, so the caller leaves the feature empty.

/** Thrown where upstream aborts detection (logged, no element). */
export class SstError extends Error {
  override name = 'SstError';
}

export async function detectSst(fs: HostFs, cpuid: CpuidReader): Promise<Record<string, string>> {
  const nominalMHz = cpuid(0x16, 0)[0] >>> 0;
  const cpus = await fs.readDir(fs.host('sys', 'bus/cpu/devices'));
  if (cpus === undefined) throw new SstError('cannot list bus/cpu/devices');
  let enabled = false;
  for (const cpu of cpus) {
    const text = await fs.readText(fs.host('sys', 'bus/cpu/devices', cpu, 'cpufreq/base_frequency'));
    if (text === undefined) continue;
    const trimmed = text.trim();
    if (!/^[+-]?\d+$/.test(trimmed))
      throw new SstError(`invalid base_frequency of ${cpu}: ${JSON.stringify(trimmed)}`);
    if (nominalMHz === 0) throw new SstError('nominal base frequency (CPUID leaf 0x16) is 0');
    if (Math.trunc(Number.parseInt(trimmed, 10) / 1000) > nominalMHz) enabled = true;
  }
  return enabled ? { 'bf.enabled': 'true' } : {};
}
