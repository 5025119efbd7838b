import type { Features } from '@nfd/spec';
import {
  type Arch,
  type CpuidReader,
  emptyFeatures,
  type FeatureSource,
  type SourceContext,
} from '../source.ts';
import { detectCoprocessor } from './coprocessor.ts';
import { decodeX86Cpuid, estimateXcr0, x86Level, x86LevelNames } from './cpuid-x86.ts';
import { type CpuinfoBlock, parseCpuinfo } from './cpuinfo.ts';
import { CPUINFO_APPROXIMATE, CPUINFO_UNKNOWABLE, cpuinfoToX86Names } from './cpuinfo-flags.ts';
import { detectCstate } from './cstate.ts';
import { featuresLineNames, hwcapNames, parseAuxv } from './hwcap.ts';
import { cpuLabels } from './labels.ts';
import { arm64Model, type Model, s390xModel, x86ModelFromCpuid, x86ModelFromCpuinfo } from './model.ts';
import { detectPstate } from './pstate.ts';
import { l3NumClosid, rdtFromCpuid, rdtFromCpuinfo } from './rdt.ts';
import { detectSecurityAmd64, detectSecurityS390x, sgxEpcFromCpuid, sgxEpcFromSysfs } from './security.ts';
import { detectSst } from './sst.ts';
import { detectTopology } from './topology.ts';

// The cpu feature source (features.md §3.1): feature names and presence per architecture as
// upstream's source/cpu, with CPUID from ctx.cpuid on amd64 (exact) or /proc/cpuinfo (lossy
// fallback, one warning), and HWCAPs from the process's auxv elsewhere (§0.2).

type Elements = Record<string, string>;

/** Runs one sub-feature; a failure is reported like upstream's log line and yields `fallback`. */
async function guarded<T>(ctx: SourceContext, what: string, fallback: T, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    ctx.warn(`cpu: failed to detect ${what}: ${error instanceof Error ? error.message : String(error)}`);
    return fallback;
  }
}

async function readCpuinfo(ctx: SourceContext): Promise<{ text: string; block: CpuinfoBlock } | undefined> {
  return guarded(ctx, '/proc/cpuinfo', undefined, async () => {
    const text = await ctx.fs.readText(ctx.fs.abs('/proc/cpuinfo'));
    return text === undefined ? undefined : { text, block: parseCpuinfo(text) };
  });
}

/** The x86 view used by the amd64 sub-features, from CPUID or from cpuinfo. */
interface X86View {
  flags: string[];
  cpuidAttributes: Elements;
  model: Model | undefined;
  rdt: string[];
  sgx: boolean;
  sgxEpc: () => Promise<bigint>;
  cpuid: CpuidReader | undefined;
}

