import { X86_FEATURE_NAMES } from '@nfd/spec';
import type { CpuidReader } from '../source.ts';

// The x86 CPUID decoder: what NFD's cpuid library (klauspost/cpuid v2, features.md §6.1) reports
// from raw CPUID leaves, including its quirks, so `cpu.cpuid` equals real NFD's output when we can
// read CPUID (a `/dev/cpu/N/cpuid` device, §6.2, or a dump in tests).

// Every x86 feature name the library can emit, in its internal (enum) order (the order of its
// FeatureSet() and so of NFD's flag list), lives in @nfd/spec, shared with the matcher's catalogue.
export { X86_FEATURE_NAMES };

const NAME_ORDER: ReadonlyMap<string, number> = new Map(
  X86_FEATURE_NAMES.map((name, index) => [name, index]),
);

/** Sorts x86 feature names into the library's enum order (unknown names last, by name). */
export function sortX86Names(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => {
    const ia = NAME_ORDER.get(a) ?? Number.MAX_SAFE_INTEGER;
    const ib = NAME_ORDER.get(b) ?? Number.MAX_SAFE_INTEGER;
    return ia !== ib ? ia - ib : a < b ? -1 : a > b ? 1 : 0;
  });
}

// The library's Vendor table (CPU and hypervisor vendor strings share it; features.md §3.1.2, §6.5).
// Values are the names its Vendor.String() prints.
const VENDOR_MAPPING: ReadonlyMap<string, string> = new Map([
  ['AMDisbetter!', 'AMD'],
  ['AuthenticAMD', 'AMD'],
  ['CentaurHauls', 'VIA'],
  ['GenuineIntel', 'Intel'],
  ['TransmetaCPU', 'Transmeta'],
  ['GenuineTMx86', 'Transmeta'],
  ['Geode by NSC', 'NSC'],
  ['VIA VIA VIA ', 'VIA'],
  ['KVMKVMKVM', 'KVM'],
  ['Linux KVM Hv', 'KVM'],
  ['TCGTCGTCGTCG', 'QEMU'],
  ['Microsoft Hv', 'MSVM'],
  ['VMwareVMware', 'VMware'],
  ['XenVMMXenVMM', 'XenHVM'],
  ['bhyve bhyve ', 'Bhyve'],
  ['HygonGenuine', 'Hygon'],
  ['Vortex86 SoC', 'SiS'],
  ['SiS SiS SiS ', 'SiS'],
  ['RiseRiseRise', 'SiS'],
  ['Genuine  RDC', 'RDC'],
  ['QNXQVMBSQG', 'QNX'],
  ['ACRNACRNACRN', 'ACRN'],
  ['SRESRESRESRE', 'SRE'],
  ['Apple VZ', 'Apple'],
]);

/** The library's name for an unrecognised vendor. */
export const VENDOR_UNKNOWN = 'VendorUnknown';

/**
 * Maps a raw 12-byte vendor string to the library's vendor name. `/proc/cpuinfo` trims trailing
 * blanks (e.g. "VIA VIA VIA "), so the comparison ignores trailing spaces on both sides (§6.4).
 */
export function x86VendorName(raw: string): string | undefined {
  const exact = VENDOR_MAPPING.get(raw);
  if (exact !== undefined) return exact;
  const trimmed = raw.trimEnd();
  for (const [key, name] of VENDOR_MAPPING) if (key.trimEnd() === trimmed) return name;
  return undefined;
}

/** Replaces runs of characters outside `[-A-Za-z0-9_.]` by `_` (NFD's sanitising, §3.1.2). */
export function sanitizeValue(value: string): string {
  return value.replace(/[^-A-Za-z0-9_.]+/g, '_');
}

/** `cpu.model.hypervisor` from the raw hypervisor vendor string of leaf 0x40000000 (§3.1.2). */
export function hypervisorName(raw: string): string {
  const vendor = x86VendorName(raw);
  if (vendor !== undefined) return vendor.toLowerCase();
  const cleaned = sanitizeValue(raw);
  return cleaned === '' ? 'unknown' : cleaned;
}

