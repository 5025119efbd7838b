// The features of one node, indexed by feature name for the rule engine (matching.md §1.1,
// §3, §7.1), and NodeFeature merging (§1.2).
import type {
  AttributeFeatureSet,
  Features,
  FlagElement,
  FlagFeatureSet,
  InstanceFeature,
  InstanceFeatureSet,
  NodeFeature,
} from '@nfd/spec';

/** One instance's attributes; an instance without `attributes` reads as `{}` (§1.1). */
export type InstanceAttributes = Readonly<Record<string, string>>;

/**
 * The parts of one feature name across the three types. `undefined`: the type has no entry of
 * that name. `null`: an entry whose element map is absent, which differs from an empty map
 * for flags and attributes (§1.1, §3.2, §3.4). Instances do not make that difference, so an
 * absent list reads as `[]`.
 */
export interface FeatureParts {
  readonly flags: ReadonlySet<string> | null | undefined;
  readonly attributes: ReadonlyMap<string, string> | null | undefined;
  readonly instances: readonly InstanceAttributes[] | undefined;
}

/**
 * Features by exact (case-sensitive) name. Parts are never changed in place: updates replace
 * the FeatureParts object (copy on write), so clones made by cloneFeatureIndex share them safely.
 * The one exception is the `rule.matched` map an index created itself (setMatchedAttributes),
 * which no other index shares.
 */
export interface FeatureIndex {
  readonly features: Map<string, FeatureParts>;
}

/** The attribute feature that rules feed their labels and vars back into (§7). */
export const RULE_MATCHED_FEATURE = 'rule.matched';

const NO_PARTS: FeatureParts = { flags: undefined, attributes: undefined, instances: undefined };

function copyInstanceAttributes(instance: InstanceFeature): InstanceAttributes {
  // Frozen copies: matched instances are handed to templates as they are, and must not be able
  // to change the index (or the input document) behind our back.
  return Object.freeze(Object.fromEntries(Object.entries(instance.attributes ?? {})));
}

function updateParts(
  byName: Map<string, FeatureParts>,
  name: string,
  update: (parts: FeatureParts) => FeatureParts,
): void {
  byName.set(name, update(byName.get(name) ?? NO_PARTS));
}

/** Builds the index of `features`; the input is copied, never kept or changed. */
export function indexFeatures(features: Features): FeatureIndex {
  const byName = new Map<string, FeatureParts>();
  for (const [name, set] of Object.entries(features.flags)) {
    const flags = set.elements == null ? null : new Set(Object.keys(set.elements));
    updateParts(byName, name, (parts) => ({ ...parts, flags }));
  }
  for (const [name, set] of Object.entries(features.attributes)) {
    const attributes = set.elements == null ? null : new Map(Object.entries(set.elements));
    updateParts(byName, name, (parts) => ({ ...parts, attributes }));
  }
  for (const [name, set] of Object.entries(features.instances)) {
    const instances = (set.elements ?? []).map(copyInstanceAttributes);
    updateParts(byName, name, (parts) => ({ ...parts, instances }));
  }
  return { features: byName };
}

/**
 * The `rule.matched` attribute map each index created itself and may therefore extend in place: a
 * run of N rules then costs N insertions, not N copies of a growing map. Cloning an index (or
 * being cloned) ends that ownership, so clones never see each other's insertions.
 */
const ownedMatched = new WeakMap<FeatureIndex, Map<string, string>>();

/**
 * A copy that can take its own `rule.matched` insertions without affecting `index`, so that
 * one indexed node can be evaluated by many rule runs. Cheap: parts are shared (copy on write).
 */
export function cloneFeatureIndex(index: FeatureIndex): FeatureIndex {
  ownedMatched.delete(index);
  return { features: new Map(index.features) };
}

/**
 * Inserts `entries` into the attribute feature `rule.matched`, overwriting equal keys, and
 * creates it (possibly empty) when missing, as nfd-master does after every non-erroring rule
 * (§7.1, Q14). The entries are copied, never aliased (Q15): later insertions cannot change a
 * rule's output map, and later changes to `entries` cannot change the features.
 */
export function setMatchedAttributes(index: FeatureIndex, entries: Readonly<Record<string, string>>): void {
  const parts = index.features.get(RULE_MATCHED_FEATURE) ?? NO_PARTS;
  let attributes = ownedMatched.get(index);
  if (attributes === undefined || parts.attributes !== attributes) {
    attributes = new Map(parts.attributes ?? []);
    ownedMatched.set(index, attributes);
    index.features.set(RULE_MATCHED_FEATURE, { ...parts, attributes });
  }
  for (const key in entries) attributes.set(key, entries[key] as string);
}

/** The value of attribute `element` of attribute feature `feature`, exact names (§8.3). */
export function getAttribute(index: FeatureIndex, feature: string, element: string): string | undefined {
  return index.features.get(feature)?.attributes?.get(element);
}

