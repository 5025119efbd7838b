import type { Features } from '@nfd/spec';
import { labelValueErrors, qualifiedNameErrors } from '@nfd/spec';
import type { FeatureSource, SourceName } from './source.ts';

// Labels as nfd-worker and `nfd export labels` make them (features.md §4.1, §3.10).

export const FEATURE_LABEL_NS = 'feature.node.kubernetes.io';

/** The custom source's built-in rules (features.md §3.10), with their unprefixed label keys. */
export function customLabels(features: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  const pci = features.instances['pci.device']?.elements ?? [];
  if (pci.some((device) => device.attributes?.vendor === '15b3')) labels['rdma.capable'] = 'true';
  const modules = features.flags['kernel.loadedmodule']?.elements ?? {};
  if (Object.hasOwn(modules, 'ib_uverbs') && Object.hasOwn(modules, 'rdma_ucm'))
    labels['rdma.available'] = 'true';
  return labels;
}

function isValidLabel(key: string, value: string): boolean {
  return qualifiedNameErrors(key).length === 0 && labelValueErrors(value).length === 0;
}

/** `<source>-<key>` under the feature namespace, unless the key has a namespace already. */
function prefixed(source: SourceName, key: string): string {
  return key.includes('/') ? key : `${FEATURE_LABEL_NS}/${source}-${key}`;
}

/**
 * The label map of every source: sources in priority order (cpu … usb at 0 by name, custom 10,
 * local 20), later ones overwriting; local and custom keys unchanged; invalid labels dropped
 * silently as upstream does. Keys are sorted.
 */
export function buildLabels(sources: readonly FeatureSource[], features: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  const add = (entries: Record<string, string>, name: SourceName | 'custom'): void => {
    for (const [key, value] of Object.entries(entries)) {
      const full = name === 'local' || name === 'custom' ? key : prefixed(name, key);
      if (isValidLabel(full, value)) labels[full] = value;
    }
  };
  const ordered = [...sources].filter((s) => s.name !== 'local').sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const source of ordered) add(source.labels(features), source.name);
  add(customLabels(features), 'custom');
  for (const source of sources.filter((s) => s.name === 'local')) add(source.labels(features), 'local');
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
