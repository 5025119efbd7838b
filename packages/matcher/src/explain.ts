// What a node has where an expression looked (for `--explain` and the table's "node has"):
// not part of upstream's report.
import type { HostFacts } from '@nfd/spec';
import type { FeatureIndex } from './features.ts';
import { goToLower } from './match-features.ts';

export type { HostFacts };

const MAX_NAMES = 50;

/** Looks up the feature as the engine does (lower-cased rule name, exact keys; Q7). */
export function explainExpression(
  index: FeatureIndex,
  feature: string,
  element: string | undefined,
): HostFacts {
  const parts = index.features.get(goToLower(feature));
  if (parts === undefined) return { featurePresent: false };
  const facts: HostFacts = { featurePresent: true };
  if (element === undefined) {
    const names = new Set<string>([...(parts.flags ?? []), ...(parts.attributes?.keys() ?? [])]);
    for (const instance of parts.instances ?? []) for (const name of Object.keys(instance)) names.add(name);
    facts.names = [...names].sort().slice(0, MAX_NAMES);
    return facts;
  }
  if (parts.flags !== undefined) facts.flag = parts.flags?.has(element) ?? false;
  const value = parts.attributes?.get(element);
  if (value !== undefined) facts.value = value;
  if (parts.instances !== undefined && parts.instances.length > 0) {
    facts.instances = parts.instances.map((instance) =>
      Object.hasOwn(instance, element) ? (instance[element] ?? null) : null,
    );
  }
  return facts;
}

/** One line for people: what the node has instead. */
export function describeHostFacts(facts: HostFacts): string {
  if (!facts.featurePresent) return 'feature not present on the node';
  if (facts.names !== undefined)
    return facts.names.length === 0 ? 'no elements' : `elements: ${facts.names.join(', ')}`;
  const parts: string[] = [];
  if (facts.value !== undefined) parts.push(`value ${JSON.stringify(facts.value)}`);
  if (facts.flag === true) parts.push('flag present');
  if (facts.instances !== undefined) {
    const values = [...new Set(facts.instances.map((v) => (v === null ? '(absent)' : JSON.stringify(v))))];
    parts.push(
      `${facts.instances.length} instance${facts.instances.length === 1 ? '' : 's'}: ${values.join(', ')}`,
    );
  }
  return parts.length === 0 ? 'element not present' : parts.join('; ');
}
