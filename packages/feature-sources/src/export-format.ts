import type { Features, NodeFeature } from '@nfd/spec';
import { goJsonEscape, NFD_API_VERSION } from '@nfd/spec';

// The documents `nfd export` prints (features.md §5): Go's json.MarshalIndent with 4 spaces,
// struct fields in declaration order, map keys sorted by byte value, and <, >, & escaped.

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}

/** A feature set in Go's field order: `elements` (and `attributes` inside instances). */
function canonicalFeatures(features: Features): Features {
  const flags = Object.fromEntries(
    Object.entries(features.flags).map(([name, set]) => [
      name,
      { elements: sortKeys(set.elements ?? {}) as Record<string, Record<string, never>> },
    ]),
  );
  const attributes = Object.fromEntries(
    Object.entries(features.attributes).map(([name, set]) => [
      name,
      { elements: sortKeys(set.elements ?? {}) as Record<string, string> },
    ]),
  );
  const instances = Object.fromEntries(
    Object.entries(features.instances).map(([name, set]) => [
      name,
      {
        elements: (set.elements ?? []).map((instance) => ({
          attributes: sortKeys(instance.attributes ?? {}) as Record<string, string>,
        })),
      },
    ]),
  );
  return {
    flags: sortKeys(flags) as Features['flags'],
    attributes: sortKeys(attributes) as Features['attributes'],
    instances: sortKeys(instances) as Features['instances'],
  };
}

/** `nfd export features`: exactly upstream's document, 4-space indented, then a newline. */
export function renderFeaturesJson(features: Features): string {
  return `${goJsonEscape(JSON.stringify(canonicalFeatures(features), null, 4))}\n`;
}

/** `nfd export labels`: `{ "<label>": "<value>" }`, keys sorted, 4-space indented. */
export function renderLabelsJson(labels: Record<string, string>): string {
  return `${goJsonEscape(JSON.stringify(sortKeys(labels), null, 4))}\n`;
}

/** The NodeFeature object nfd-worker publishes for these features and labels (features.md §5.2). */
export function toNodeFeature(
  features: Features,
  labels: Record<string, string>,
  options: { nodeName: string; namespace?: string },
): NodeFeature {
  return {
    apiVersion: NFD_API_VERSION,
    kind: 'NodeFeature',
    metadata: {
      name: options.nodeName,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      labels: { 'nfd.node.kubernetes.io/node-name': options.nodeName },
    },
    spec: { features: canonicalFeatures(features), labels: sortKeys(labels) as Record<string, string> },
  } as NodeFeature;
}
