import { describe, expect, it } from 'vitest';
import { X86_FEATURE_NAMES } from './cpuid-x86.ts';
import { parseCpuinfo } from './cpuinfo.ts';
import { CPUINFO_UNKNOWABLE, cpuinfoToX86Names } from './cpuinfo-flags.ts';

const block = (vendor: string, family: number, model: number, flags: string, extra = '') =>
  parseCpuinfo(
    `processor\t: 0\nvendor_id\t: ${vendor}\ncpu family\t: ${family}\nmodel\t\t: ${model}\n${extra}flags\t\t: ${flags}\n\nprocessor\t: 1\nflags\t\t: avx512f\n`,
  );

describe('cpuinfo -> NFD names (features.md §6.4)', () => {
  it('uses the first processor block only', () => {
    const names = cpuinfoToX86Names(block('GenuineIntel', 6, 85, 'fpu sse'), { hybrid: false });
    expect(names).toEqual(['FXSROPT', 'SSE', 'X87']);
  });

  it('applies the rule rows', () => {
    const intel = cpuinfoToX86Names(
      block(
        'GenuineIntel',
        6,
        45,
        'avx avx512f pku bmi2 popcnt ibrs ht xsave',
        'siblings\t: 8\ncpu cores\t: 4\n',
      ),
      { hybrid: true },
    );
    expect(intel).toEqual([
      'AMXFP8',
      'AVX',
      'AVX512F',
      'AVXSLOW',
      'HTT',
      'HYBRID_CPU',
      'OSXSAVE',
      'POPCNT',
      'XSAVE',
    ]);
    const amd = cpuinfoToX86Names(
      block('AuthenticAMD', 23, 1, 'avx abm ibrs bmi1 bmi2 ht', 'siblings\t: 4\ncpu cores\t: 4\n'),
      {
        hybrid: false,
      },
    );
    expect(amd).toEqual([
      'AVX',
      'AVXSLOW',
      'BMI1',
      'BMI2',
      'IBRS',
      'LZCNT',
      'POPCNT',
      'TSA_L1_NO',
      'TSA_SQ_NO',
    ]);
  });

  it('never produces an unknowable name, and knows every library name', () => {
    const everything = X86_FEATURE_NAMES.map((name) => name.toLowerCase()).join(' ');
    const names = cpuinfoToX86Names(block('AuthenticAMD', 26, 2, everything), { hybrid: false });
    for (const name of CPUINFO_UNKNOWABLE) expect(names).not.toContain(name);
    expect(X86_FEATURE_NAMES).toHaveLength(209);
  });
});
