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

// Writers of Go's json.MarshalIndent with 4 spaces, straight from the values (no sorted copy).
// Keys sort by UTF-16 code unit, which is what Array.prototype.sort does without a comparator.

/** An object whose `keys` (in that order) are written by `write`; `{}` when there are none. */
function objectText(
  keys: readonly string[],
  write: (key: string, indent: string) => string,
  indent: string,
): string {
  if (keys.length === 0) return '{}';
  const inner = `${indent}    `;
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    text += `${i === 0 ? '\n' : ',\n'}${inner}${JSON.stringify(key)}: ${write(key, inner)}`;
  }
  return `${text}\n${indent}}`;
}

/** A struct of one field. */
const fieldText = (name: string, value: string, indent: string): string =>
  `{\n${indent}    ${JSON.stringify(name)}: ${value}\n${indent}}`;

/** A flat map of strings (or of empty objects), keys sorted. */
function mapText(record: Readonly<Record<string, unknown>>, indent: string): string {
  return objectText(Object.keys(record).sort(), (key) => JSON.stringify(record[key]), indent);
}

/** Feature sets by name (sorted), each a struct with `elements` written by `elements`. */
function setsText<S>(
  sets: Readonly<Record<string, S>>,
  elements: (set: S, indent: string) => string,
  indent: string,
): string {
  return objectText(
    Object.keys(sets).sort(),
    (name, inner) => fieldText('elements', elements(sets[name] as S, `${inner}    `), inner),
    indent,
  );
}

function instancesText(instances: Features['instances'][string]['elements'], indent: string): string {
  const list = instances ?? [];
  if (list.length === 0) return '[]';
  const inner = `${indent}    `;
  let text = '[';
  for (let i = 0; i < list.length; i++) {
    const attributes = mapText(list[i]?.attributes ?? {}, `${inner}    `);
    text += `${i === 0 ? '\n' : ',\n'}${inner}${fieldText('attributes', attributes, inner)}`;
  }
  return `${text}\n${indent}]`;
}

/**
 * `nfd export features`: exactly upstream's document (struct fields in Go's order, map keys sorted
 * by value, 4-space indented), then a newline; written straight from the features, no sorted copy.
 */
export function renderFeaturesJson(features: Features): string {
  const indent = '    ';
  const flags = setsText(features.flags, (set, inner) => mapText(set.elements ?? {}, inner), indent);
  const attributes = setsText(
    features.attributes,
    (set, inner) => mapText(set.elements ?? {}, inner),
    indent,
  );
  const instances = setsText(features.instances, (set, inner) => instancesText(set.elements, inner), indent);
  const text = `{\n${indent}"flags": ${flags},\n${indent}"attributes": ${attributes},\n${indent}"instances": ${instances}\n}`;
  return `${goJsonEscape(text)}\n`;
}

/** `nfd export labels`: `{ "<label>": "<value>" }`, keys sorted, 4-space indented. */
export function renderLabelsJson(labels: Record<string, string>): string {
  return `${goJsonEscape(mapText(labels, ''))}\n`;
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
