import { cpuSource } from './cpu/cpu-source.ts';
import { readDevCpuid } from './cpu/cpuid-dev.ts';
import { filterCpuidLabels } from './cpu/labels.ts';
import { type DiscoverOptions, type DiscoveryResult, discoverFeatures, selectSources } from './discover.ts';
import type { HostFs } from './host-fs.ts';
import { kernelSource } from './kernel/kernel.ts';
import { buildLabels } from './labels.ts';
import { localSource } from './local/local.ts';
import { memorySource } from './memory/memory.ts';
import { networkSource } from './network/network.ts';
import { pciSource } from './pci/pci.ts';
import type { CpuidReader, FeatureSource } from './source.ts';
import { storageSource } from './storage/storage.ts';
import { systemSource } from './system/system.ts';
import { usbSource } from './usb/usb.ts';

/** Every source NFD enables by default, in upstream's name order (features.md §2.2). */
export const DEFAULT_SOURCES: readonly FeatureSource[] = [
  cpuSource,
  kernelSource,
  localSource,
  memorySource,
  networkSource,
  pciSource,
  storageSource,
  systemSource,
  usbSource,
];

/** The x86 CPUID device of the host under the root (`/dev/cpu/0/cpuid`; root and the cpuid driver). */
async function readCpuidDevice(fs: HostFs): Promise<CpuidReader | undefined> {
  return readDevCpuid(fs.abs('/dev/cpu/0/cpuid'));
}

/** The cpu source as nfd-worker labels: the default cpuid blacklist applied (features.md §4.3). */
const WORKER_CPU_SOURCE: FeatureSource = {
  ...cpuSource,
  labels: (features) => filterCpuidLabels(cpuSource.labels(features), features),
};

export interface HostDiscovery extends DiscoveryResult {
  /**
   * The labels nfd-worker publishes in its NodeFeature (cpuid blacklist applied); `labels` is what
   * `nfd export labels` prints (no filter).
   */
  workerLabels: Record<string, string>;
}

/** Discovers a host's features with every default source (see discoverFeatures). */
export async function discover(options: DiscoverOptions): Promise<HostDiscovery> {
  const result = await discoverFeatures(DEFAULT_SOURCES, options, readCpuidDevice);
  const failed = new Set(result.failures.map((failure) => failure.source));
  const workerSources = selectSources(DEFAULT_SOURCES, options)
    .filter((source) => !failed.has(source.name))
    .map((source) => (source === cpuSource ? WORKER_CPU_SOURCE : source));
  let workerLabels: Record<string, string> | undefined;
  // Both label sets are built on first use (`export features` reads neither).
  return {
    features: result.features,
    failures: result.failures,
    arch: result.arch,
    cpuid: result.cpuid,
    get labels() {
      return result.labels;
    },
    get workerLabels() {
      workerLabels ??= buildLabels(workerSources, result.features);
      return workerLabels;
    },
  };
}
