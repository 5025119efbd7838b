import { join } from 'node:path';
import type { Features, InstanceFeature } from '@nfd/spec';
import { goTrimSpace } from '../go-text.ts';
import { instanceElements, listOrFail, readAttribute } from '../pci/sysfs-read.ts';
import { emptyFeatures, type FeatureSource, type SourceContext } from '../source.ts';

// The storage source (features.md §3.6.1, labels §4.2), after upstream source/storage/storage.go.

/** Full name of the feature this source discovers. */
export const STORAGE_BLOCK_FEATURE = 'storage.block';

/** Files read under `block/<dev>/queue`, stored under their own names. */
export const STORAGE_QUEUE_ATTRIBUTES: readonly string[] = ['dax', 'rotational', 'nr_zones', 'zoned'];

/** The storage source. */
export const storageSource: FeatureSource = {
  name: 'storage',
  async discover(context: SourceContext): Promise<Features> {
    const base = context.fs.host('sys', 'block');
    // Unlistable (or missing) -> the whole source fails (§2.3). Every entry counts, loop, zram,
    // ram and dm devices included.
    const names = await listOrFail(
      context.fs,
      'storage',
      base,
      'failed to detect block devices: failed to list block devices',
    );
    const elements: InstanceFeature[] = [];
    for (const name of names) {
      const attributes: Record<string, string> = { name };
      for (const attribute of STORAGE_QUEUE_ATTRIBUTES) {
        // Unreadable ones are skipped; upstream logs them only at verbosity 3, so no warning here
        // (older kernels lack dax/nr_zones/zoned).
        const read = await readAttribute(context.fs, join(base, name, 'queue', attribute));
        if (read.ok) attributes[attribute] = goTrimSpace(read.text);
      }
      elements.push({ attributes });
    }
    const features = emptyFeatures();
    features.instances[STORAGE_BLOCK_FEATURE] = { elements };
    return features;
  },
  labels(features: Features): Record<string, string> {
    // Any non-rotational block device, loop and zram devices included (§4.2).
    const nonRotational = instanceElements(features, STORAGE_BLOCK_FEATURE).some(
      (device) => device.attributes?.rotational === '0',
    );
    return nonRotational ? { nonrotationaldisk: 'true' } : {};
  },
};
