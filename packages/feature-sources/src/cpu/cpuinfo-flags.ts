import { CPUINFO_X86_FLAGS } from '@nfd/spec';
import { sortX86Names, x86VendorName } from './cpuid-x86.ts';
import type { CpuinfoBlock } from './cpuinfo.ts';
import { intField } from './cpuinfo.ts';

// The /proc/cpuinfo fallback for x86 `cpu.cpuid` when raw CPUID cannot be read (features.md §6.4,
// reference/cpuinfo-to-nfd-cpuid.json). It is lossy: the kernel hides many CPUID bits, so real
// NFD can report more names than this; see CPUINFO_UNKNOWABLE.

/**
 * Names the fallback can never produce: no /proc/cpuinfo flag stands for them ("none" rows of the
 * table; TBM is declared by the library but never emitted, so it is not listed).
 */
export const CPUINFO_UNKNOWABLE: readonly string[] = [
  'AMXFP16',
  'AMXTF32',
  'AMXCOMPLEX',
  'AMXTRANSPOSE',
  'APX_F',
  'AVX10',
  'AVX10_128',
  'AVX10_256',
  'AVX10_512',
  'AVX512BMM',
  'AVXIFMA',
  'AVXNECONVERT',
  'AVXVNNIINT8',
  'AVXVNNIINT16',
  'BHI_CTRL',
  'CMPCCXADD',
  'CMPSB_SCADBS_SHORT',
  'EFER_LMSLE_UNS',
  'FP128',
  'FP256',
  'HRESET',
  'HWA',
  'IA32_CORE_CAP',
  'IBPB_BRTYPE',
  'IBRS_PREFERRED',
  'IBRS_PROVIDES_SMP',
  'IBSBRNTRGT',
  'IBSFETCHSAM',
  'IBSFFV',
  'IBSOPCNT',
  'IBSOPCNTEXT',
  'IBSOPSAM',
  'IBSRDWROPCNT',
  'IBSRIPINVALIDCHK',
  'IBS_FETCH_CTLX',
  'IBS_OPDATA4',
  'IBS_OPFUSE',
  'IBS_PREVENTHOST',
  'IBS_ZEN4',
  'IDPRED_CTRL',
  'INT_WBINVD',
  'INVLPGB',
  'KEYLOCKER',
  'KEYLOCKERW',
  'MCDT_NO',
  'MCOMMIT',
  'MOVSB_ZL',
  'MOVU',
  'MSRLIST',
  'MSR_PAGEFLUSH',
  'PREFETCHI',
  'PSFD',
  'RRSBA_CTRL',
  'RTM_ALWAYS_ABORT',
  'SBPB',
  'SEV_64BIT',
  'SEV_ALTERNATIVE',
  'SEV_RESTRICTED',
  'SGXPQC',
  'SME_COHERENT',
  'SM3_X86',
  'SM4_X86',
  'SRBDS_CTRL',
  'SRSO_MSR_FIX',
  'SRSO_NO',
  'SRSO_USER_KERNEL_NO',
  'STIBP_ALWAYSON',
  'STOSB_SHORT',
  'TLB_FLUSH_NESTED',
  'TSA_VERW_CLEAR',
  'VMPL',
  'VMSA_REGPROT',
  'VTE',
  'WRMSRNS',
  'PMU_FIXEDCOUNTER_CYCLES',
  'PMU_FIXEDCOUNTER_REFCYCLES',
  'PMU_FIXEDCOUNTER_INSTRUCTIONS',
  'PMU_FIXEDCOUNTER_TOPDOWN_SLOTS',
];

/**
 * Names the fallback derives but may get wrong because the kernel prints the flag differently
 * from CPUID ("approx" rows; e.g. `rdseed` removed on Zen 5, `user_shstk` only when enabled).
 */
export const CPUINFO_APPROXIMATE: readonly string[] = [
  'CETIBT',
  'CETSS',
  'HLE',
  'IBPB',
  'RDRAND',
  'RDSEED',
  'RTM',
  'SEV',
  'SME',
  'SPEC_CTRL_SSBD',
  'HTT',
  'HYBRID_CPU',
];

/** Extra inputs of the rule rows that are not in /proc/cpuinfo. */
export interface CpuinfoFlagOptions {
  /** `<sys>/devices/cpu_core` and `<sys>/devices/cpu_atom` both exist (HYBRID_CPU rule). */
  readonly hybrid: boolean;
}

/** The library's feature names (no X86_64_V*) that /proc/cpuinfo implies, in library order. */
export function cpuinfoToX86Names(block: CpuinfoBlock, options: CpuinfoFlagOptions): string[] {
  const flags = block.flags;
  const has = (flag: string): boolean => flags.has(flag);
  const vendor = x86VendorName(block.fields.get('vendor_id') ?? '');
  const family = intField(block, 'cpu family') ?? 0;
  const model = intField(block, 'model') ?? 0;
  const out = new Set<string>();
  // The "exact" and "approx" rows (§6.4): present when any listed flag is.
  for (const [name, sources] of CPUINFO_X86_FLAGS) if (sources.some(has)) out.add(name);

  // Rule rows (§6.4).
  if (has('pku') && has('avx512f')) out.add('AMXFP8'); // the library's PKU quirk
  if (
    has('avx') &&
    ((vendor === 'Intel' && family === 6 && model < 60) ||
      (vendor === 'AMD' && (family < 23 || (family === 23 && model < 49))))
  ) {
    out.add('AVXSLOW');
  }
  if (has('bmi2') && has('bmi1')) out.add('BMI2');
  if (has('sse') || has('fxsr_opt')) out.add('FXSROPT');
  const siblings = intField(block, 'siblings');
  const cores = intField(block, 'cpu cores');
  if (
    has('ht') &&
    (vendor === 'Intel' || vendor === 'AMD') &&
    siblings !== undefined &&
    cores !== undefined &&
    cores > 0 &&
    siblings / cores > 1
  ) {
    out.add('HTT');
  }
  if (options.hybrid) out.add('HYBRID_CPU');
  if (has('ibrs') && (vendor === 'AMD' || vendor === 'Hygon')) out.add('IBRS');
  if (has('xsave')) out.add('OSXSAVE');
  if (has('popcnt') || has('abm')) out.add('POPCNT');
  if (
    vendor === 'AMD' &&
    (family < 25 || (family === 26 && (model <= 0x4f || (model >= 0x60 && model <= 0x7f))))
  ) {
    out.add('TSA_L1_NO');
    out.add('TSA_SQ_NO');
  }
  return sortX86Names(out);
}