/** What the decoder learnt from CPUID. */
export interface X86CpuidInfo {
  /** Feature names in the library's order (without the X86_64_V* names NFD appends). */
  readonly features: readonly string[];
  /** Raw vendor string of leaf 0 (cut at the first NUL). */
  readonly vendorString: string;
  /** The library's vendor name (`VendorUnknown` when unmapped). */
  readonly vendor: string;
  readonly family: number;
  readonly model: number;
  /** Raw vendor string of leaf 0x40000000 (cut at the first NUL). */
  readonly hypervisorString: string;
  /** Low byte of leaf 0x24 EBX when AVX10 is present, else 0. */
  readonly avx10Level: number;
  readonly maxFunction: number;
  readonly maxExtendedFunction: number;
}

function bit(value: number, n: number): boolean {
  return ((value >>> n) & 1) === 1;
}

/** Bytes of the registers as a string, cut at the first NUL (the library's valAsString). */
export function registersAsString(...values: number[]): string {
  let out = '';
  for (const value of values) {
    for (let shift = 0; shift < 32; shift += 8) {
      const byte = (value >>> shift) & 0xff;
      if (byte === 0) return out;
      out += String.fromCharCode(byte);
    }
  }
  return out;
}

/**
 * Decodes CPUID the way the cpuid library's detection does (features.md §6.1). `xcr0` stands in
 * for XGETBV(0), which no device exposes: the OS-enabled state gates AVX (bits 1-2) and the
 * AVX-512/AMX block (bits 1-2 and 5-7).
 */
