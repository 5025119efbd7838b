import type { HostFs } from '../host-fs.ts';

// `cpu.topology` (features.md §3.1.8): always present; empty when any CPU's topology files cannot
// be read (offline CPUs have none) or the CPU list cannot be listed.

export async function detectTopology(fs: HostFs): Promise<Record<string, string>> {
  const devices = fs.host('sys', 'bus/cpu/devices');
  const cpus = await fs.readDir(devices);
  if (cpus === undefined) return {};
  let multithreading = false;
  const packages = new Set<string>();
  for (const cpu of cpus) {
    const siblings = await fs.readText(
      fs.host('sys', 'bus/cpu/devices', cpu, 'topology/thread_siblings_list'),
    );
    const pkg = await fs.readText(fs.host('sys', 'bus/cpu/devices', cpu, 'topology/physical_package_id'));
    if (siblings === undefined || pkg === undefined) return {};
    if (siblings.includes(',') || siblings.includes('-')) multithreading = true;
    packages.add(pkg.trim());
  }
  return { hardware_multithreading: String(multithreading), socket_count: String(packages.size) };
}
