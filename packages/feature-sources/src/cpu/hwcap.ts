import type { Arch } from '../source.ts';

// Non-x86 `cpu.cpuid` names from the ELF auxiliary vector (features.md §6.6): NFD reads
// getauxval(AT_HWCAP/AT_HWCAP2) of its own process; we read /proc/self/auxv, which holds the same
// values as (type, value) pairs of native unsigned longs, ended by AT_NULL.

export const AT_NULL = 0;
export const AT_HWCAP = 16;
export const AT_HWCAP2 = 26;

/** AT_HWCAP and AT_HWCAP2 (0 when the entry is missing). */
export interface Hwcaps {
  readonly hwcap: bigint;
  readonly hwcap2: bigint;
}

/** Word size and byte order of an architecture's auxv (native unsigned long). */
function auxvLayout(arch: Arch): { size: 4 | 8; littleEndian: boolean } {
  switch (arch) {
    case 'arm':
      return { size: 4, littleEndian: true };
    case 's390x':
      return { size: 8, littleEndian: false };
    default:
      return { size: 8, littleEndian: true };
  }
}

/** Parses a binary auxv of the given architecture. */
export function parseAuxv(bytes: Uint8Array, arch: Arch): Hwcaps {
  const { size, littleEndian } = auxvLayout(arch);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (offset: number): bigint =>
    size === 8 ? view.getBigUint64(offset, littleEndian) : BigInt(view.getUint32(offset, littleEndian));
  let hwcap = 0n;
  let hwcap2 = 0n;
  for (let offset = 0; offset + 2 * size <= bytes.byteLength; offset += 2 * size) {
    const type = word(offset);
    if (type === BigInt(AT_NULL)) break;
    if (type === BigInt(AT_HWCAP)) hwcap = word(offset + size);
    else if (type === BigInt(AT_HWCAP2)) hwcap2 = word(offset + size);
  }
  return { hwcap, hwcap2 };
}

// Bit n of AT_HWCAP / AT_HWCAP2 -> name, as NFD's tables have them (bits past the table ignored).
const ARM64_HWCAP: readonly string[] = [
  'FP',
  'ASIMD',
  'EVTSTRM',
  'AES',
  'PMULL',
  'SHA1',
  'SHA2',
  'CRC32',
  'ATOMICS',
  'FPHP',
  'ASIMDHP',
  'CPUID',
  'ASIMDRDM',
  'JSCVT',
  'FCMA',
  'LRCPC',
  'DCPOP',
  'SHA3',
  'SM3',
  'SM4',
  'ASIMDDP',
  'SHA512',
  'SVE',
  'ASIMDFHM',
  'DIT',
  'USCAT',
  'ILRCPC',
  'FLAGM',
  'SSBS',
  'SB',
  'PACA',
  'PACG',
];
const ARM64_HWCAP2: readonly string[] = [
  'DCPODP',
  'SVE2',
  'SVEAES',
  'SVEPMULL',
  'SVEBITPERM',
  'SVESHA3',
  'SVESM4',
  'FLAGM2',
  'FRINT',
  'SVEI8MM',
  'SVEF32MM',
  'SVEF64MM',
  'SVEBF16',
  'I8MM',
  'BF16',
  'DGH',
  'RNG',
  'BTI',
  'MTE',
  'ECV',
  'AFP',
  'RPRES',
  'MTE3',
  'SME',
  'SMEI16I64',
  'SMEF64F64',
  'SMEI8I32',
  'SMEF16F32',
  'SMEB16F32',
  'SMEF32F32',
  'SMEFA64',
  'WFXT',
  'EBF16',
  'SVEEBF16',
];
const ARM_HWCAP: readonly string[] = [
  'SWP',
  'HALF',
  'THUMB',
  '26BIT',
  'FASTMUL',
  'FPA',
  'VFP',
  'EDSP',
  'JAVA',
  'IWMMXT',
  'CRUNCH',
  'THUMBEE',
  'NEON',
  'VFPv3',
  'VFPv3D16',
  'TLS',
  'VFPv4',
  'IDIVA',
  'IDIVT',
  'VFPD32',
  'LPAE',
  'EVTSTRM',
];
const ARM_HWCAP2: readonly string[] = ['AES', 'PMULL', 'SHA1', 'SHA2', 'CRC32'];
// ppc64le tables are by mask, highest bit first; index i is bit 31 - i.
const PPC_HWCAP: readonly (readonly [number, string])[] = [
  [31, 'PPC32'],
  [30, 'PPC64'],
  [29, 'PPC601'],
  [28, 'ALTIVEC'],
  [27, 'FPU'],
  [26, 'MMU'],
  [25, '4xxMAC'],
  [24, 'UCACHE'],
  [23, 'SPE'],
  [22, 'EFPFLOAT'],
  [21, 'EFPDOUBLE'],
  [20, 'NOTB'],
  [19, 'POWER4'],
  [18, 'POWER5'],
  [17, 'POWER5+'],
  [16, 'CELLBE'],
  [15, 'BOOKE'],
  [14, 'SMT'],
  [13, 'IC_SNOOP'],
  [12, 'ARCH_2_05'],
  [11, 'PA6T'],
  [10, 'DFP'],
  [9, 'POWER6X'],
  [8, 'ARCH_2_06'],
  [7, 'VSX'],
  [6, 'ARCHPMU'],
  [1, 'TRUE_LE'],
  [0, 'PPCLE'],
];
const PPC_HWCAP2: readonly (readonly [number, string])[] = [
  [31, 'ARCH_2_07'],
  [30, 'HTM'],
  [29, 'DSCR'],
  [28, 'EBB'],
  [27, 'ISEL'],
  [26, 'TAR'],
  [25, 'VCRYPTO'],
  [24, 'HTM-NOSC'],
  [23, 'ARCH_3_00'],
  [22, 'IEEE128'],
  [21, 'DARN'],
  [20, 'SCV'],
  [19, 'HTM-NO-SUSPEND'],
  [18, 'ARCH_3_1'],
  [17, 'MMA'],
];
const S390X_HWCAP: readonly string[] = [
  'ESAN3',
  'ZARCH',
  'STFLE',
  'MSA',
  'LDISP',
  'EIMM',
  'DFP',
  'EDAT',
  'ETF3EH',
  'HIGHGPRS',
  'TE',
  'VX',
  'VXD',
  'VXE',
  'GS',
  'VXE2',
  'VXP',
  'SORT',
  'DFLT',
  'VXP2',
  'NNPA',
  'PCIMIO',
  'SIE',
];

