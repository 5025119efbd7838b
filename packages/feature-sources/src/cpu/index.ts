// The cpu feature source and the helpers other packages need (features.md §3.1, §4.2-4.3, §6).
export { cpuSource } from './cpu-source.ts';
export { readDevCpuid } from './cpuid-dev.ts';
export { decodeX86Cpuid, X86_FEATURE_NAMES, type X86CpuidInfo } from './cpuid-x86.ts';
export { CPUINFO_UNKNOWABLE } from './cpuinfo-flags.ts';
export { type CpuidLabelFilter, cpuLabels, DEFAULT_CPUID_BLACKLIST, filterCpuidLabels } from './labels.ts';
export {
  type CpuidLeavesDump,
  type CpuidReaderWithXcr0,
  leavesReader,
  loadLeavesFile,
} from './leaves-reader.ts';