export function decodeX86Cpuid(cpuid: CpuidReader, xcr0: bigint): X86CpuidInfo {
  const read = (leaf: number, subleaf = 0): readonly [number, number, number, number] => {
    const [a, b, c, d] = cpuid(leaf >>> 0, subleaf >>> 0);
    return [a >>> 0, b >>> 0, c >>> 0, d >>> 0];
  };
  const [maxFunction, vb, vc, vd] = read(0);
  const maxExtendedFunction = read(0x80000000)[0];
  const vendorString = registersAsString(vb, vd, vc);
  const vendor = x86VendorName(vendorString) ?? VENDOR_UNKNOWN;
  const [hb, hc, hd] = read(0x40000000).slice(1) as [number, number, number];
  const hypervisorString = registersAsString(hb, hc, hd);
  const xcr0Low = Number(BigInt.asUintN(32, xcr0));

  const { family, model } = maxFunction < 1 ? { family: 0, model: 0 } : familyModel(read(1)[0]);
  const set = new Set<string>();
  const setIf = (cond: boolean, ...names: string[]): void => {
    if (cond) for (const name of names) set.add(name);
  };

  if (maxFunction >= 1) {
    const [, , c, d] = read(1);
    setIf(bit(d, 0), 'X87');
    setIf(bit(d, 8), 'CMPXCHG8');
    setIf(bit(d, 11), 'SYSEE');
    setIf(bit(d, 15), 'CMOV');
    setIf(bit(d, 23), 'MMX');
    setIf(bit(d, 24), 'FXSR');
    // Quirk (§6.1): FXSROPT is taken from leaf-1 EDX bit 25, which is the SSE bit.
    setIf(bit(d, 25), 'FXSROPT', 'SSE');
    setIf(bit(d, 26), 'SSE2');
    setIf(bit(c, 0), 'SSE3');
    setIf(bit(c, 5), 'VMX');
    setIf(bit(c, 9), 'SSSE3');
    setIf(bit(c, 19), 'SSE4');
    setIf(bit(c, 20), 'SSE42');
    setIf(bit(c, 25), 'AESNI');
    setIf(bit(c, 1), 'CLMUL');
    setIf(bit(c, 22), 'MOVBE');
    setIf(bit(c, 23), 'POPCNT');
    setIf(bit(c, 30), 'RDRAND');
    setIf(bit(c, 31), 'HYPERVISOR');
    setIf(bit(c, 29), 'F16C');
    setIf(bit(c, 13), 'CX16');
    // HTT only for Intel/AMD and only with more than one thread per core (§6.1).
    if ((vendor === 'Intel' || vendor === 'AMD') && bit(d, 28) && maxFunction >= 4) {
      setIf(threadsPerCore(read, vendor, maxFunction, maxExtendedFunction, family) > 1, 'HTT');
    }
    setIf(bit(c, 26), 'XSAVE');
    setIf(bit(c, 27), 'OSXSAVE');
    if (bit(c, 26) && bit(c, 27) && bit(c, 28) && (xcr0Low & 0x6) === 0x6) {
      set.add('AVX');
      if (vendor === 'Intel') setIf(family === 6 && model < 60, 'AVXSLOW');
      else if (vendor === 'AMD') setIf(family < 23 || (family === 23 && model < 49), 'AVXSLOW');
    }
    setIf(bit(c, 12) && bit(c, 27), 'FMA3');

    if (maxFunction >= 7) {
      const [, ebx, ecx, edx] = read(7, 0);
      setIf(set.has('AVX') && bit(ebx, 5), 'AVX2');
      if (bit(ebx, 3)) {
        set.add('BMI1');
        setIf(bit(ebx, 8), 'BMI2');
      }
      setIf(bit(ebx, 2), 'SGX');
      setIf(bit(ebx, 4), 'HLE');
      setIf(bit(ebx, 9), 'ERMS');
      setIf(bit(ebx, 11), 'RTM');
      setIf(bit(ebx, 14), 'MPX');
      setIf(bit(ebx, 18), 'RDSEED');
      setIf(bit(ebx, 19), 'ADX');
      setIf(bit(ebx, 29), 'SHA');

      setIf(bit(ecx, 5), 'WAITPKG');
      setIf(bit(ecx, 7), 'CETSS');
      setIf(bit(ecx, 8), 'GFNI');
      setIf(bit(ecx, 9), 'VAES');
      setIf(bit(ecx, 10), 'VPCLMULQDQ');
      setIf(bit(ecx, 13), 'TME');
      setIf(bit(ecx, 25), 'CLDEMOTE');
      setIf(bit(ecx, 23), 'KEYLOCKER');
      setIf(bit(ecx, 27), 'MOVDIRI');
      setIf(bit(ecx, 28), 'MOVDIR64B');
      setIf(bit(ecx, 29), 'ENQCMD');
      setIf(bit(ecx, 30), 'SGXLC');

      setIf(bit(edx, 4), 'FSRM');
      setIf(bit(edx, 9), 'SRBDS_CTRL');
      setIf(bit(edx, 10), 'MD_CLEAR');
      setIf(bit(edx, 11), 'RTM_ALWAYS_ABORT');
      setIf(bit(edx, 14), 'SERIALIZE');
      setIf(bit(edx, 15), 'HYBRID_CPU');
      setIf(bit(edx, 16), 'TSXLDTRK');
      setIf(bit(edx, 18), 'PCONFIG');
      setIf(bit(edx, 20), 'CETIBT');
      setIf(bit(edx, 26), 'IBPB');
      setIf(bit(edx, 27), 'STIBP');
      setIf(bit(edx, 28), 'FLUSH_L1D');
      setIf(bit(edx, 29), 'IA32_ARCH_CAP');
      setIf(bit(edx, 30), 'IA32_CORE_CAP');
      setIf(bit(edx, 31), 'SPEC_CTRL_SSBD');

      const [eax1, , , edx1] = read(7, 1);
      setIf(set.has('AVX') && bit(eax1, 4), 'AVXVNNI');
      setIf(bit(eax1, 1), 'SM3_X86');
      setIf(bit(eax1, 2), 'SM4_X86');
      setIf(bit(eax1, 7), 'CMPCCXADD');
      setIf(bit(eax1, 10), 'MOVSB_ZL');
      setIf(bit(eax1, 11), 'STOSB_SHORT');
      setIf(bit(eax1, 12), 'CMPSB_SCADBS_SHORT');
      setIf(bit(eax1, 22), 'HRESET');
      setIf(bit(eax1, 23), 'AVXIFMA');
      setIf(bit(eax1, 26), 'LAM');

      setIf(bit(edx1, 4), 'AVXVNNIINT8');
      setIf(bit(edx1, 5), 'AVXNECONVERT');
      setIf(bit(edx1, 6), 'AMXTRANSPOSE');
      setIf(bit(edx1, 7), 'AMXTF32');
      setIf(bit(edx1, 8), 'AMXCOMPLEX');
      setIf(bit(edx1, 10), 'AVXVNNIINT16');
      setIf(bit(edx1, 14), 'PREFETCHI');
      setIf(bit(edx1, 19), 'AVX10');
      setIf(bit(edx1, 21), 'APX_F');

      // The AVX-512/AMX block needs XSAVE+OSXSAVE and XCR0 bits 1-2 and 5-7 (§6.1).
      if (bit(c, 26) && bit(c, 27) && ((xcr0Low >>> 5) & 7) === 7 && ((xcr0Low >>> 1) & 3) === 3) {
        setIf(bit(ebx, 16), 'AVX512F');
        setIf(bit(ebx, 17), 'AVX512DQ');
        setIf(bit(ebx, 21), 'AVX512IFMA');
        setIf(bit(ebx, 26), 'AVX512PF');
        setIf(bit(ebx, 27), 'AVX512ER');
        setIf(bit(ebx, 28), 'AVX512CD');
        setIf(bit(ebx, 30), 'AVX512BW');
        setIf(bit(ebx, 31), 'AVX512VL');
        setIf(bit(ecx, 1), 'AVX512VBMI');
        // Quirk (§6.1): ECX bit 3 is really PKU, so every AVX-512 CPU with PKU reports AMXFP8.
        setIf(bit(ecx, 3), 'AMXFP8');
        setIf(bit(ecx, 6), 'AVX512VBMI2');
        setIf(bit(ecx, 11), 'AVX512VNNI');
        setIf(bit(ecx, 12), 'AVX512BITALG');
        setIf(bit(ecx, 14), 'AVX512VPOPCNTDQ');
        setIf(bit(edx, 8), 'AVX512VP2INTERSECT');
        setIf(bit(edx, 22), 'AMXBF16');
        setIf(bit(edx, 23), 'AVX512FP16');
        setIf(bit(edx, 24), 'AMXTILE');
        setIf(bit(edx, 25), 'AMXINT8');
        setIf(bit(eax1, 5), 'AVX512BF16');
        setIf(bit(eax1, 19), 'WRMSRNS');
        setIf(bit(eax1, 21), 'AMXFP16');
        setIf(bit(eax1, 27), 'MSRLIST');
      }

      const edx2 = read(7, 2)[3];
      setIf(bit(edx2, 0), 'PSFD');
      setIf(bit(edx2, 1), 'IDPRED_CTRL');
      setIf(bit(edx2, 2), 'RRSBA_CTRL');
      setIf(bit(edx2, 4), 'BHI_CTRL');
      setIf(bit(edx2, 5), 'MCDT_NO');

      if (set.has('SGX')) setIf(bit(read(0x12, 0)[0], 12), 'SGXPQC');
      if (set.has('KEYLOCKER') && maxFunction >= 0x19) setIf((read(0x19, 0)[1] & 5) === 5, 'KEYLOCKERW');
      if (set.has('AVX10') && maxFunction >= 0x24) {
        const ebx24 = read(0x24, 0)[1];
        setIf(bit(ebx24, 16), 'AVX10_128');
        setIf(bit(ebx24, 17), 'AVX10_256');
        setIf(bit(ebx24, 18), 'AVX10_512');
      }
    }

    if (maxFunction >= 0xd && set.has('XSAVE')) {
      const eax = read(0xd, 1)[0];
      setIf(bit(eax, 0), 'XSAVEOPT');
      setIf(bit(eax, 1), 'XSAVEC');
      setIf(bit(eax, 2), 'XGETBV1');
      setIf(bit(eax, 3), 'XSAVES');
    }
  }

  if (maxExtendedFunction >= 0x80000001) {
    const [, , c, d] = read(0x80000001);
    // LZCNT is the ABM bit, and POPCNT follows it too (§6.1).
    setIf(bit(c, 5), 'LZCNT', 'POPCNT');
    setIf(bit(c, 0), 'LAHF');
    setIf(bit(c, 2), 'SVM');
    setIf(bit(c, 6), 'SSE4A');
    setIf(bit(c, 10), 'IBS');
    setIf(bit(c, 22), 'TOPEXT');
    setIf(bit(d, 11), 'SYSCALL');
    setIf(bit(d, 20), 'NX');
    setIf(bit(d, 22), 'MMXEXT');
    setIf(bit(d, 23), 'MMX');
    setIf(bit(d, 24), 'FXSR');
    setIf(bit(d, 25), 'FXSROPT');
    setIf(bit(d, 27), 'RDTSCP');
    setIf(bit(d, 30), 'AMD3DNOWEXT');
    setIf(bit(d, 31), 'AMD3DNOW');
    if (set.has('AVX')) {
      setIf(bit(c, 11), 'XOP');
      setIf(bit(c, 16), 'FMA4');
    }
  }
  if (maxExtendedFunction >= 0x80000007) {
    const [, b, , d] = read(0x80000007);
    setIf(bit(b, 0), 'MCAOVERFLOW');
    setIf(bit(b, 1), 'SUCCOR');
    setIf(bit(b, 2), 'HWA');
    setIf(bit(d, 9), 'CPBOOST');
  }
  if (maxExtendedFunction >= 0x80000008) {
    const b = read(0x80000008)[1];
    setIf(bit(b, 28), 'PSFD');
    setIf(bit(b, 27), 'CPPC');
    setIf(bit(b, 24), 'SPEC_CTRL_SSBD');
    setIf(bit(b, 23), 'PPIN');
    setIf(bit(b, 21), 'TLB_FLUSH_NESTED');
    setIf(bit(b, 20), 'EFER_LMSLE_UNS');
    setIf(bit(b, 19), 'IBRS_PROVIDES_SMP');
    setIf(bit(b, 18), 'IBRS_PREFERRED');
    setIf(bit(b, 17), 'STIBP_ALWAYSON');
    setIf(bit(b, 15), 'STIBP');
    setIf(bit(b, 14), 'IBRS');
    setIf(bit(b, 13), 'INT_WBINVD');
    setIf(bit(b, 12), 'IBPB');
    setIf(bit(b, 9), 'WBNOINVD');
    setIf(bit(b, 8), 'MCOMMIT');
    setIf(bit(b, 4), 'RDPRU');
    setIf(bit(b, 3), 'INVLPGB');
    setIf(bit(b, 1), 'MSRIRC');
    setIf(bit(b, 0), 'CLZERO');
  }
  if (set.has('SVM') && maxExtendedFunction >= 0x8000000a) {
    const edx = read(0x8000000a)[3];
    setIf(bit(edx, 0), 'SVMNP');
    setIf(bit(edx, 1), 'LBRVIRT');
    setIf(bit(edx, 2), 'SVML');
    setIf(bit(edx, 3), 'NRIPS');
    setIf(bit(edx, 4), 'TSCRATEMSR');
    setIf(bit(edx, 5), 'VMCBCLEAN');
    setIf(bit(edx, 6), 'SVMFBASID');
    setIf(bit(edx, 7), 'SVMDA');
    setIf(bit(edx, 10), 'SVMPF');
    setIf(bit(edx, 12), 'SVMPFT');
  }
  if (maxExtendedFunction >= 0x8000001a) {
    const eax = read(0x8000001a)[0];
    setIf(bit(eax, 0), 'FP128');
    setIf(bit(eax, 1), 'MOVU');
    setIf(bit(eax, 2), 'FP256');
  }
  if (maxExtendedFunction >= 0x8000001b && set.has('IBS')) {
    const eax = read(0x8000001b)[0];
    const ibs = [
      'IBSFFV',
      'IBSFETCHSAM',
      'IBSOPSAM',
      'IBSRDWROPCNT',
      'IBSOPCNT',
      'IBSBRNTRGT',
      'IBSOPCNTEXT',
      'IBSRIPINVALIDCHK',
      'IBS_OPFUSE',
      'IBS_FETCH_CTLX',
      'IBS_OPDATA4',
      'IBS_ZEN4',
    ];
    ibs.forEach((name, n) => {
      setIf(bit(eax, n), name);
    });
  }
  // AMD-only blocks: memory encryption (0x8000001F) and the SRSO/TSA block (0x80000021), §6.1.
  if (maxExtendedFunction >= 0x8000001f && vendor === 'AMD') {
    const a = read(0x8000001f)[0];
    setIf(bit(a, 0), 'SME');
    setIf(bit(a, 1), 'SEV');
    setIf(bit(a, 2), 'MSR_PAGEFLUSH');
    setIf(bit(a, 3), 'SEV_ES');
    setIf(bit(a, 4), 'SEV_SNP');
    setIf(bit(a, 5), 'VMPL');
    setIf(bit(a, 10), 'SME_COHERENT');
    setIf(bit(a, 11), 'SEV_64BIT');
    setIf(bit(a, 12), 'SEV_RESTRICTED');
    setIf(bit(a, 13), 'SEV_ALTERNATIVE');
    setIf(bit(a, 14), 'SEV_DEBUGSWAP');
    setIf(bit(a, 15), 'IBS_PREVENTHOST');
    setIf(bit(a, 16), 'VTE');
    setIf(bit(a, 24), 'VMSA_REGPROT');
  }
  if (maxExtendedFunction >= 0x80000021 && vendor === 'AMD') {
    const [a, , c] = read(0x80000021);
    setIf(bit(a, 31), 'SRSO_MSR_FIX');
    setIf(bit(a, 30), 'SRSO_USER_KERNEL_NO');
    setIf(bit(a, 29), 'SRSO_NO');
    setIf(bit(a, 28), 'IBPB_BRTYPE');
    setIf(bit(a, 27), 'SBPB');
    // AVX512BMM: EAX bit 23 of this leaf (AMD's AVX512_BMM). The library revision studied for
    // features.md lists the name; its exact gating was not available, so this follows the CPUID bit.
    setIf(bit(a, 23), 'AVX512BMM');
    setIf(bit(c, 1), 'TSA_L1_NO');
    setIf(bit(c, 2), 'TSA_SQ_NO');
    setIf(bit(a, 5), 'TSA_VERW_CLEAR');
  }
  if (vendor === 'AMD') {
    // Forced on for parts AMD documents as not affected by TSA (§6.1).
    if (family < 0x19) setIf(true, 'TSA_L1_NO', 'TSA_SQ_NO');
    else if (family === 0x1a) {
      setIf(model <= 0x4f || (model >= 0x60 && model <= 0x7f), 'TSA_L1_NO', 'TSA_SQ_NO');
    }
  }
  if (maxFunction >= 0x20) {
    // Hyper-V hides TDX from guests except through its own leaf (§3.1.6).
    setIf(read(0x4000000c)[1] === 0xbe3, 'TDX_GUEST');
  }
  if (maxFunction >= 0x21) {
    const [, ebx, ecx, edx] = read(0x21);
    setIf(registersAsString(ebx, edx, ecx) === 'IntelTDX    ', 'TDX_GUEST');
  }

  // Architectural PMU (leaf 0xA): fixed counters (§6.1).
  if (maxFunction >= 0xa) {
    const [eax, ebx, , edx] = read(0xa);
    const version = eax & 0xff;
    const fixed = version > 1 ? edx & 0x1f : 0;
    if (version > 0) {
      if (ebx === 0 && (fixed === 3 || fixed === 4)) {
        set.add('PMU_FIXEDCOUNTER_INSTRUCTIONS');
        set.add('PMU_FIXEDCOUNTER_CYCLES');
        set.add('PMU_FIXEDCOUNTER_REFCYCLES');
        setIf(fixed === 4, 'PMU_FIXEDCOUNTER_TOPDOWN_SLOTS');
      }
      if (ebx !== 0) {
        setIf(!bit(ebx, 0), 'PMU_FIXEDCOUNTER_INSTRUCTIONS');
        setIf(!bit(ebx, 1), 'PMU_FIXEDCOUNTER_CYCLES');
        setIf(!bit(ebx, 2), 'PMU_FIXEDCOUNTER_REFCYCLES');
        setIf(!bit(ebx, 3), 'PMU_FIXEDCOUNTER_TOPDOWN_SLOTS');
      }
    }
  }

  const avx10Level = set.has('AVX10') && maxFunction >= 0x24 ? read(0x24, 0)[1] & 0xff : 0;
  return {
    features: sortX86Names(set),
    vendorString,
    vendor,
    family,
    model,
    hypervisorString,
    avx10Level,
    maxFunction,
    maxExtendedFunction,
  };
}