function byIndex(value: bigint, table: readonly string[]): string[] {
  return table.filter((_, n) => ((value >> BigInt(n)) & 1n) === 1n);
}

function byBit(value: bigint, table: readonly (readonly [number, string])[]): string[] {
  return table.filter(([n]) => ((value >> BigInt(n)) & 1n) === 1n).map(([, name]) => name);
}

/** The `cpu.cpuid` flag names of a non-x86 architecture's HWCAPs (s390x uses AT_HWCAP only). */
export function hwcapNames(arch: Arch, caps: Hwcaps): string[] {
  switch (arch) {
    case 'arm64':
      return [...byIndex(caps.hwcap, ARM64_HWCAP), ...byIndex(caps.hwcap2, ARM64_HWCAP2)];
    case 'arm':
      return [...byIndex(caps.hwcap, ARM_HWCAP), ...byIndex(caps.hwcap2, ARM_HWCAP2)];
    case 'ppc64le':
      return [...byBit(caps.hwcap, PPC_HWCAP), ...byBit(caps.hwcap2, PPC_HWCAP2)];
    case 's390x':
      return byIndex(caps.hwcap, S390X_HWCAP);
    default:
      return [];
  }
}

/**
 * Fallback when the auxv cannot be read: the cpuinfo `Features` line of arm/arm64 prints the same
 * bits lower-cased, so upper-casing it and keeping the names of the tables is exact there (§6.6).
 * The 32-bit names keep their mixed case (`VFPv3`), matched case-insensitively.
 */
export function featuresLineNames(arch: Arch, features: Iterable<string>): string[] | undefined {
  const tables =
    arch === 'arm64' ? [ARM64_HWCAP, ARM64_HWCAP2] : arch === 'arm' ? [ARM_HWCAP, ARM_HWCAP2] : undefined;
  if (tables === undefined) return undefined;
  const present = new Set([...features].map((feature) => feature.toUpperCase()));
  return tables.flatMap((table) => table.filter((name) => present.has(name.toUpperCase())));
}
