import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHostFs } from '../host-fs.ts';
import type { SourceContext } from '../source.ts';
import { cpuSource } from './cpu-source.ts';
import { readDevCpuid } from './cpuid-dev.ts';
import { x86VendorName } from './cpuid-x86.ts';
import { parseCpuinfo } from './cpuinfo.ts';
import { CPUINFO_APPROXIMATE, cpuinfoToX86Names } from './cpuinfo-flags.ts';

// Live discovery on this machine (x86_64, root, cpuid driver): the exact CPUID path must agree
// with what /proc/cpuinfo implies (features.md §6.4) and with its vendor (§6.5). Elsewhere (not root,
// no cpuid driver, not x86_64) the test is skipped with that reason.
describe('cpu source on the live host', () => {
  it('reads /dev/cpu/0/cpuid and agrees with /proc/cpuinfo', async (test) => {
    const cpuid = readDevCpuid('/dev/cpu/0/cpuid');
    if (cpuid === undefined)
      test.skip(
        'needs root and a readable /dev/cpu/0/cpuid (the Linux cpuid driver, x86_64); not readable here',
      );
    const warnings: string[] = [];
    const ctx: SourceContext = {
      fs: await createHostFs({ root: '/' }),
      arch: 'amd64',
      cpuid,
      now: new Date(),
      nodeName: '',
      warn: (message) => warnings.push(message),
    };
    const features = await cpuSource.discover(ctx);
    expect(warnings).toEqual([]);
    const flags = new Set(Object.keys(features.flags['cpu.cpuid']?.elements ?? {}));
    const block = parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
    const implied = cpuinfoToX86Names(block, { hybrid: false }).filter(
      (name) => !CPUINFO_APPROXIMATE.includes(name),
    );
    expect(implied.length).toBeGreaterThan(20);
    expect(implied.filter((name) => !flags.has(name))).toEqual([]);
    expect([...flags].some((name) => name.startsWith('X86_64_V'))).toBe(true);
    const model = features.attributes['cpu.model']?.elements ?? {};
    expect(model.vendor_id).toBe(x86VendorName(block.fields.get('vendor_id') ?? '') ?? 'VendorUnknown');
    expect(model.family).toBe(block.fields.get('cpu family'));
    expect(model.id).toBe(block.fields.get('model'));
    // With CPUID the hypervisor vendor is named exactly (leaf 0x40000000), never guessed.
    if (block.flags.has('hypervisor')) expect(['none', 'unknown', undefined]).not.toContain(model.hypervisor);
    else expect(model.hypervisor).toBe('none');
    expect(features.attributes['cpu.cpuid']).toBeDefined();
  });
});
