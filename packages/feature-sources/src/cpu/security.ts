import type { HostFs } from '../host-fs.ts';
import type { CpuidReader } from '../source.ts';

// `cpu.security` (features.md §3.1.6): SGX, TDX and SEV on amd64, Secure Execution on s390x.

/** Total EPC bytes of the SGX sections in CPUID leaf 0x12 sub-leaves 2..9 (type 1 entries). */
export function sgxEpcFromCpuid(cpuid: CpuidReader): bigint {
  let total = 0n;
  for (let subleaf = 2; subleaf < 10; subleaf++) {
    const [eax, , ecx, edx] = cpuid(0x12, subleaf).map((v) => v >>> 0) as [number, number, number, number];
    const type = eax & 0xf;
    if (type === 0) break;
    if (type === 1) total += BigInt((ecx & 0xfffff000) >>> 0) + (BigInt(edx & 0x000fffff) << 32n);
  }
  return total;
}

/**
 * EPC bytes without CPUID: the sum of the kernel's per-node `sgx_total_bytes` (kernel >= 6.0);
 * an approximation (§3.1.6).
 */
export async function sgxEpcFromSysfs(fs: HostFs): Promise<bigint> {
  const nodes = (await fs.readDir(fs.host('sys', 'devices/system/node'))) ?? [];
  let total = 0n;
  for (const node of nodes.filter((name) => /^node\d+$/.test(name))) {
    const text = (
      await fs.readText(fs.host('sys', 'devices/system/node', node, 'x86/sgx_total_bytes'))
    )?.trim();
    if (text !== undefined && /^\d+$/.test(text)) total += BigInt(text);
  }
  return total;
}

/** The misc cgroup capacity of a resource: first line starting with it, second field (§3.1.6). */
async function miscCapacity(fs: HostFs, resource: string): Promise<string | undefined> {
  let text = await fs.readText(fs.host('sys', 'fs/cgroup/misc.capacity'));
  text ??= await fs.readText(fs.host('sys', 'fs/cgroup/misc/misc.capacity'));
  const line = text?.split('\n').find((l) => l.startsWith(resource));
  const value = line?.split(' ')[1];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  return String(Number.parseInt(value, 10));
}

/** A kvm_amd parameter file that exists and starts with `1` or `Y`. */
async function kvmAmdEnabled(fs: HostFs, name: string): Promise<boolean> {
  const bytes = await fs.readBytes(fs.host('sys', 'module/kvm_amd/parameters', name));
  return bytes !== undefined && (bytes[0] === 0x31 || bytes[0] === 0x59);
}

/** amd64 elements. `sgx` = whether SGX is present (CPUID flag or cpuinfo `sgx`). */
export async function detectSecurityAmd64(
  fs: HostFs,
  input: { sgx: boolean; sgxEpc: () => Promise<bigint>; tdxGuest: boolean },
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (input.sgx) {
    const epc = await input.sgxEpc();
    if (epc > 0n) {
      out['sgx.enabled'] = 'true';
      out['sgx.epc'] = epc.toString();
    }
  }
  if ((await fs.readText(fs.host('sys', 'module/kvm_intel/parameters/tdx'))) === 'Y\n') {
    out['tdx.enabled'] = 'true';
    const keys = await miscCapacity(fs, 'tdx');
    if (keys !== undefined) out['tdx.total_keys'] = keys;
  }
  if (input.tdxGuest) out['tdx.protected'] = 'true';
  if (await kvmAmdEnabled(fs, 'sev')) {
    out['sev.enabled'] = 'true';
    const asids = await miscCapacity(fs, 'sev');
    if (asids !== undefined) out['sev.asids'] = asids;
  }
  if (await kvmAmdEnabled(fs, 'sev_es')) {
    out['sev.es.enabled'] = 'true';
    const ids = await miscCapacity(fs, 'sev_es');
    if (ids !== undefined) out['sev.encrypted_state_ids'] = ids;
  }
  if (await kvmAmdEnabled(fs, 'sev_snp')) out['sev.snp.enabled'] = 'true';
  return out;
}

/** s390x: IBM Secure Execution host support. */
export async function detectSecurityS390x(fs: HostFs): Promise<Record<string, string>> {
  return (await fs.readText(fs.host('sys', 'firmware/uv/prot_virt_host'))) === '1\n'
    ? { 'se.enabled': 'true' }
    : {};
}
