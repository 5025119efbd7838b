import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_HOSTS_DIR } from '../test-support.ts';
import {
  decodeX86Cpuid,
  estimateXcr0,
  familyModel,
  hypervisorName,
  registersAsString,
  x86Level,
  x86LevelNames,
  x86VendorName,
} from './cpuid-x86.ts';
import { leavesReader, loadLeavesFile } from './leaves-reader.ts';

const THIS_MACHINE = join(FIXTURE_HOSTS_DIR, 'this-machine');

// The cpuid library's output on this machine (fixtures/hosts/this-machine/README.md).
const THIS_MACHINE_FLAGS =
  'ADX AESNI AVX AVX2 AVX512BF16 AVX512BITALG AVX512BW AVX512CD AVX512DQ AVX512F AVX512IFMA AVX512VBMI ' +
  'AVX512VBMI2 AVX512VL AVX512VNNI AVX512VP2INTERSECT AVX512VPOPCNTDQ AVXVNNI BMI1 BMI2 CETSS CLMUL CLZERO ' +
  'CMOV CMPXCHG8 CX16 ERMS F16C FMA3 FSRM FXSR FXSROPT GFNI HYPERVISOR LAHF LZCNT MMX MMXEXT MOVBE MOVU NX ' +
  'OSXSAVE POPCNT PSFD RDRAND RDSEED RDTSCP SHA SSE SSE2 SSE3 SSE4 SSE42 SSE4A SSSE3 STIBP_ALWAYSON SYSCALL ' +
  'SYSEE TOPEXT TSA_L1_NO TSA_SQ_NO VAES VPCLMULQDQ X87 XGETBV1 XSAVE XSAVEC XSAVEOPT XSAVES';

describe('decodeX86Cpuid on the this-machine dump', () => {
  it('reproduces the library feature list, vendor, family/model and hypervisor', async () => {
    const reader = await loadLeavesFile(join(THIS_MACHINE, 'cpuid-leaves.json'));
    expect(reader.xcr0).toBe(0xe7n);
    const info = decodeX86Cpuid(reader, reader.xcr0 ?? 0n);
    expect(info.features).toEqual(THIS_MACHINE_FLAGS.split(' '));
    expect(info.vendorString).toBe('AuthenticAMD');
    expect(info.vendor).toBe('AMD');
    expect(info.family).toBe(26);
    expect(info.model).toBe(2);
    expect(info.hypervisorString).toBe('KVMKVMKVM');
    expect(hypervisorName(info.hypervisorString)).toBe('kvm');
    expect(info.avx10Level).toBe(0);
    expect(x86Level(new Set(info.features))).toBe(4);
  });

  it('gates AVX and the AVX-512 block on XCR0 (OS support)', async () => {
    const reader = await loadLeavesFile(join(THIS_MACHINE, 'cpuid-leaves.json'));
    const sseOnly = decodeX86Cpuid(reader, 0x3n).features;
    expect(sseOnly).not.toContain('AVX');
    expect(sseOnly).not.toContain('AVX2');
    expect(sseOnly).not.toContain('AVXVNNI');
    expect(sseOnly).not.toContain('AVX512F');
    // FMA3 only needs the CPU bit and OSXSAVE, and BMI1/2 no OS state at all.
    expect(sseOnly).toContain('FMA3');
    expect(sseOnly).toContain('BMI2');
    const avxOnly = decodeX86Cpuid(reader, 0x7n).features;
    expect(avxOnly).toContain('AVX2');
    expect(avxOnly).not.toContain('AVX512F');
    expect(x86Level(new Set(avxOnly))).toBe(3);
  });
});

/** A synthetic CPU: leaves given as a map, the rest zero. */
function synthetic(leaves: Record<string, [number, number, number, number]>) {
  return leavesReader({
    leaves: Object.entries(leaves).map(([key, [eax, ebx, ecx, edx]]) => {
      const [leaf, subleaf] = key.split('.');
      const h = (v: number) => `0x${(v >>> 0).toString(16)}`;
      return {
        leaf: `0x${leaf}`,
        subleaf: Number(subleaf ?? 0),
        eax: h(eax),
        ebx: h(ebx),
        ecx: h(ecx),
        edx: h(edx),
      };
    }),
  });
}

const GENUINE_INTEL: [number, number, number] = [0x756e6547, 0x6c65746e, 0x49656e69]; // ebx, ecx, edx

