import { readFileSync } from 'node:fs';
import type { CpuidReader } from '../source.ts';

// A CpuidReader over a CPUID dump (fixtures/hosts/this-machine/cpuid-leaves.json, features.md
// §6.2), so the x86 decoder can be tested against real data without the device.

/** The dump format: hex strings for leaf and registers, a number for the sub-leaf. */
export interface CpuidLeavesDump {
  xcr0?: string;
  leaves: { leaf: string; subleaf: number; eax: string; ebx: string; ecx: string; edx: string }[];
}

/** A CpuidReader that also knows XCR0 (XGETBV(0)), which a dump can carry and a device cannot. */
export type CpuidReaderWithXcr0 = CpuidReader & { readonly xcr0?: bigint };

function hex(value: string, what: string): number {
  if (!/^0x[0-9a-fA-F]{1,8}$/.test(value))
    throw new Error(`cpuid dump: ${what} is not a 32-bit hex value: ${value}`);
  return Number.parseInt(value.slice(2), 16) >>> 0;
}

/**
 * Leaves missing from the dump read as zeros (what AMD returns for unsupported leaves; the
 * decoder checks the maximum leaf before reading anything else).
 */
export function leavesReader(dump: CpuidLeavesDump): CpuidReaderWithXcr0 {
  const table = new Map<string, readonly [number, number, number, number]>();
  for (const entry of dump.leaves) {
    const leaf = hex(entry.leaf, 'leaf');
    table.set(`${leaf}:${entry.subleaf >>> 0}`, [
      hex(entry.eax, 'eax'),
      hex(entry.ebx, 'ebx'),
      hex(entry.ecx, 'ecx'),
      hex(entry.edx, 'edx'),
    ]);
  }
  const reader = (leaf: number, subleaf: number): readonly [number, number, number, number] =>
    table.get(`${leaf >>> 0}:${subleaf >>> 0}`) ?? [0, 0, 0, 0];
  if (dump.xcr0 === undefined) return reader;
  const xcr0 = BigInt(dump.xcr0);
  return Object.assign(reader, { xcr0 });
}

/** Reads a dump file and returns its reader. */
export async function loadLeavesFile(path: string): Promise<CpuidReaderWithXcr0> {
  return leavesReader(JSON.parse(readFileSync(path, 'utf8')) as CpuidLeavesDump);
}
