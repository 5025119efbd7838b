import { basename, join } from 'node:path';
import type { Features, InstanceFeature } from '@nfd/spec';
import { goTrimSpace } from '../go-text.ts';
import { instanceElements, listOrFail, readAttribute, statOk } from '../pci/sysfs-read.ts';
import { emptyFeatures, type FeatureSource, type SourceContext } from '../source.ts';

// The network source (features.md §3.4.1, labels §4.2), after upstream source/network/network.go.

/** Full names of the features this source discovers. */
export const NETWORK_DEVICE_FEATURE = 'network.device';
export const NETWORK_VIRTUAL_FEATURE = 'network.virtual';

/**
 * Files read under `class/net/<iface>` of an interface backed by a device; the attribute is the
 * file's base name (`device/sriov_numvfs` -> `sriov_numvfs`).
 */
export const NETWORK_DEVICE_FILES: readonly string[] = [
  'operstate',
  'speed',
  'device/sriov_numvfs',
  'device/sriov_totalvfs',
  'mtu',
];

/** Files read for a virtual interface (no `device`). */
export const NETWORK_VIRTUAL_FILES: readonly string[] = ['operstate', 'speed', 'mtu'];

async function readInterface(
  context: SourceContext,
  dir: string,
  files: readonly string[],
): Promise<InstanceFeature> {
  const attributes: Record<string, string> = { name: basename(dir) };
  for (const file of files) {
    const read = await readAttribute(context.fs, join(dir, file));
    if (!read.ok) {
      // Skipped either way; upstream stays quiet for a missing file and for EINVAL (what `speed`
      // of a down or virtual link gives) and logs anything else (§3.4.1).
      if (!read.missing && read.code !== 'EINVAL') context.warn(`network: ${read.reason}`);
      continue;
    }
    attributes[basename(file)] = goTrimSpace(read.text);
  }
  return { attributes };
}

/**
 * Go's strconv.Atoi(v) > 0: optional sign, decimal digits only, within int64 (anything else is a
 * parse error, which upstream logs and skips).
 */
function isPositiveInt(value: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(value)) return false;
  const parsed = BigInt(value);
  return parsed > 0n && parsed <= 0x7fff_ffff_ffff_ffffn;
}

/** The network source. */
export const networkSource: FeatureSource = {
  name: 'network',
  async discover(context: SourceContext): Promise<Features> {
    const base = context.fs.host('sys', 'class', 'net');
    // Unlistable (or missing) -> the whole source fails (§2.3). `bonding_masters` is a regular
    // file of the bonding driver, not an interface.
    const names = (
      await listOrFail(
        context.fs,
        'network',
        base,
        'failed to detect network devices: failed to list network interfaces',
      )
    ).filter((name) => name !== 'bonding_masters');
    const devices: InstanceFeature[] = [];
    const virtuals: InstanceFeature[] = [];
    for (const name of names) {
      const dir = join(base, name);
      // A `device` link that resolves (stat follows it) makes a physical interface; any stat error
      // (missing, dangling link, permission) a virtual one.
      if (await statOk(context.fs, join(dir, 'device'))) {
        devices.push(await readInterface(context, dir, NETWORK_DEVICE_FILES));
      } else {
        virtuals.push(await readInterface(context, dir, NETWORK_VIRTUAL_FILES));
      }
    }
    const features = emptyFeatures();
    // Both lists exist after a successful Discover, even when empty.
    features.instances[NETWORK_DEVICE_FEATURE] = { elements: devices };
    features.instances[NETWORK_VIRTUAL_FEATURE] = { elements: virtuals };
    return features;
  },
  labels(features: Features): Record<string, string> {
    // Only physical interfaces count; sriov_totalvfs > 0 -> capable, sriov_numvfs > 0 -> configured.
    const labels: Record<string, string> = {};
    for (const device of instanceElements(features, NETWORK_DEVICE_FEATURE)) {
      const attributes = device.attributes ?? {};
      const total = attributes.sriov_totalvfs;
      const configured = attributes.sriov_numvfs;
      if (total !== undefined && isPositiveInt(total)) labels['sriov.capable'] = 'true';
      if (configured !== undefined && isPositiveInt(configured)) labels['sriov.configured'] = 'true';
    }
    return labels;
  },
};
