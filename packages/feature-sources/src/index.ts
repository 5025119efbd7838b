export { archFromNode, detectTreeArch } from './arch.ts';
export {
  CPUINFO_UNKNOWABLE,
  type CpuidLabelFilter,
  type CpuidLeavesDump,
  type CpuidReaderWithXcr0,
  cpuLabels,
  cpuSource,
  DEFAULT_CPUID_BLACKLIST,
  decodeX86Cpuid,
  filterCpuidLabels,
  leavesReader,
  loadLeavesFile,
  readDevCpuid,
  X86_FEATURE_NAMES,
  type X86CpuidInfo,
} from './cpu/index.ts';
export {
  type DiscoverOptions,
  type DiscoveryResult,
  discoverFeatures,
  mergeFeatures,
  type SourceFailure,
  selectSources,
} from './discover.ts';
export { renderFeaturesJson, renderLabelsJson, toNodeFeature } from './export-format.ts';
export {
  createHostFs,
  type HostDir,
  type HostFs,
  type HostFsOptions,
  HostReadError,
} from './host-fs.ts';
export { kernelSource } from './kernel/kernel.ts';
export { buildLabels, customLabels } from './labels.ts';
export { localSource } from './local/local.ts';
export { memorySource } from './memory/memory.ts';
export { networkSource } from './network/network.ts';
export { createPciSource, type PciConfig, pciSource } from './pci/pci.ts';
export {
  type Arch,
  type CpuidReader,
  type FeatureSource,
  SOURCE_NAMES,
  type SourceContext,
  type SourceName,
} from './source.ts';
export { DEFAULT_SOURCES, discover, type HostDiscovery } from './sources.ts';
export { storageSource } from './storage/storage.ts';
export { systemSource } from './system/system.ts';
export { createUsbSource, type UsbConfig, usbSource } from './usb/usb.ts';
