// The `cpu.cpuid` names the catalogue knows, derived from the tables in @nfd/spec (cpu-feature-names.ts,
// generated from the reference notes' cpuinfo-to-nfd-cpuid.json and features.md §6.3/§6.4/§6.6), which
// the feature sources use too.

import {
  ARM_HWCAP,
  ARM_HWCAP2,
  ARM64_HWCAP,
  ARM64_HWCAP2,
  CPUINFO_X86_FLAGS,
  PPC64LE_HWCAP,
  PPC64LE_HWCAP2,
  S390X_HWCAP,
  X86_64_LEVEL_FLAGS,
  X86_FEATURE_NAMES,
} from '@nfd/spec';

export { X86_64_LEVEL_FLAGS };

/**
 * Every x86 `cpu.cpuid` flag name the cpuid library can emit (features.md §6.1), without `TBM`, which the
 * library declares but never sets.
 */
export const X86_CPUID_FLAGS: readonly string[] = X86_FEATURE_NAMES.filter((name) => name !== 'TBM');

/**
 * The main /proc/cpuinfo input of a few names NFD computes by a rule (features.md §6.4). The rule-only
 * inputs (`pku` → AMXFP8, `sse` → FXSROPT) are left out because they would mislead.
 */
const CPUINFO_RULE_INPUTS: Readonly<Record<string, string>> = {
  bmi2: 'BMI2',
  fxsr_opt: 'FXSROPT',
  ht: 'HTT',
  ibrs: 'IBRS',
  popcnt: 'POPCNT',
};

function cpuinfoToNfd(): Record<string, readonly string[]> {
  const map = new Map<string, string[]>();
  for (const [name, flags] of CPUINFO_X86_FLAGS) {
    for (const flag of flags) map.set(flag, [...(map.get(flag) ?? []), name]);
  }
  for (const [flag, name] of Object.entries(CPUINFO_RULE_INPUTS))
    map.set(flag, [...(map.get(flag) ?? []), name]);
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * `/proc/cpuinfo` flag → the NFD name that stands for it (features.md §6.4: the one-to-one renames, plus the
 * main input of a few computed names). Only used to suggest the NFD spelling of a flag written the kernel's
 * way.
 */
export const CPUINFO_TO_NFD: Readonly<Record<string, readonly string[]>> = cpuinfoToNfd();

/** arm64 AT_HWCAP bits 0-31 and AT_HWCAP2 bits 0-33 (features.md §6.6). */
export const ARM64_HWCAP_FLAGS: readonly string[] = [...ARM64_HWCAP, ...ARM64_HWCAP2];

/** arm (32-bit) AT_HWCAP bits 0-21 and AT_HWCAP2 bits 0-4; `VFPv3`, `VFPv3D16`, `VFPv4` keep their case. */
export const ARM_HWCAP_FLAGS: readonly string[] = [...ARM_HWCAP, ...ARM_HWCAP2];

/** ppc64le AT_HWCAP and AT_HWCAP2 names (features.md §6.6); some contain `+` or `-`. */
export const PPC64LE_HWCAP_FLAGS: readonly string[] = [...PPC64LE_HWCAP, ...PPC64LE_HWCAP2].map(
  ([, name]) => name,
);

/** s390x AT_HWCAP names (features.md §6.6). */
export const S390X_HWCAP_FLAGS: readonly string[] = S390X_HWCAP;
