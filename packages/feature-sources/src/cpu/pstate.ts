import type { HostFs } from '../host-fs.ts';

// `cpu.pstate` (features.md §3.1.4), amd64 logic: always present, empty on any failure. The
// governor element is `scaling_governor` as in upstream's code (its docs say `scaling`, §7).

export async function detectPstate(fs: HostFs): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!(await fs.exists(fs.host('sys', 'devices/system/cpu')))) return out;
  const pstate = fs.host('sys', 'devices/system/cpu/intel_pstate');
  if (!(await fs.exists(pstate))) return out;
  const status = (await fs.readText(fs.host('sys', 'devices/system/cpu/intel_pstate/status')))?.trim();
  if (status === undefined || status === 'off') return out;
  out.status = status;
  const noTurbo = await fs.readBytes(fs.host('sys', 'devices/system/cpu/intel_pstate/no_turbo'));
  if (noTurbo !== undefined) out.turbo = String(noTurbo[0] === 0x30);
  if (status === 'active') {
    const governor = await commonGovernor(fs);
    if (governor !== undefined) out.scaling_governor = governor;
  }
  return out;
}

/** The governor shared by every cpufreq policy with CPUs, or undefined when they differ. */
async function commonGovernor(fs: HostFs): Promise<string | undefined> {
  const dir = fs.host('sys', 'devices/system/cpu/cpufreq');
  const policies = await fs.readDir(dir);
  if (policies === undefined) return undefined;
  let governor: string | undefined;
  for (const policy of policies) {
    const affected = await readOptional(
      fs,
      fs.host('sys', 'devices/system/cpu/cpufreq', policy, 'affected_cpus'),
    );
    if (affected === undefined || affected.trim() === '') continue;
    const current = await readOptional(
      fs,
      fs.host('sys', 'devices/system/cpu/cpufreq', policy, 'scaling_governor'),
    );
    if (current === undefined) continue;
    const trimmed = current.trim();
    if (governor === undefined) governor = trimmed;
    else if (governor !== trimmed) return undefined;
  }
  return governor;
}

/** A read whose failure (any kind) just skips the entry, as upstream does per policy. */
async function readOptional(fs: HostFs, path: string): Promise<string | undefined> {
  try {
    return await fs.readText(path);
  } catch {
    return undefined;
  }
}
