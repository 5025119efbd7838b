import type { HostFs } from '../host-fs.ts';
import type { Arch } from '../source.ts';

// `cpu.coprocessor` (features.md §3.1.9): always present; only ppc64le's NX GZIP fills it.

export async function detectCoprocessor(fs: HostFs, arch: Arch): Promise<Record<string, string>> {
  if (arch !== 'ppc64le') return {};
  return (await fs.exists(fs.host('sys', 'devices/vio/ibm,compression-v1/nx_gzip_caps')))
    ? { nx_gzip: 'true' }
    : {};
}