/** Display family/model from CPUID(1).EAX (§3.1.2). */
export function familyModel(eax: number): { family: number; model: number } {
  let family = (eax >>> 8) & 0xf;
  let extended = family === 6;
  if (family === 0xf) {
    family += (eax >>> 20) & 0xff;
    extended = true;
  }
  let model = (eax >>> 4) & 0xf;
  if (extended) model += (eax >>> 12) & 0xf0;
  return { family, model };
}

function threadsPerCore(
  read: (leaf: number, subleaf?: number) => readonly [number, number, number, number],
  vendor: string,
  maxFunction: number,
  maxExtendedFunction: number,
  family: number,
): number {
  if (maxFunction < 4 || (vendor !== 'Intel' && vendor !== 'AMD')) return 1;
  if (maxFunction < 0xb) {
    if (vendor !== 'Intel') return 1;
    const [, b, , d] = read(1);
    if (bit(d, 28)) {
      const logical = (b >>> 16) & 0xff;
      if (logical > 1) {
        const cores = (read(4)[0] >>> 26) + 1;
        return Math.trunc(logical / cores);
      }
    }
    return 1;
  }
  const b = read(0xb, 0)[1];
  if ((b & 0xffff) === 0) {
    if (vendor === 'AMD' && bit(read(1)[3], 28) && family >= 23) {
      // Zen 2 and later report threads per core in 0x8000001E EBX[15:8].
      if (maxExtendedFunction >= 0x8000001e) return ((read(0x8000001e)[1] >>> 8) & 0xff) + 1;
      return 2;
    }
    return 1;
  }
  return b & 0xffff;
}

