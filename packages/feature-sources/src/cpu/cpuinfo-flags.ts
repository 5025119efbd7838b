import { sortX86Names, x86VendorName } from './cpuid-x86.ts';
import type { CpuinfoBlock } from './cpuinfo.ts';
import { intField } from './cpuinfo.ts';

// The /proc/cpuinfo fallback for x86 `cpu.cpuid` when raw CPUID cannot be read (features.md §6.4,
// reference/cpuinfo-to-nfd-cpuid.json). It is lossy: the kernel hides many CPUID bits, so real
// NFD can report more names than this; see CPUINFO_UNKNOWABLE.

/** NFD name <- cpuinfo flags ("exact" and "approx" rows: present when ANY listed flag is). */
const DIRECT: readonly (readonly [string, readonly string[]])[] = [
  ['ADX', ['adx']],
  ['AESNI', ['aes']],
  ['AMD3DNOW', ['3dnow']],
  ['AMD3DNOWEXT', ['3dnowext']],
  ['AMXBF16', ['amx_bf16']],
  ['AMXINT8', ['amx_int8']],
  ['AMXTILE', ['amx_tile']],
  ['AVX', ['avx']],
  ['AVX2', ['avx2']],
  ['AVX512BF16', ['avx512_bf16']],
  ['AVX512BITALG', ['avx512_bitalg']],
  ['AVX512BW', ['avx512bw']],
  ['AVX512CD', ['avx512cd']],
  ['AVX512DQ', ['avx512dq']],
  ['AVX512ER', ['avx512er']],
  ['AVX512F', ['avx512f']],
  ['AVX512FP16', ['avx512_fp16']],
  ['AVX512IFMA', ['avx512ifma']],
  ['AVX512PF', ['avx512pf']],
  ['AVX512VBMI', ['avx512vbmi']],
  ['AVX512VBMI2', ['avx512_vbmi2']],
  ['AVX512VL', ['avx512vl']],
  ['AVX512VNNI', ['avx512_vnni']],
  ['AVX512VP2INTERSECT', ['avx512_vp2intersect']],
  ['AVX512VPOPCNTDQ', ['avx512_vpopcntdq']],
  ['AVXVNNI', ['avx_vnni']],
  ['BMI1', ['bmi1']],
  ['CETIBT', ['ibt']],
  ['CETSS', ['user_shstk']],
  ['CLDEMOTE', ['cldemote']],
  ['CLMUL', ['pclmulqdq']],
  ['CLZERO', ['clzero']],
  ['CMOV', ['cmov']],
  ['CMPXCHG8', ['cx8']],
  ['CPBOOST', ['cpb']],
  ['CPPC', ['cppc']],
  ['CX16', ['cx16']],
  ['ENQCMD', ['enqcmd']],
  ['ERMS', ['erms']],
  ['F16C', ['f16c']],
  ['FLUSH_L1D', ['flush_l1d']],
  ['FMA3', ['fma']],
  ['FMA4', ['fma4']],
  ['FSRM', ['fsrm']],
  ['FXSR', ['fxsr']],
  ['GFNI', ['gfni']],
  ['HLE', ['hle']],
  ['HYPERVISOR', ['hypervisor']],
  ['IA32_ARCH_CAP', ['arch_capabilities']],
  ['IBPB', ['ibpb']],
  ['IBS', ['ibs']],
  ['LAHF', ['lahf_lm']],
  ['LAM', ['lam']],
  ['LBRVIRT', ['lbrv']],
  ['LZCNT', ['abm']],
  ['MCAOVERFLOW', ['overflow_recov']],
  ['MD_CLEAR', ['md_clear']],
  ['MMX', ['mmx']],
  ['MMXEXT', ['mmxext']],
  ['MOVBE', ['movbe']],
  ['MOVDIR64B', ['movdir64b']],
  ['MOVDIRI', ['movdiri']],
  ['MPX', ['mpx']],
  ['MSRIRC', ['irperf']],
  ['NRIPS', ['nrip_save']],
  ['NX', ['nx']],
  ['PCONFIG', ['pconfig']],
  ['PPIN', ['amd_ppin']],
  ['RDPRU', ['rdpru']],
  ['RDRAND', ['rdrand']],
  ['RDSEED', ['rdseed']],
  ['RDTSCP', ['rdtscp']],
  ['RTM', ['rtm']],
  ['SERIALIZE', ['serialize']],
  ['SEV', ['sev']],
  ['SEV_DEBUGSWAP', ['debug_swap']],
  ['SEV_ES', ['sev_es']],
  ['SEV_SNP', ['sev_snp']],
  ['SGX', ['sgx']],
  ['SGXLC', ['sgx_lc']],
  ['SHA', ['sha_ni']],
  ['SME', ['sme']],
  ['SPEC_CTRL_SSBD', ['ssbd']],
  ['SSE', ['sse']],
  ['SSE2', ['sse2']],
  ['SSE3', ['pni']],
  ['SSE4', ['sse4_1']],
  ['SSE42', ['sse4_2']],
  ['SSE4A', ['sse4a']],
  ['SSSE3', ['ssse3']],
  ['STIBP', ['stibp']],
  ['SUCCOR', ['succor']],
  ['SVM', ['svm']],
  ['SVMDA', ['decodeassists']],
  ['SVMFBASID', ['flushbyasid']],
  ['SVML', ['svm_lock']],
  ['SVMNP', ['npt']],
  ['SVMPF', ['pausefilter']],
  ['SVMPFT', ['pfthreshold']],
  ['SYSCALL', ['syscall']],
  ['SYSEE', ['sep']],
  ['TDX_GUEST', ['tdx_guest']],
  ['TME', ['tme']],
  ['TOPEXT', ['topoext']],
  ['TSCRATEMSR', ['tsc_scale']],
  ['TSXLDTRK', ['tsxldtrk']],
  ['VAES', ['vaes']],
  ['VMCBCLEAN', ['vmcb_clean']],
  ['VMX', ['vmx']],
  ['VPCLMULQDQ', ['vpclmulqdq']],
  ['WAITPKG', ['waitpkg']],
  ['WBNOINVD', ['wbnoinvd']],
  ['X87', ['fpu']],
  ['XGETBV1', ['xgetbv1']],
  ['XOP', ['xop']],
  ['XSAVE', ['xsave']],
  ['XSAVEC', ['xsavec']],
  ['XSAVEOPT', ['xsaveopt']],
  ['XSAVES', ['xsaves']],
];

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
  for (const [name, sources] of DIRECT) if (sources.some(has)) out.add(name);

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
