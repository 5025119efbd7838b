import { closeSync, openSync, readSync } from 'node:fs';
import type { CpuidReader } from '../source.ts';

// Raw CPUID through the Linux `cpuid` driver (features.md §6.2): a 16-byte pread at offset
// `leaf | subleaf << 32` returns EAX, EBX, ECX, EDX little-endian. The offset exceeds 2^53 for
// sub-leaves >= 2^21 and needs 64 bits anyway, hence a BigInt position.

/** Reads one leaf from an open device. */
function readLeaf(fd: number, leaf: number, subleaf: number): readonly [number, number, number, number] {
  const buffer = Buffer.alloc(16);
  const position = BigInt(leaf >>> 0) | (BigInt(subleaf >>> 0) << 32n);
  const n = readSync(fd, buffer, 0, 16, position);
  if (n !== 16) throw new Error(`short read (${n} bytes) of CPUID leaf 0x${leaf.toString(16)}`);
  return [buffer.readUInt32LE(0), buffer.readUInt32LE(4), buffer.readUInt32LE(8), buffer.readUInt32LE(12)];
}

/**
 * A CpuidReader over `/dev/cpu/<n>/cpuid`, or undefined when the device cannot be opened (no
 * driver, not root, not x86). Results are cached; the device is opened per uncached read so no
 * descriptor outlives a discovery.
 */
export function readDevCpuid(path = '/dev/cpu/0/cpuid'): CpuidReader | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      readLeaf(fd, 0, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const cache = new Map<string, readonly [number, number, number, number]>();
  return (leaf, subleaf) => {
    const key = `${leaf >>> 0}:${subleaf >>> 0}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const handle = openSync(path, 'r');
    try {
      const value = readLeaf(handle, leaf, subleaf);
      cache.set(key, value);
      return value;
    } finally {
      closeSync(handle);
    }
  };
}