describe('decodeX86Cpuid quirks', () => {
  it('reports AMXFP8 from the PKU bit on an AVX-512 CPU (library quirk)', () => {
    const reader = synthetic({
      '0': [7, GENUINE_INTEL[0], GENUINE_INTEL[1], GENUINE_INTEL[2]],
      // family 6 model 85 (Cascade Lake), XSAVE+OSXSAVE+AVX.
      '1': [0x00050657, 0, (1 << 26) | (1 << 27) | (1 << 28), 1 << 25],
      '7.0': [0, 1 << 16, 1 << 3, 0],
    });
    const features = decodeX86Cpuid(reader, 0xe7n).features;
    expect(features).toContain('AMXFP8');
    expect(features).toContain('AVX512F');
    expect(features).toContain('FXSROPT'); // from the SSE bit
    expect(decodeX86Cpuid(reader, 0x7n).features).not.toContain('AMXFP8');
  });

  it('reports PMU fixed counters from leaf 0xA and the TDX guest signature', () => {
    const reader = synthetic({
      '0': [0x21, GENUINE_INTEL[0], GENUINE_INTEL[1], GENUINE_INTEL[2]],
      a: [0x08300805, 0, 0, 0x00008604], // version 5, 4 fixed counters
      '21': [0, 0x65746e49, 0x20202020, 0x5844546c], // "IntelTDX    "
    });
    const features = decodeX86Cpuid(reader, 0n).features;
    expect(features).toEqual([
      'TDX_GUEST',
      'PMU_FIXEDCOUNTER_CYCLES',
      'PMU_FIXEDCOUNTER_REFCYCLES',
      'PMU_FIXEDCOUNTER_INSTRUCTIONS',
      'PMU_FIXEDCOUNTER_TOPDOWN_SLOTS',
    ]);
  });

  it('forces TSA_*_NO on AMD family < 0x19 and on the listed family 0x1A models only', () => {
    const amd = (eax1: number) =>
      decodeX86Cpuid(synthetic({ '0': [1, 0x68747541, 0x444d4163, 0x69746e65], '1': [eax1, 0, 0, 0] }), 0n)
        .features;
    expect(amd(0x00800f12)).toEqual(['TSA_L1_NO', 'TSA_SQ_NO']); // family 0x17
    expect(amd(0x00a00f11)).toEqual([]); // family 0x19 (Zen 3/4): from CPUID only
    expect(amd(0x00b50f00)).toEqual([]); // family 0x1A model 0x50
    expect(amd(0x00b70f00)).toEqual(['TSA_L1_NO', 'TSA_SQ_NO']); // family 0x1A model 0x70
  });

  it('sets HTT only with more than one thread per core', () => {
    const intel = (threads: number) =>
      decodeX86Cpuid(
        synthetic({
          '0': [0xb, GENUINE_INTEL[0], GENUINE_INTEL[1], GENUINE_INTEL[2]],
          '1': [0x000806f8, 0, 0, 1 << 28],
          'b.0': [0, threads, 0, 0],
        }),
        0n,
      ).features;
    expect(intel(2)).toContain('HTT');
    expect(intel(1)).not.toContain('HTT');
  });
});

describe('helpers', () => {
  it('computes display family/model like /proc/cpuinfo', () => {
    expect(familyModel(0x00b00f21)).toEqual({ family: 26, model: 2 });
    expect(familyModel(0x000806f8)).toEqual({ family: 6, model: 143 });
    expect(familyModel(0x00000f29)).toEqual({ family: 15, model: 2 });
    expect(familyModel(0x00000562)).toEqual({ family: 5, model: 6 });
  });

  it('maps vendor strings (§6.5) and hypervisor names (§3.1.2)', () => {
    expect(x86VendorName('GenuineIntel')).toBe('Intel');
    expect(x86VendorName('VIA VIA VIA')).toBe('VIA'); // as /proc/cpuinfo prints it (trimmed)
    expect(x86VendorName('Genuine  RDC')).toBe('RDC');
    expect(x86VendorName('Nonsense')).toBeUndefined();
    expect(hypervisorName('Microsoft Hv')).toBe('msvm');
    expect(hypervisorName('TCGTCGTCGTCG')).toBe('qemu');
    expect(hypervisorName('bhyve bhyve ')).toBe('bhyve');
    expect(hypervisorName('My Hyp/1')).toBe('My_Hyp_1');
    expect(hypervisorName('')).toBe('unknown');
    expect(registersAsString(0x4b4d564b, 0x564b4d56, 0x0000004d)).toBe('KVMKVMKVM');
  });

  it('levels and their names', () => {
    expect(x86LevelNames(0)).toEqual([]);
    expect(x86LevelNames(2)).toEqual(['X86_64_V1', 'X86_64_V2']);
    expect(x86Level(new Set(['CMOV', 'CMPXCHG8', 'X87', 'FXSR', 'MMX', 'SSE', 'SSE2']))).toBe(0);
    expect(x86Level(new Set(['SYSCALL', 'CMOV', 'CMPXCHG8', 'X87', 'FXSR', 'MMX', 'SSE', 'SSE2']))).toBe(1);
  });

  it('estimates XCR0 from cpuinfo flags', () => {
    expect(estimateXcr0(new Set(['sse', 'avx', 'avx512f']))).toBe(0xe7n);
    expect(estimateXcr0(new Set(['sse', 'avx']))).toBe(0x7n);
    expect(estimateXcr0(new Set(['sse']))).toBe(0x3n);
  });
});