async function x86View(ctx: SourceContext, cpuinfo: CpuinfoBlock | undefined): Promise<X86View> {
  const reader = ctx.cpuid;
  if (reader !== undefined) {
    try {
      const xcr0 = (reader as CpuidReader & { xcr0?: bigint }).xcr0 ?? estimateXcr0(cpuinfo?.flags, reader);
      const info = decodeX86Cpuid(reader, xcr0);
      const flags = [...info.features, ...x86LevelNames(x86Level(new Set(info.features)))];
      return {
        flags,
        // NFD's AVX10_VERSION attribute exists only when the CPU has AVX10 (§3.1.1).
        cpuidAttributes: info.features.includes('AVX10') ? { AVX10_VERSION: String(info.avx10Level) } : {},
        model: x86ModelFromCpuid(info),
        rdt: rdtFromCpuid(reader),
        sgx: info.features.includes('SGX'),
        sgxEpc: async () => sgxEpcFromCpuid(reader),
        cpuid: reader,
      };
    } catch (error) {
      (ctx.notice ?? ctx.warn)(
        `cpu: reading CPUID failed, using /proc/cpuinfo: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
  (ctx.notice ?? ctx.warn)(
    'cpu: raw CPUID is not available (no readable /dev/cpu/0/cpuid); cpu.cpuid is derived from /proc/cpuinfo, ' +
      `which cannot show ${CPUINFO_UNKNOWABLE.join(' ')} nor the AVX10_VERSION attribute, and may miss or ` +
      `over-report ${CPUINFO_APPROXIMATE.join(' ')}; ` +
      'cpu.model.hypervisor is guessed from sysfs; cpu.sst stays empty (no nominal frequency)',
  );
  if (cpuinfo === undefined) {
    return {
      flags: [],
      cpuidAttributes: {},
      model: undefined,
      rdt: [],
      sgx: false,
      sgxEpc: async () => 0n,
      cpuid: undefined,
    };
  }
  const hybrid =
    (await ctx.fs.isDirectory(ctx.fs.host('sys', 'devices/cpu_core'))) &&
    (await ctx.fs.isDirectory(ctx.fs.host('sys', 'devices/cpu_atom')));
  const names = cpuinfoToX86Names(cpuinfo, { hybrid });
  const model = await x86ModelFromCpuinfo(ctx.fs, cpuinfo);
  return {
    flags: [...names, ...x86LevelNames(x86Level(new Set(names)))],
    cpuidAttributes: {},
    model,
    rdt: rdtFromCpuinfo(cpuinfo.flags, model.vendor_id),
    sgx: cpuinfo.flags.has('sgx'),
    sgxEpc: () => sgxEpcFromSysfs(ctx.fs),
    cpuid: undefined,
  };
}

/** HWCAP names of a non-x86 architecture: the process's auxv, else the cpuinfo Features line. */
async function hwcapFlags(
  ctx: SourceContext,
  arch: Arch,
  cpuinfo: CpuinfoBlock | undefined,
): Promise<string[]> {
  const auxv = await guarded(ctx, 'HWCAPs (/proc/self/auxv)', undefined, () =>
    ctx.fs.readBytes(ctx.fs.abs('/proc/self/auxv')),
  );
  if (auxv !== undefined && auxv.length > 0) return hwcapNames(arch, parseAuxv(auxv, arch));
  const fromFeatures = cpuinfo === undefined ? undefined : featuresLineNames(arch, cpuinfo.flags);
  if (fromFeatures !== undefined) return fromFeatures;
  (ctx.notice ?? ctx.warn)(`cpu: cannot read HWCAPs on ${arch} (no /proc/self/auxv); cpu.cpuid is empty`);
  return [];
}

function flagSet(names: Iterable<string>): { elements: Record<string, Record<string, never>> } {
  const elements: Record<string, Record<string, never>> = {};
  for (const name of names) elements[name] = {};
  return { elements };
}

async function discover(ctx: SourceContext): Promise<Features> {
  const { fs, arch } = ctx;
  const features = emptyFeatures();
  const attr = (name: string, elements: Elements | undefined): void => {
    if (elements !== undefined) features.attributes[`cpu.${name}`] = { elements };
  };
  const cpuinfo = (await readCpuinfo(ctx))?.block;

  let x86: X86View | undefined;
  if (arch === 'amd64') {
    x86 = await x86View(ctx, cpuinfo);
    features.flags['cpu.cpuid'] = flagSet(x86.flags);
    attr('cpuid', x86.cpuidAttributes);
  } else {
    features.flags['cpu.cpuid'] = flagSet(await hwcapFlags(ctx, arch, cpuinfo));
  }

  // cpu.model
  if (arch === 'amd64') {
    if (x86?.model === undefined) ctx.warn('cpu: failed to detect cpu.model: /proc/cpuinfo is not readable');
    attr('model', x86?.model);
  } else if (arch === 'arm64') {
    attr('model', arm64Model(cpuinfo, 'CPUID' in (features.flags['cpu.cpuid']?.elements ?? {})));
  } else if (arch === 's390x') {
    const text = await guarded(ctx, '/proc/cpuinfo', undefined, () => fs.readText(fs.abs('/proc/cpuinfo')));
    const sysinfo = await guarded(ctx, '/proc/sysinfo', undefined, () =>
      fs.readText(fs.abs('/proc/sysinfo')),
    );
    attr('model', s390xModel(text, sysinfo));
  } else {
    // The library detects nothing on other architectures (unverified against upstream).
    attr('model', { vendor_id: 'VendorUnknown', family: '0', id: '0', hypervisor: 'none' });
  }

  attr('cstate', arch === 'amd64' ? await guarded(ctx, 'cstate', undefined, () => detectCstate(fs)) : {});
  attr('pstate', arch === 'amd64' ? await guarded(ctx, 'pstate', {}, () => detectPstate(fs)) : {});

  const rdt: Elements = {};
  if (x86 !== undefined) {
    for (const name of x86.rdt) rdt[name] = 'true';
    if (x86.rdt.includes('RDTL3CA')) {
      const closid = await l3NumClosid(fs);
      if (closid !== undefined) rdt.RDTL3CA_NUM_CLOSID = closid;
    }
  }
  attr('rdt', rdt);

  if (x86 !== undefined) {
    const view = x86;
    const tdxGuest = view.flags.includes('TDX_GUEST');
    attr(
      'security',
      await guarded(ctx, 'security', {}, () =>
        detectSecurityAmd64(fs, { sgx: view.sgx, sgxEpc: view.sgxEpc, tdxGuest }),
      ),
    );
  } else if (arch === 's390x') {
    attr('security', await guarded(ctx, 'security', {}, () => detectSecurityS390x(fs)));
  } else {
    attr('security', {});
  }

  const cpuid = x86?.cpuid;
  attr('sst', cpuid !== undefined ? await guarded(ctx, 'SST-BF', {}, () => detectSst(fs, cpuid)) : {});
  attr('topology', await guarded(ctx, 'topology', {}, () => detectTopology(fs)));
  attr('coprocessor', await guarded(ctx, 'coprocessor', {}, () => detectCoprocessor(fs, arch)));
  return features;
}

/** The `cpu` source. `labels` applies no cpuid filter (as `nfd export labels`; see filterCpuidLabels). */
export const cpuSource: FeatureSource = {
  name: 'cpu',
  discover,
  labels: cpuLabels,
};
