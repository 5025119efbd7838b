import type { HostFs } from '../host-fs.ts';
import {
  hypervisorName,
  sanitizeValue,
  VENDOR_UNKNOWN,
  type X86CpuidInfo,
  x86VendorName,
} from './cpuid-x86.ts';
import type { CpuinfoBlock } from './cpuinfo.ts';
import { intField } from './cpuinfo.ts';

// `cpu.model` (features.md §3.1.2, §6.5): vendor_id, family, id, hypervisor.

export type Model = Record<string, string>;

/** amd64 with CPUID: exactly what NFD reports. */
export function x86ModelFromCpuid(info: X86CpuidInfo): Model {
  return {
    vendor_id: info.vendor,
    family: String(info.family),
    id: String(info.model),
    hypervisor: info.features.includes('HYPERVISOR') ? hypervisorName(info.hypervisorString) : 'none',
  };
}

/**
 * amd64 without CPUID: vendor/family/model from /proc/cpuinfo (equal for real CPUs). The
 * hypervisor vendor is not in procfs; `guessHypervisor` approximates it (§3.1.2).
 */
export async function x86ModelFromCpuinfo(fs: HostFs, block: CpuinfoBlock): Promise<Model> {
  return {
    vendor_id: x86VendorName(block.fields.get('vendor_id') ?? '') ?? VENDOR_UNKNOWN,
    family: String(intField(block, 'cpu family') ?? 0),
    id: String(intField(block, 'model') ?? 0),
    hypervisor: block.flags.has('hypervisor') ? await guessHypervisor(fs) : 'none',
  };
}

/**
 * Names the hypervisor from sysfs when CPUID leaf 0x40000000 cannot be read: Xen's
 * `hypervisor/type`, then DMI vendor/product. "unknown" (upstream's value for a vendor string it
 * cannot name) when nothing identifies it.
 */
export async function guessHypervisor(fs: HostFs): Promise<string> {
  const read = async (path: string): Promise<string> => {
    try {
      return (await fs.readText(fs.host('sys', path)))?.trim() ?? '';
    } catch {
      return '';
    }
  };
  if ((await read('hypervisor/type')) === 'xen') return 'xenhvm';
  const vendor = await read('devices/virtual/dmi/id/sys_vendor');
  const product = await read('devices/virtual/dmi/id/product_name');
  if (
    vendor === 'QEMU' ||
    product.includes('KVM') ||
    vendor === 'Amazon EC2' ||
    vendor.startsWith('Google')
  ) {
    return 'kvm';
  }
  if (vendor === 'Microsoft Corporation' && product === 'Virtual Machine') return 'msvm';
  if (vendor === 'VMware, Inc.') return 'vmware';
  if (vendor === 'Xen' || product.includes('HVM domU')) return 'xenhvm';
  return 'unknown';
}

// MIDR implementer byte -> the library's vendor name (§6.5).
const ARM_IMPLEMENTERS: ReadonlyMap<number, string> = new Map([
  [0x41, 'ARM'],
  [0x42, 'Broadcom'],
  [0x43, 'Cavium'],
  [0x44, 'DEC'],
  [0x46, 'Fujitsu'],
  [0x49, 'Infineon'],
  [0x4d, 'Motorola'],
  [0x4e, 'NVIDIA'],
  [0x50, 'AMCC'],
  [0x51, 'Qualcomm'],
  [0x56, 'Marvell'],
  [0x69, 'Intel'],
  [0xc0, 'Ampere'],
]);

/**
 * arm64: the library decodes MIDR_EL1, which it only reads when the `CPUID` HWCAP is present;
 * /proc/cpuinfo prints its fields. family = MIDR bits 16-23 = variant << 4 | 0xF (the
 * architecture nibble is 0xF on ARMv8), id = bits 0-15 = part << 4 | revision. Hypervisor is
 * always "none" on arm64.
 */
export function arm64Model(block: CpuinfoBlock | undefined, hasCpuidHwcap: boolean): Model {
  const implementer = block === undefined ? undefined : intField(block, 'CPU implementer');
  if (!hasCpuidHwcap || block === undefined || implementer === undefined) {
    return { vendor_id: VENDOR_UNKNOWN, family: '0', id: '0', hypervisor: 'none' };
  }
  const variant = intField(block, 'CPU variant') ?? 0;
  const part = intField(block, 'CPU part') ?? 0;
  const revision = intField(block, 'CPU revision') ?? 0;
  return {
    vendor_id: ARM_IMPLEMENTERS.get(implementer) ?? VENDOR_UNKNOWN,
    family: String(((variant & 0xf) << 4) | 0xf),
    id: String(((part & 0xfff) << 4) | (revision & 0xf)),
    hypervisor: 'none',
  };
}

/**
 * s390x: vendor from cpuinfo `vendor_id` (sanitised), family = first `identification`, id = last
 * `machine` of /proc/cpuinfo, hypervisor from /proc/sysinfo `Control Program:` (§3.1.2).
 */
export function s390xModel(cpuinfo: string | undefined, sysinfo: string | undefined): Model {
  const out: Model = {};
  const vendor = cpuinfo?.match(/^vendor_id\s*:\s*(.*)$/m)?.[1]?.trim();
  if (vendor !== undefined) out.vendor_id = sanitizeValue(vendor);
  const identification = cpuinfo?.match(/identification\s*=\s*([^,\s]*)/)?.[1];
  if (identification !== undefined && identification !== '' && identification !== '0')
    out.family = identification;
  const machines = [...(cpuinfo?.matchAll(/machine\s*=\s*([^,\s]*)/g) ?? [])];
  const machine = machines.at(-1)?.[1];
  if (machine !== undefined) out.id = machine;
  if (sysinfo !== undefined) {
    const control = sysinfo.match(/^Control Program:(.*)$/m)?.[1]?.trim();
    out.hypervisor = control === undefined ? 'none' : sanitizeValue(control);
  }
  return out;
}
