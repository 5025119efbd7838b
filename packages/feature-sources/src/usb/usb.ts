import { join } from 'node:path';
import type { Features, InstanceFeature } from '@nfd/spec';
import { goTrimSpace } from '../go-text.ts';
import type { HostFs } from '../host-fs.ts';
import {
  deviceClassLabels,
  instanceElements,
  listQuietly,
  readAttribute,
  resolveLabelFields,
} from '../pci/sysfs-read.ts';
import { emptyFeatures, type FeatureSource, type SourceContext } from '../source.ts';

// The usb source (features.md §3.8.1, labels §4.2), after upstream source/usb/{usb,utils}.go.
// Unlike pci, it never fails: upstream finds devices with filepath.Glob, which ignores every I/O
// error, so a missing or unreadable bus/usb is just "no devices" (§2.3).

/** Full name of the feature this source discovers. */
export const USB_DEVICE_FEATURE = 'usb.device';

/** Attribute -> sysfs file of a device; the key order is the canonical `deviceLabelFields` order (§4.2). */
export const USB_DEVICE_ATTRIBUTE_FILES: Readonly<Record<string, string>> = Object.freeze({
  class: 'bDeviceClass',
  vendor: 'idVendor',
  device: 'idProduct',
  serial: 'serial',
});

const USB_ATTRIBUTES: readonly string[] = Object.keys(USB_DEVICE_ATTRIBUTE_FILES);

/** The label configuration of the usb source (`sources.usb` in nfd-worker.conf). */
export interface UsbConfig {
  /** Class prefixes (hex, compared lower-cased) whose devices get labels. */
  readonly deviceClassWhitelist: readonly string[];
  /** Attributes joined by `_` into the label; re-ordered canonically, unknown ones ignored. */
  readonly deviceLabelFields: readonly string[];
}

/** Upstream's defaults: video, miscellaneous, application-specific and vendor-specific classes. */
export const USB_DEFAULT_CONFIG: UsbConfig = Object.freeze({
  deviceClassWhitelist: Object.freeze(['0e', 'ef', 'fe', 'ff']),
  deviceLabelFields: Object.freeze(['class', 'vendor', 'device']),
});

/**
 * Go's `filepath.Glob(dir + "/*\/" + file)`: the children of `dir` (sorted, any that are
 * directories, links followed) that hold an entry named `file`; unreadable levels are skipped.
 */
async function globChildrenHolding(fs: HostFs, dir: string, file: string): Promise<string[]> {
  const matches: string[] = [];
  for (const name of (await listQuietly(fs, dir)) ?? []) {
    const child = join(dir, name);
    if ((await listQuietly(fs, child))?.includes(file)) matches.push(child);
  }
  return matches;
}

/** One device's instances: itself, or one per interface when its class is `00`; undefined drops it. */
async function readDevice(context: SourceContext, dir: string): Promise<InstanceFeature[] | undefined> {
  const attributes: Record<string, string> = {};
  for (const name of USB_ATTRIBUTES) {
    const read = await readAttribute(context.fs, join(dir, USB_DEVICE_ATTRIBUTE_FILES[name] ?? name));
    // Read errors are ignored and empty values not stored (§3.8.1).
    const value = read.ok ? goTrimSpace(read.text) : '';
    if (value !== '') attributes[name] = value;
  }
  // A missing class is not "00" either, so such a device is reported as it is.
  if (attributes.class !== '00') return [{ attributes }];

  // Class 00: the class lives on the interfaces, one instance per interface, duplicates kept.
  const instances: InstanceFeature[] = [];
  for (const intf of await globChildrenHolding(context.fs, dir, 'bInterfaceClass')) {
    const read = await readAttribute(context.fs, join(intf, 'bInterfaceClass'));
    if (!read.ok) {
      // Upstream drops the whole device and logs it.
      context.warn(
        `usb: skipping device ${context.fs.display(dir)}: failed to read device attribute bInterfaceClass: ${read.reason}`,
      );
      return undefined;
    }
    instances.push({ attributes: { ...attributes, class: goTrimSpace(read.text) } });
  }
  return instances;
}

/** A usb source with the given label configuration (discovery does not depend on it). */
export function createUsbSource(config: Partial<UsbConfig> = {}): FeatureSource {
  const whitelist = config.deviceClassWhitelist ?? USB_DEFAULT_CONFIG.deviceClassWhitelist;
  const fields = resolveLabelFields(
    config.deviceLabelFields ?? USB_DEFAULT_CONFIG.deviceLabelFields,
    USB_ATTRIBUTES,
    USB_DEFAULT_CONFIG.deviceLabelFields,
  );
  return {
    name: 'usb',
    async discover(context: SourceContext): Promise<Features> {
      const base = context.fs.host('sys', 'bus', 'usb', 'devices');
      // Devices are the entries with an idProduct; interface entries (`1-1:1.0`) have none.
      const elements: InstanceFeature[] = [];
      for (const dir of await globChildrenHolding(context.fs, base, 'idProduct')) {
        const instances = await readDevice(context, dir);
        if (instances !== undefined) elements.push(...instances);
      }
      const features = emptyFeatures();
      features.instances[USB_DEVICE_FEATURE] = { elements };
      return features;
    },
    labels(features: Features): Record<string, string> {
      return deviceClassLabels(instanceElements(features, USB_DEVICE_FEATURE), whitelist, fields, false);
    },
  };
}

/** The usb source with upstream's default label configuration. */
export const usbSource: FeatureSource = createUsbSource();
