import type { FeatureIndex } from './features.ts';

/**
 * Resolves a label or extended-resource value `@domain.feature.element` (matching.md §8.3):
 * the text after `@` splits on `.` into at most three parts, the feature is the first two and
 * the element the rest (which may hold dots); only attribute features count, names exact.
 * Returns the value, or an error message.
 */
export function resolveDynamicValue(
  value: string,
  index: FeatureIndex,
): { value: string } | { error: string } {
  const parts = splitN(value.slice(1), '.', 3);
  if (parts.length !== 3) return { error: `value ${value} is not in the form of '@domain.feature.element'` };
  const [domain, name, element] = parts as [string, string, string];
  const feature = `${domain}.${name}`;
  const attributes = index.features.get(feature)?.attributes;
  if (attributes === undefined) return { error: `feature ${feature} not found` };
  const resolved = attributes?.get(element);
  if (resolved === undefined) return { error: `element ${element} not found on feature ${feature}` };
  return { value: resolved };
}

export function isDynamicValue(value: string): boolean {
  return value.startsWith('@');
}

/** Go strings.SplitN. */
function splitN(text: string, separator: string, n: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < n - 1) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  parts.push(rest);
  return parts;
}