/**
 * Only the named features of `features` (each type's entries of those names, shared, not copied):
 * what a compiled spec reads of a node (CompiledSpec.features), to index, compare or keep.
 */
export function pickFeatures(features: Features, names: readonly string[]): Features {
  const pick = <T>(sets: Record<string, T>): Record<string, T> => {
    const picked: Record<string, T> = {};
    for (const name of names) if (Object.hasOwn(sets, name)) picked[name] = sets[name] as T;
    return picked;
  };
  return {
    flags: pick(features.flags),
    attributes: pick(features.attributes),
    instances: pick(features.instances),
  };
}

// ---------------------------------------------------------------------------------------------
// Merging NodeFeature objects (§1.2). Records are built with Object.fromEntries so that keys
// such as `__proto__` stay ordinary keys.

function copyFlagElements(elements: Record<string, FlagElement>): Record<string, FlagElement> {
  return Object.fromEntries(
    Object.entries(elements).map(([name, value]) => [name, value === null ? null : {}]),
  );
}

function copyFlagSet(set: FlagFeatureSet): FlagFeatureSet {
  return set.elements == null ? {} : { elements: copyFlagElements(set.elements) };
}

function copyAttributeSet(set: AttributeFeatureSet): AttributeFeatureSet {
  return set.elements == null ? {} : { elements: { ...set.elements } };
}

function copyInstance(instance: InstanceFeature): InstanceFeature {
  return instance.attributes == null ? {} : { attributes: { ...instance.attributes } };
}

function copyInstanceSet(set: InstanceFeatureSet): InstanceFeatureSet {
  return set.elements == null ? {} : { elements: set.elements.map(copyInstance) };
}

/** Flags: an incoming element map (even empty) is unioned in; an absent one changes nothing. */
function mergeFlagSet(base: FlagFeatureSet | undefined, incoming: FlagFeatureSet): FlagFeatureSet {
  const merged = base ?? {};
  if (incoming.elements == null) return merged;
  return { elements: { ...merged.elements, ...copyFlagElements(incoming.elements) } };
}

/** Attributes: like flags, and an incoming value overwrites the base value of the same key. */
function mergeAttributeSet(
  base: AttributeFeatureSet | undefined,
  incoming: AttributeFeatureSet,
): AttributeFeatureSet {
  const merged = base ?? {};
  if (incoming.elements == null) return merged;
  return { elements: { ...merged.elements, ...incoming.elements } };
}

/** Instances: an incoming list (even empty) is appended as copies, without de-duplication. */
function mergeInstanceSet(
  base: InstanceFeatureSet | undefined,
  incoming: InstanceFeatureSet,
): InstanceFeatureSet {
  const merged = base ?? {};
  if (incoming.elements == null) return merged;
  return { elements: [...(merged.elements ?? []), ...incoming.elements.map(copyInstance)] };
}

/**
 * Every feature of `base` and `incoming`; names only in `incoming` are added (§1.2). `base`
 * sets are copied first, so `merge` may build on them without copying again.
 */
function mergeFeatureSets<S>(
  base: Record<string, S>,
  incoming: Record<string, S>,
  copy: (set: S) => S,
  merge: (base: S | undefined, incoming: S) => S,
): Record<string, S> {
  const merged = new Map<string, S>(Object.entries(base).map(([name, set]) => [name, copy(set)]));
  for (const [name, set] of Object.entries(incoming)) merged.set(name, merge(merged.get(name), set));
  return Object.fromEntries(merged);
}

function copyFeatures(features: Features): Features {
  return mergeFeatures(features, { flags: {}, attributes: {}, instances: {} });
}

function mergeFeatures(base: Features, incoming: Features): Features {
  return {
    flags: mergeFeatureSets(base.flags, incoming.flags, copyFlagSet, mergeFlagSet),
    attributes: mergeFeatureSets(base.attributes, incoming.attributes, copyAttributeSet, mergeAttributeSet),
    instances: mergeFeatureSets(base.instances, incoming.instances, copyInstanceSet, mergeInstanceSet),
  };
}

/**
 * Merges NodeFeature objects for one node as nfd-master does (§1.2): the first is the base
 * (its metadata and status are kept), each later one is merged into it in order, and its
 * `spec.labels` overwrite or add keys. The inputs are never changed, and the result shares
 * nothing with them. Throws RangeError for an empty list.
 */
export function mergeNodeFeatures(list: readonly NodeFeature[]): NodeFeature {
  const [base, ...rest] = list;
  if (base === undefined) throw new RangeError('mergeNodeFeatures needs at least one NodeFeature');
  let features = copyFeatures(base.spec.features);
  let labels: Record<string, string> = { ...base.spec.labels };
  for (const next of rest) {
    features = mergeFeatures(features, next.spec.features);
    labels = { ...labels, ...next.spec.labels };
  }
  const merged: NodeFeature = { ...base, spec: { features, labels } };
  if (base.metadata !== undefined) merged.metadata = structuredClone(base.metadata);
  if (base.status !== undefined) merged.status = structuredClone(base.status);
  return merged;
}
