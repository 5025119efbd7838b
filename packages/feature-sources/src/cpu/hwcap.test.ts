import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_HOSTS_DIR } from '../test-support.ts';
import { featuresLineNames, hwcapNames, parseAuxv } from './hwcap.ts';

function auxv64(pairs: [number, bigint][], littleEndian = true): Uint8Array {
  const view = new DataView(new ArrayBuffer(pairs.length * 16 + 16));
  pairs.forEach(([type, value], i) => {
    view.setBigUint64(i * 16, BigInt(type), littleEndian);
    view.setBigUint64(i * 16 + 8, value, littleEndian);
  });
  return new Uint8Array(view.buffer);
}

describe('auxv and HWCAP names (features.md §6.6)', () => {
  it('reads the arm-node fixture auxv', () => {
    const caps = parseAuxv(readFileSync(join(FIXTURE_HOSTS_DIR, 'arm-node/proc/self/auxv')), 'arm64');
    expect(caps).toEqual({ hwcap: 0x10119fffn, hwcap2: 0n });
    expect(hwcapNames('arm64', caps)).toEqual(
      'FP ASIMD EVTSTRM AES PMULL SHA1 SHA2 CRC32 ATOMICS FPHP ASIMDHP CPUID ASIMDRDM LRCPC DCPOP ASIMDDP SSBS'.split(
        ' ',
      ),
    );
  });

  it('stops at AT_NULL and ignores arm64 bits past the tables', () => {
    const bytes = auxv64([
      [26, (1n << 1n) | (1n << 33n) | (1n << 34n)],
      [16, 1n | (1n << 40n)],
      [0, 0n],
      [16, 0xffn],
    ]);
    const caps = parseAuxv(bytes, 'arm64');
    expect(hwcapNames('arm64', caps)).toEqual(['FP', 'SVE2', 'SVEEBF16']);
  });

  it('uses 32-bit words on arm and big-endian on s390x', () => {
    const arm = new DataView(new ArrayBuffer(24));
    arm.setUint32(0, 16, true);
    arm.setUint32(4, (1 << 12) | (1 << 13), true);
    arm.setUint32(8, 26, true);
    arm.setUint32(12, 1 << 4, true);
    expect(hwcapNames('arm', parseAuxv(new Uint8Array(arm.buffer), 'arm'))).toEqual([
      'NEON',
      'VFPv3',
      'CRC32',
    ]);
    const s390x = parseAuxv(auxv64([[16, 2048n | 2n]], false), 's390x');
    expect(hwcapNames('s390x', s390x)).toEqual(['ZARCH', 'VX']);
  });

  it('maps ppc64le by mask', () => {
    const caps = { hwcap: 0x40000000n | 0x00000080n | 0x2n, hwcap2: 0x80000000n | 0x01000000n };
    expect(hwcapNames('ppc64le', caps)).toEqual(['PPC64', 'VSX', 'TRUE_LE', 'ARCH_2_07', 'HTM-NOSC']);
  });

  it('falls back to the cpuinfo Features line on arm/arm64 only', () => {
    expect(featuresLineNames('arm64', ['fp', 'asimd', 'smei16i64', 'bogus'])).toEqual([
      'FP',
      'ASIMD',
      'SMEI16I64',
    ]);
    expect(featuresLineNames('arm', ['vfpv3', 'neon'])).toEqual(['NEON', 'VFPv3']);
    expect(featuresLineNames('ppc64le', ['altivec'])).toBeUndefined();
  });
});
