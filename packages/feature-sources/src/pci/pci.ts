import { join } from 'node:path';
import type { Features, InstanceFeature } from '@nfd/spec';
import { goTrimSpace } from '../go-text.ts';
import { emptyFeatures, type FeatureSource, type SourceContext } from '../source.ts';
import {
  deviceClassLabels,
  instanceElements,
  listOrFail,
  readAttribute,
  resolveLabelFields,
} from './sysfs-read.ts';

// The pci source (features.md §3.5.1, labels §4.2), after upstream source/pci/{pci,utils}.go.

/** Full name of the feature this source discovers. */
export const PCI_DEVICE_FEATURE = 'pci.device';

/**
 * Read for every device; a device missing any of them is skipped. Also the canonical order of
 * `deviceLabelFields` (§4.2).
 */
export const PCI_MANDATORY_ATTRIBUTES: readonly string[] = [
  'class',
  'vendor',
  'device',
  'subsystem_vendor',
  'subsystem_device',
];

/** Stored when readable; the key is the path relative to the device directory (§3.5.1). */
export const PCI_OPTIONAL_ATTRIBUTES: readonly string[] = [
  'sriov_totalvfs',
  'iommu_group/type',
  'iommu/intel-iommu/version',
];

/** The label configuration of the pci source (`sources.pci` in nfd-worker.conf). */
export interface PciConfig {
  /** Class prefixes (hex, compared lower-cased) whose devices get labels. */
  readonly deviceClassWhitelist: readonly string[];
  /** Attributes joined by `_` into the label; re-ordered canonically, unknown ones ignored. */
  readonly deviceLabelFields: readonly string[];
}

/** Upstream's defaults: display controllers, co-processors, processing accelerators. */
export const PCI_DEFAULT_CONFIG: PciConfig = Object.freeze({
  deviceClassWhitelist: Object.freeze(['03', '0b40', '12']),
  deviceLabelFields: Object.freeze(['class', 'vendor']),
});

/**
 * A sysfs PCI attribute as upstream formats it: a leading `0x` removed only when the raw content
 * starts with it (so " 0x10" keeps its 0x), then trimmed; `class` cut to 4 characters, dropping
 * the programming-interface byte (`0x030200` -> `0302`). Hex stays as sysfs prints it (lower case).
 */
export function formatPciAttribute(name: string, raw: string): string {
  const value = goTrimSpace(raw.startsWith('0x') ? raw.slice(2) : raw);
  return name === 'class' && value.length > 4 ? value.slice(0, 4) : value;
}

async function readDevice(
  context: SourceContext,
  dir: string,
  entry: string,
): Promise<InstanceFeature | undefined> {
  const attributes: Record<string, string> = {};
  for (const name of PCI_MANDATORY_ATTRIBUTES) {
    const read = await readAttribute(context.fs, join(dir, name));
    if (!read.ok) {
      // Upstream logs and skips the device (§2.3); Discover still succeeds.
      context.warn(`pci: skipping device ${entry}: failed to read device ${name}: ${read.reason}`);
      return undefined;
    }
    attributes[name] = formatPciAttribute(name, read.text);
  }
  for (const name of PCI_OPTIONAL_ATTRIBUTES) {
    const read = await readAttribute(context.fs, join(dir, name));
    if (read.ok) attributes[name] = formatPciAttribute(name, read.text);
  }
  return { attributes };
}

/** A pci source with the given label configuration (discovery does not depend on it). */
export function createPciSource(config: Partial<PciConfig> = {}): FeatureSource {
  const whitelist = config.deviceClassWhitelist ?? PCI_DEFAULT_CONFIG.deviceClassWhitelist;
  const fields = resolveLabelFields(
    config.deviceLabelFields ?? PCI_DEFAULT_CONFIG.deviceLabelFields,
    PCI_MANDATORY_ATTRIBUTES,
    PCI_DEFAULT_CONFIG.deviceLabelFields,
  );
  return {
    name: 'pci',
    async discover(context: SourceContext): Promise<Features> {
      const base = context.fs.host('sys', 'bus', 'pci', 'devices');
      // Unlistable (or missing) -> the whole source fails (§2.3).
      const entries = await listOrFail(context.fs, 'pci', base, 'failed to detect PCI devices');
      const elements: InstanceFeature[] = [];
      for (const entry of entries) {
        const device = await readDevice(context, join(base, entry), entry);
        if (device !== undefined) elements.push(device);
      }
      const features = emptyFeatures();
      features.instances[PCI_DEVICE_FEATURE] = { elements };
      return features;
    },
    labels(features: Features): Record<string, string> {
      return deviceClassLabels(instanceElements(features, PCI_DEVICE_FEATURE), whitelist, fields, true);
    },
  };
}

/** The pci source with upstream's default label configuration. */
export const pciSource: FeatureSource = createPciSource();
