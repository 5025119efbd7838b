import type { HostFs } from '../host-fs.ts';

// `cpu.cstate` (features.md §3.1.3), amd64 logic. undefined = the feature is absent (upstream
// logs an error and leaves it out); {} = present and empty.

export async function detectCstate(fs: HostFs): Promise<Record<string, string> | undefined> {
  const cpu = fs.host('sys', 'devices/system/cpu');
  if (!(await fs.exists(cpu))) return undefined;
  if (!(await fs.exists(fs.host('sys', 'devices/system/cpu/cpuidle')))) return {};
  const driver = await fs.readText(fs.host('sys', 'devices/system/cpu/cpuidle/current_driver'));
  if (driver === undefined) return undefined;
  if (driver.trim() !== 'intel_idle') return {};
  const max = await fs.readText(fs.host('sys', 'module/intel_idle/parameters/max_cstate'));
  const trimmed = max?.trim();
  if (trimmed === undefined || !/^[+-]?\d+$/.test(trimmed)) return undefined;
  return { enabled: String(Number.parseInt(trimmed, 10) > 0) };
}
