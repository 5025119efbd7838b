import type { HostFs } from '../host-fs.ts';
import type { CpuidReader } from '../source.ts';

// `cpu.rdt` (features.md §3.1.5), amd64 + Linux: Intel RDT monitoring/allocation capabilities,
// each element "true"; RDTL3CA_NUM_CLOSID from the resctrl filesystem the process sees.

function bit(value: number, n: number): boolean {
  return ((value >>> n) & 1) === 1;
}

/** The RDT elements (without RDTL3CA_NUM_CLOSID) from raw CPUID. */
export function rdtFromCpuid(cpuid: CpuidReader): string[] {
  const out: string[] = [];
  const ebx7 = cpuid(7, 0)[1] >>> 0;
  if (bit(ebx7, 12) && bit(cpuid(0xf, 0)[3] >>> 0, 1)) {
    out.push('RDTMON');
    const edx = cpuid(0xf, 1)[3] >>> 0;
    if (bit(edx, 0)) out.push('RDTCMT');
    if (bit(edx, 1) && bit(edx, 2)) out.push('RDTMBM');
  }
  if (bit(ebx7, 15)) {
    const ebx = cpuid(0x10, 0)[1] >>> 0;
    if (bit(ebx, 1)) out.push('RDTL3CA');
    if (bit(ebx, 2)) out.push('RDTL2CA');
    if (bit(ebx, 3)) out.push('RDTMBA');
  }
  return out;
}

/**
 * The same from /proc/cpuinfo flags (§3.1.5 table). Allocation only counts on Intel: AMD reports
 * `cat_l3` from another leaf, which NFD does not read.
 */
export function rdtFromCpuinfo(flags: ReadonlySet<string>, vendor: string | undefined): string[] {
  const has = (...names: string[]): boolean => names.every((name) => flags.has(name));
  const out: string[] = [];
  if (has('cqm', 'cqm_llc')) {
    out.push('RDTMON');
    if (has('cqm_occup_llc')) out.push('RDTCMT');
    if (has('cqm_mbm_total', 'cqm_mbm_local')) out.push('RDTMBM');
  }
  if (vendor === 'Intel' && has('rdt_a')) {
    if (has('cat_l3')) out.push('RDTL3CA');
    if (has('cat_l2')) out.push('RDTL2CA');
    if (has('mba')) out.push('RDTMBA');
  }
  return out;
}

/**
 * `num_closids - 1` of the L3 resource, or undefined on any failure. The resctrl mount is the
 * process's own (unprefixed, §1.2): /sys/fs/resctrl, else the mount point in its mount table.
 */
export async function l3NumClosid(fs: HostFs): Promise<string | undefined> {
  const candidates = ['/sys/fs/resctrl'];
  try {
    const mounts = await fs.readText(fs.abs('/proc/self/mounts'));
    for (const line of mounts?.split('\n') ?? []) {
      const [, mountPoint, type] = line.split(' ');
      if (type === 'resctrl' && mountPoint !== undefined) candidates.push(unescapeMount(mountPoint));
    }
  } catch {
    // No mount table: only the default location is tried.
  }
  for (const dir of candidates) {
    try {
      const text = await fs.readText(fs.abs(`${dir}/info/L3/num_closids`));
      const trimmed = text?.trim();
      if (trimmed !== undefined && /^\d+$/.test(trimmed)) return String(Number.parseInt(trimmed, 10) - 1);
    } catch {
      // Unreadable: try the next candidate.
    }
  }
  return undefined;
}

/** /proc/self/mounts escapes blanks and backslashes as octal (\040 ...). */
function unescapeMount(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