/** The x86-64 psABI level (0-4) of a flag set (§6.3). */
export function x86Level(flags: ReadonlySet<string>): number {
  if (!flags.has('SYSEE') && !flags.has('SYSCALL')) return 0;
  let level = 0;
  for (const names of X86_LEVEL_FEATURES) {
    if (!names.every((name) => flags.has(name))) break;
    level++;
  }
  return level;
}

const X86_LEVEL_FEATURES: readonly (readonly string[])[] = [
  ['CMOV', 'CMPXCHG8', 'X87', 'FXSR', 'MMX', 'SSE', 'SSE2'],
  ['CX16', 'LAHF', 'POPCNT', 'SSE3', 'SSE4', 'SSE42', 'SSSE3'],
  ['AVX', 'AVX2', 'BMI1', 'BMI2', 'F16C', 'FMA3', 'LZCNT', 'MOVBE', 'OSXSAVE'],
  ['AVX512F', 'AVX512BW', 'AVX512CD', 'AVX512DQ', 'AVX512VL'],
];

/** The flag names NFD appends for a level: X86_64_V1 .. X86_64_V<level> (§3.1.1). */
export function x86LevelNames(level: number): string[] {
  return Array.from({ length: level }, (_, i) => `X86_64_V${i + 1}`);
}

/**
 * An XCR0 estimate when only CPUID is readable (§6.2): XGETBV is not reachable from Node, but the
 * kernel prints `avx` only when it enabled YMM state and `avx512f` only with the ZMM/opmask state,
 * so `/proc/cpuinfo` flags stand for the OS-enabled bits. Without cpuinfo, assume the kernel enabled
 * every user state the CPU offers (CPUID leaf 0xD.0 EAX).
 */
export function estimateXcr0(cpuinfoFlags: ReadonlySet<string> | undefined, cpuid?: CpuidReader): bigint {
  if (cpuinfoFlags !== undefined) {
    let value = 0x1n; // x87 state is always enabled.
    if (cpuinfoFlags.has('sse') || cpuinfoFlags.has('xsave')) value |= 0x2n;
    if (cpuinfoFlags.has('avx')) value |= 0x6n;
    if (cpuinfoFlags.has('avx512f')) value |= 0xe6n;
    return value;
  }
  if (cpuid !== undefined && cpuid(0, 0)[0] >>> 0 >= 0xd) return BigInt(cpuid(0xd, 0)[0] >>> 0);
  return 0n;
}
