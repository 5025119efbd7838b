import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostFs, type HostFs } from '../host-fs.ts';
import { detectCoprocessor } from './coprocessor.ts';
import { parseCpuinfo } from './cpuinfo.ts';
import { detectCstate } from './cstate.ts';
import { arm64Model, s390xModel } from './model.ts';
import { detectPstate } from './pstate.ts';
import { l3NumClosid, rdtFromCpuid, rdtFromCpuinfo } from './rdt.ts';
import { detectSecurityAmd64, detectSecurityS390x, sgxEpcFromCpuid } from './security.ts';
import { detectSst, SstError } from './sst.ts';
import { detectTopology } from './topology.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A host tree from `path -> content` (directories end with '/'). */
async function tree(files: Record<string, string>): Promise<HostFs> {
  const root = mkdtempSync(join(tmpdir(), 'nfd-cpu-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (path.endsWith('/')) mkdirSync(full, { recursive: true });
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
  return createHostFs({ root, prefix: '/' });
}

describe('cpu.cstate (§3.1.3): absent vs empty', () => {
  it('absent without sys/devices/system/cpu, empty without cpuidle', async () => {
    expect(await detectCstate(await tree({ 'sys/': '' }))).toBeUndefined();
    expect(await detectCstate(await tree({ 'sys/devices/system/cpu/': '' }))).toEqual({});
  });
  it('absent when current_driver or max_cstate cannot be read/parsed, empty for another driver', async () => {
    expect(await detectCstate(await tree({ 'sys/devices/system/cpu/cpuidle/': '' }))).toBeUndefined();
    const driver = 'sys/devices/system/cpu/cpuidle/current_driver';
    expect(await detectCstate(await tree({ [driver]: 'acpi_idle\n' }))).toEqual({});
    expect(await detectCstate(await tree({ [driver]: 'intel_idle\n' }))).toBeUndefined();
    const max = 'sys/module/intel_idle/parameters/max_cstate';
    expect(await detectCstate(await tree({ [driver]: 'intel_idle\n', [max]: 'x\n' }))).toBeUndefined();
    expect(await detectCstate(await tree({ [driver]: 'intel_idle\n', [max]: '0\n' }))).toEqual({
      enabled: 'false',
    });
  });
});

describe('cpu.pstate (§3.1.4)', () => {
  const p = 'sys/devices/system/cpu/intel_pstate/';
  const policy = (n: number, cpus: string, governor: string) => ({
    [`sys/devices/system/cpu/cpufreq/policy${n}/affected_cpus`]: cpus,
    [`sys/devices/system/cpu/cpufreq/policy${n}/scaling_governor`]: governor,
  });
  it('is empty when off or missing; passive has no governor', async () => {
    expect(await detectPstate(await tree({ 'sys/devices/system/cpu/': '' }))).toEqual({});
    expect(await detectPstate(await tree({ [`${p}status`]: 'off\n' }))).toEqual({});
    expect(
      await detectPstate(
        await tree({
          [`${p}status`]: 'passive\n',
          [`${p}no_turbo`]: '1\n',
          ...policy(0, '0\n', 'powersave\n'),
        }),
      ),
    ).toEqual({ status: 'passive', turbo: 'false' });
  });
  it('skips policies without CPUs and drops the governor when they differ', async () => {
    const base = { [`${p}status`]: 'active\n' };
    expect(
      await detectPstate(
        await tree({ ...base, ...policy(0, '0\n', 'performance\n'), ...policy(1, '\n', 'powersave\n') }),
      ),
    ).toEqual({ status: 'active', scaling_governor: 'performance' });
    expect(
      await detectPstate(
        await tree({ ...base, ...policy(0, '0\n', 'performance\n'), ...policy(1, '1\n', 'powersave\n') }),
      ),
    ).toEqual({ status: 'active' });
  });
});

describe('cpu.topology (§3.1.8)', () => {
  it('is empty when a CPU has no topology (offline)', async () => {
    const fs = await tree({
      'sys/bus/cpu/devices/cpu0/topology/thread_siblings_list': '0-1\n',
      'sys/bus/cpu/devices/cpu0/topology/physical_package_id': '0\n',
      'sys/bus/cpu/devices/cpu1/': '',
    });
    expect(await detectTopology(fs)).toEqual({});
    expect(await detectTopology(await tree({ 'sys/': '' }))).toEqual({});
  });
});

describe('cpu.sst (§3.1.7)', () => {
  const reader = (mhz: number) => (leaf: number) =>
    (leaf === 0x16 ? [mhz, 0, 0, 0] : [0, 0, 0, 0]) as [number, number, number, number];
  const freq = (cpu: string, khz: string) => ({ [`sys/bus/cpu/devices/${cpu}/cpufreq/base_frequency`]: khz });
  it('reports bf.enabled only when some base frequency exceeds the nominal one', async () => {
    const fs = await tree({
      ...freq('cpu0', '2000000\n'),
      ...freq('cpu1', '2700000\n'),
      'sys/bus/cpu/devices/cpu2/': '',
    });
    expect(await detectSst(fs, reader(2000))).toEqual({ 'bf.enabled': 'true' });
    expect(await detectSst(fs, reader(2700))).toEqual({});
  });
  it('aborts on a bad value or a zero nominal frequency', async () => {
    await expect(detectSst(await tree(freq('cpu0', 'x\n')), reader(2000))).rejects.toBeInstanceOf(SstError);
    await expect(detectSst(await tree(freq('cpu0', '1\n')), reader(0))).rejects.toBeInstanceOf(SstError);
  });
});

describe('cpu.security (§3.1.6)', () => {
  it('reads TDX/SEV parameters and misc cgroup capacity (prefix match)', async () => {
    const fs = await tree({
      'sys/module/kvm_intel/parameters/tdx': 'Y\n',
      'sys/module/kvm_amd/parameters/sev': 'Y\n',
      'sys/module/kvm_amd/parameters/sev_es': '1\n',
      'sys/module/kvm_amd/parameters/sev_snp': 'N\n',
      'sys/fs/cgroup/misc/misc.capacity': 'sev_es 10\nsev 99\ntdx 31\n',
    });
    expect(await detectSecurityAmd64(fs, { sgx: false, sgxEpc: async () => 0n, tdxGuest: true })).toEqual({
      'tdx.enabled': 'true',
      'tdx.total_keys': '31',
      'tdx.protected': 'true',
      'sev.enabled': 'true',
      'sev.asids': '10', // the sev_es line comes first and starts with "sev"
      'sev.es.enabled': 'true',
      'sev.encrypted_state_ids': '10',
    });
  });
  it('sums SGX EPC sections and needs a non-zero total', async () => {
    const cpuid = (leaf: number, sub: number) =>
      (leaf === 0x12 && (sub === 2 || sub === 3) ? [0x1, 0, 0x00800000, 0x1] : [0, 0, 0, 0]) as [
        number,
        number,
        number,
        number,
      ];
    expect(sgxEpcFromCpuid(cpuid)).toBe(2n * (0x800000n + (1n << 32n)));
    const fs = await tree({ 'sys/': '' });
    expect(await detectSecurityAmd64(fs, { sgx: true, sgxEpc: async () => 0n, tdxGuest: false })).toEqual({});
    expect(await detectSecurityAmd64(fs, { sgx: true, sgxEpc: async () => 42n, tdxGuest: false })).toEqual({
      'sgx.enabled': 'true',
      'sgx.epc': '42',
    });
  });
  it('s390x Secure Execution', async () => {
    expect(await detectSecurityS390x(await tree({ 'sys/firmware/uv/prot_virt_host': '1\n' }))).toEqual({
      'se.enabled': 'true',
    });
    expect(await detectSecurityS390x(await tree({ 'sys/firmware/uv/prot_virt_host': '0\n' }))).toEqual({});
  });
});

describe('cpu.rdt (§3.1.5)', () => {
  it('decodes CPUID and cpuinfo the same way', async () => {
    const cpuid = (leaf: number, sub: number) => {
      if (leaf === 7) return [0, (1 << 12) | (1 << 15), 0, 0] as const;
      if (leaf === 0xf)
        return (sub === 0 ? [0, 0, 0, 2] : [0, 0, 0, 7]) as readonly [number, number, number, number];
      if (leaf === 0x10) return [0, 0b1010, 0, 0] as const;
      return [0, 0, 0, 0] as const;
    };
    expect(rdtFromCpuid(cpuid)).toEqual(['RDTMON', 'RDTCMT', 'RDTMBM', 'RDTL3CA', 'RDTMBA']);
    const flags = new Set([
      'cqm',
      'cqm_llc',
      'cqm_occup_llc',
      'cqm_mbm_total',
      'cqm_mbm_local',
      'rdt_a',
      'cat_l3',
      'mba',
    ]);
    expect(rdtFromCpuinfo(flags, 'Intel')).toEqual(['RDTMON', 'RDTCMT', 'RDTMBM', 'RDTL3CA', 'RDTMBA']);
    expect(rdtFromCpuinfo(flags, 'AMD')).toEqual(['RDTMON', 'RDTCMT', 'RDTMBM']);
  });
  it('finds num_closids through the mount table', async () => {
    const fs = await tree({
      'proc/self/mounts': 'sysfs /sys sysfs rw 0 0\nresctrl /mnt/my\\040rdt resctrl rw 0 0\n',
      'mnt/my rdt/info/L3/num_closids': '16\n',
    });
    expect(await l3NumClosid(fs)).toBe('15');
    expect(await l3NumClosid(await tree({ 'sys/': '' }))).toBeUndefined();
  });
});

describe('cpu.model off amd64 (§3.1.2)', () => {
  it('arm64 needs the CPUID HWCAP', () => {
    const block = parseCpuinfo(
      'CPU implementer\t: 0x48\nCPU variant\t: 0x1\nCPU part\t: 0xd01\nCPU revision\t: 0\n',
    );
    expect(arm64Model(block, true)).toEqual({
      vendor_id: 'VendorUnknown',
      family: '31',
      id: '53264',
      hypervisor: 'none',
    });
    expect(arm64Model(block, false)).toEqual({
      vendor_id: 'VendorUnknown',
      family: '0',
      id: '0',
      hypervisor: 'none',
    });
  });
  it('s390x from cpuinfo and sysinfo', () => {
    const cpuinfo =
      'vendor_id       : IBM/S390\n# processors    : 2\n' +
      'processor 0: version = FF,  identification = 0E5B38,  machine = 8561\n' +
      'processor 1: version = FF,  identification = 1E5B38,  machine = 8562\n';
    expect(s390xModel(cpuinfo, 'Control Program: z/VM    7.3.0\n')).toEqual({
      vendor_id: 'IBM_S390',
      family: '0E5B38',
      id: '8562',
      hypervisor: 'z_VM_7.3.0',
    });
    expect(s390xModel(cpuinfo, 'LPAR Name: X\n').hypervisor).toBe('none');
    expect(s390xModel(cpuinfo, undefined).hypervisor).toBeUndefined();
  });
});

describe('cpu.coprocessor (§3.1.9)', () => {
  it('only ppc64le reports nx_gzip', async () => {
    const fs = await tree({ 'sys/devices/vio/ibm,compression-v1/nx_gzip_caps': '1\n' });
    expect(await detectCoprocessor(fs, 'ppc64le')).toEqual({ nx_gzip: 'true' });
    expect(await detectCoprocessor(fs, 'amd64')).toEqual({});
  });
});
