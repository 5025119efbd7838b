import type { Taint } from '@nfd/spec';
import { labelValueErrors, qualifiedNameErrors, quantityError } from '@nfd/spec';

// NFD's checks of rule outputs (upstream pkg/apis/nfd/validate; matching.md §8.2). Each returns
// the first failure in upstream's order (key syntax, unprefixed, namespace, value) or undefined.

export const FEATURE_NS = 'feature.node.kubernetes.io';
export const PROFILE_NS = 'profile.node.kubernetes.io';
/** Annotation values are limited in bytes (Go len). */
export const ANNOTATION_VALUE_MAX_BYTES = 1024;
export const TAINT_EFFECTS: readonly string[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function namespaceOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function isKubernetesNs(ns: string): boolean {
  return ns === 'kubernetes.io' || ns.endsWith('.kubernetes.io');
}

function isNsOrSub(ns: string, allowed: string): boolean {
  return ns === allowed || ns.endsWith(`.${allowed}`);
}

/** The namespace checks shared by every kind: unprefixed, then kubernetes.io outside `allowed`. */
function namespaceError(key: string, allowed: readonly string[]): string | undefined {
  const ns = namespaceOf(key);
  if (ns === '') return 'unprefixed keys are not allowed';
  if (isKubernetesNs(ns) && !allowed.some((a) => isNsOrSub(ns, a))) return 'namespace is not allowed';
  return undefined;
}

export function labelError(key: string, value: string): string | undefined {
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length > 0) return `invalid label key ${JSON.stringify(key)}: ${keyErrors.join('; ')}`;
  const ns = namespaceError(key, [FEATURE_NS, PROFILE_NS]);
  if (ns !== undefined) return ns;
  const valueErrors = labelValueErrors(value);
  if (valueErrors.length > 0) return `invalid value ${JSON.stringify(value)}: ${valueErrors.join('; ')}`;
  return undefined;
}

export function annotationError(key: string, value: string): string | undefined {
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length > 0) return `invalid annotation key ${JSON.stringify(key)}: ${keyErrors.join('; ')}`;
  const ns = namespaceError(key, [FEATURE_NS]);
  if (ns !== undefined) return ns;
  if (Buffer.byteLength(value, 'utf8') > ANNOTATION_VALUE_MAX_BYTES) {
    return `invalid value: too long: feature annotations must not be longer than ${ANNOTATION_VALUE_MAX_BYTES} characters`;
  }
  return undefined;
}

export function extendedResourceError(key: string, value: string): string | undefined {
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length > 0) return `invalid name ${JSON.stringify(key)}: ${keyErrors.join('; ')}`;
  const ns = namespaceError(key, [FEATURE_NS]);
  if (ns !== undefined) return ns;
  const quantity = quantityError(value);
  if (quantity !== undefined) return `invalid value ${JSON.stringify(value)}: ${quantity}`;
  return undefined;
}

/** Taint keys are not syntax-checked upstream (Q26); the namespace and the effect are. */
export function taintError(taint: Taint): string | undefined {
  const ns = namespaceError(taint.key, [FEATURE_NS]);
  if (ns !== undefined) return ns;
  if (taint.effect === '') return 'empty taint effect';
  if (!TAINT_EFFECTS.includes(taint.effect)) return 'invalid taint effect';
  return undefined;
}

/** The error lines upstream prints, one per invalid entry: `invalid label "k":"v" <reason>`. */
export function describeInvalid(
  kind: 'label' | 'annotation' | 'extended resource',
  key: string,
  value: string,
  reason: string,
): string {
  return `invalid ${kind} ${JSON.stringify(key)}:${JSON.stringify(value)} ${reason}`;
}

export function describeInvalidTaint(taint: Taint, reason: string): string {
  return `invalid taint ${taint.key}=${taint.value ?? ''}:${taint.effect}: ${reason}`;
}

/** Adds the default namespace to keys without one (nfd-master, DisableAutoPrefix off; §8.1). */
export function prefixKeys(entries: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  // Unprefixed first, so an explicitly prefixed duplicate in the same rule wins.
  for (const [key, value] of Object.entries(entries)) {
    if (!key.includes('/')) out[`${FEATURE_NS}/${key}`] = value;
  }
  for (const [key, value] of Object.entries(entries)) {
    if (key.includes('/')) out[key] = value;
  }
  return out;
}
