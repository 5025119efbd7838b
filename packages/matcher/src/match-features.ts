// Feature matcher terms against the features of one node (matching.md §3 and §4): upstream's
// MatchMulti, MatchNamesMulti and matchFeatures.
import type { FeatureMatcherTerm, MatchExpression } from '@nfd/spec';
import { type CompiledExpression, compileExpression, ExpressionError } from './expression.ts';
import type { FeatureIndex, FeatureParts, InstanceAttributes } from './features.ts';

/** A matched element as templates see it: `{Name}`, `{Name, Value}` or an instance's attributes (§6.2). */
export type MatchedElement = Readonly<Record<string, string>>;

/** Template data: domain → rest of the feature name → matched elements (§4, §6.2). */
export type TemplateData = Record<string, Record<string, MatchedElement[]>>;

/** A term that matched something, as upstream records it for the validate-node report (§4, §10.2). */
export interface ProcessedTerm {
  /** The term's feature name, lower-cased (so report lookups by the written name miss, Q18). */
  readonly feature: string;
  /** The expressions that succeeded somewhere (§3.2, §3.3), by element name; see Q19. */
  readonly matchExpressions: ReadonlyMap<string, MatchExpression>;
  /** The term's matchName when it matched. */
  readonly matchName: MatchExpression | undefined;
}

export interface TermsResult {
  readonly matched: boolean;
  readonly data: TemplateData;
  readonly processed: ProcessedTerm[];
}

/** Terms compiled once (values parsed, regexes compiled), to run against many nodes. */
export interface CompiledTerms {
  /** Evaluates the terms (§4). Throws TermError when an expression errors; never changes `index`. */
  match(index: FeatureIndex, failFast: boolean): TermsResult;
}

/** An expression error inside a term: which feature and element it was evaluated for. */
export class TermError extends Error {
  override name = 'TermError';
  /** The term's feature name as written in the rule. */
  readonly feature: string;
  /** The matchExpressions key, or undefined when the term's matchName failed. */
  readonly element: string | undefined;
  override readonly cause: ExpressionError;
  constructor(feature: string, element: string | undefined, cause: ExpressionError) {
    const where = element === undefined ? 'matchName' : `element ${JSON.stringify(element)}`;
    super(`feature ${JSON.stringify(feature)}, ${where}: ${cause.message}`);
    this.feature = feature;
    this.element = element;
    this.cause = cause;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * Orders strings as Go does, by their UTF-8 bytes (= by code point), where plain JavaScript
 * comparison orders UTF-16 units and puts U+E000–U+FFFF after astral characters.
 */
export function compareByteOrder(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x >= 0xd800 && y >= 0xd800 ? codePointRank(x) - codePointRank(y) : x - y;
  }
  return a.length - b.length;
}

/** Moves surrogates (astral code points) above U+E000–U+FFFF, as in code point order. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  return unit <= 0xdfff ? unit + 0x2000 : unit;
}

/**
 * Go's strings.ToLower: simple per-character lower-casing. JavaScript's toLowerCase differs
 * for U+0130 (İ → "i̇", two characters, where Go gives "i") and for a final capital sigma
 * (ς, where Go gives σ); going character by character and special-casing İ avoids both.
 */
export function goToLower(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point.
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  let lowered = '';
  for (const char of text) lowered += char === '\u0130' ? 'i' : char.toLowerCase();
  return lowered;
}

/** The element's value in an instance; own keys only, so `constructor` is not an attribute. */
function instanceValue(instance: InstanceAttributes, key: string): string | undefined {
  return Object.hasOwn(instance, key) ? instance[key] : undefined;
}

/** Stable sort by Name in byte order: equal names keep the flag element before the attribute one (§3.2). */
function sortByName(elements: MatchedElement[]): void {
  elements.sort((a, b) => compareByteOrder(a.Name ?? '', b.Name ?? ''));
}

/** A record without a prototype, so that names such as `__proto__` are ordinary keys. */
function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

// ---------------------------------------------------------------------------------------------
// Compiled terms

/** Evaluates one expression for one element; wraps ExpressionError into TermError. */
type EvaluateElement = (present: boolean, value: string | undefined) => boolean;

interface CompiledEntry {
  readonly key: string;
  readonly expression: MatchExpression;
  readonly evaluate: EvaluateElement;
}

interface CompiledTerm {
  /** Lower-cased for lookup (Q7). */
  readonly lookupName: string;
  /** Template data keys: the rule's spelling split at the first dot (Q8). */
  readonly domain: string;
  readonly rest: string;
  /** Sorted by key (§3.6); undefined when the term has no matchExpressions (`{}` is not undefined). */
  readonly expressions: readonly CompiledEntry[] | undefined;
  readonly matchName:
    | { readonly expression: MatchExpression; readonly evaluate: EvaluateElement }
    | undefined;
}

function wrapErrors(
  feature: string,
  element: string | undefined,
  compiled: CompiledExpression,
): EvaluateElement {
  return (present, value) => {
    try {
      return compiled.evaluate(present, value);
    } catch (error) {
      throw error instanceof ExpressionError ? new TermError(feature, element, error) : error;
    }
  };
}

/** `Kernel.Version` → (`Kernel`, `Version`); a name without a dot → (lower-cased name, ''), as upstream. */
function templateKeys(feature: string, lookupName: string): { domain: string; rest: string } {
  const dot = feature.indexOf('.');
  if (dot < 0) return { domain: lookupName, rest: '' };
  return { domain: feature.slice(0, dot), rest: feature.slice(dot + 1) };
}

function compileTerm(term: FeatureMatcherTerm): CompiledTerm {
  const { matchExpressions, matchName } = term;
  // A term without `feature` (or `null` in the list) is Go's zero value: feature "".
  const feature = term.feature ?? '';
  const lookupName = goToLower(feature);
  // §3.6: a fixed, lexical key order instead of Go's random map order (Q5).
  const expressions =
    matchExpressions == null
      ? undefined
      : Object.keys(matchExpressions)
          .sort(compareByteOrder)
          .map((key): CompiledEntry => {
            const expression = matchExpressions[key] as MatchExpression;
            return { key, expression, evaluate: wrapErrors(feature, key, compileExpression(expression)) };
          });
  return {
    lookupName,
    ...templateKeys(feature, lookupName),
    expressions,
    matchName:
      matchName == null
        ? undefined
        : { expression: matchName, evaluate: wrapErrors(feature, undefined, compileExpression(matchName)) },
  };
}

// ---------------------------------------------------------------------------------------------
// §3.2 and §3.3: matchExpressions over flags, attributes and instances

interface SetResult {
  ok: boolean;
  elements: MatchedElement[];
  hit: Map<string, MatchExpression>;
}

/** Flags and attributes as a union (§3.2): each expression must succeed in one part, DoesNotExist in both. */
function matchFlagsAndAttributes(
  entries: readonly CompiledEntry[],
  flags: ReadonlySet<string> | undefined,
  attributes: ReadonlyMap<string, string> | undefined,
  failFast: boolean,
): SetResult {
  // With neither part present no expression is evaluated and the result is false.
  if (flags === undefined && attributes === undefined) return { ok: false, elements: [], hit: new Map() };
  let ok = true;
  let elements: MatchedElement[] = [];
  let hit = new Map<string, MatchExpression>();
  for (const { key, expression, evaluate } of entries) {
    let flagOK = false;
    let attributeOK = false;
    // A failure moves on to the next expression, skipping the rest of this one (upstream's
    // `continue`), or, with failFast, drops everything recorded so far and stops.
    let failed = false;
    if (flags !== undefined) {
      flagOK = evaluate(flags.has(key), undefined);
      if (flagOK) {
        elements.push({ Name: key });
        hit.set(key, expression);
      } else if (expression.op === 'DoesNotExist') {
        failed = true;
      }
    }
    if (!failed && attributes !== undefined) {
      const value = attributes.get(key);
      attributeOK = evaluate(value !== undefined, value);
      if (attributeOK) {
        elements.push({ Name: key, Value: value ?? '' });
        hit.set(key, expression);
      } else if (expression.op === 'DoesNotExist') {
        failed = true;
      }
    }
    if (failed || (!flagOK && !attributeOK)) {
      ok = false;
      if (failFast) {
        elements = [];
        hit = new Map();
        break;
      }
    }
  }
  sortByName(elements);
  return { ok, elements, hit };
}

/** Instances (§3.3): all expressions must hold for the same instance. */
function matchInstances(
  entries: readonly CompiledEntry[],
  instances: readonly InstanceAttributes[],
  failFast: boolean,
): SetResult {
  const elements: MatchedElement[] = [];
  const hit = new Map<string, MatchExpression>();
  for (const instance of instances) {
    let instanceOK = true;
    const instanceHit: [string, MatchExpression][] = [];
    for (const { key, expression, evaluate } of entries) {
      const value = instanceValue(instance, key);
      if (evaluate(value !== undefined, value)) {
        instanceHit.push([key, expression]);
      } else {
        instanceOK = false;
        if (failFast) {
          instanceHit.length = 0;
          break;
        }
      }
    }
    if (instanceOK) elements.push(instance);
    for (const [key, expression] of instanceHit) hit.set(key, expression);
  }
  return { ok: elements.length > 0, elements, hit };
}

/** matchExpressions over a possibly multi-type feature (§3.2): (flags ∪ attributes) OR instances. */
function matchExpressionSet(
  entries: readonly CompiledEntry[],
  parts: FeatureParts,
  failFast: boolean,
): SetResult {
  const union = matchFlagsAndAttributes(
    entries,
    parts.flags ?? undefined,
    parts.attributes ?? undefined,
    failFast,
  );
  const instances = matchInstances(entries, parts.instances ?? [], failFast);
  for (const [key, expression] of instances.hit) union.hit.set(key, expression);
  return {
    ok: union.ok || instances.ok,
    elements: [...union.elements, ...instances.elements],
    hit: union.hit,
  };
}

// ---------------------------------------------------------------------------------------------
// §3.4: matchName

function matchNames(
  evaluate: EvaluateElement,
  parts: FeatureParts,
): { ok: boolean; elements: MatchedElement[] } {
  const elements: MatchedElement[] = [];
  for (const name of parts.flags ?? []) {
    if (evaluate(true, name)) elements.push({ Name: name });
  }
  for (const [name, value] of parts.attributes ?? []) {
    if (evaluate(true, name)) elements.push({ Name: name, Value: value });
  }
  sortByName(elements);
  for (const instance of parts.instances ?? []) {
    // Every name is evaluated, as upstream does, so an error surfaces whatever the order.
    let anyName = false;
    for (const name of Object.keys(instance)) {
      if (evaluate(true, name)) anyName = true;
    }
    if (anyName) elements.push(instance);
  }
  return { ok: elements.length > 0, elements };
}

// ---------------------------------------------------------------------------------------------
// §4: a list of terms

function failedResult(): TermsResult {
  return { matched: false, data: emptyRecord(), processed: [] };
}

/** Appends to data[domain][rest], creating the list: several terms on one feature share it (§4). */
function appendElements(data: TemplateData, domain: string, rest: string, elements: MatchedElement[]): void {
  const byRest = data[domain] ?? emptyRecord<MatchedElement[]>();
  const list = byRest[rest] ?? [];
  for (const element of elements) list.push(element);
  byRest[rest] = list;
  data[domain] = byRest;
}

function runTerms(terms: readonly CompiledTerm[], index: FeatureIndex, failFast: boolean): TermsResult {
  let ok = true;
  // Deliberately not reset per term: in non-failFast mode a failed term leaves it false, so a
  // later term with only matchName (or with neither) counts as failed unevaluated (Q17).
  let termOK = true;
  const data: TemplateData = emptyRecord();
  const processed: ProcessedTerm[] = [];
  for (const term of terms) {
    data[term.domain] ??= emptyRecord();
    const parts = index.features.get(term.lookupName);
    // A missing feature fails the term without evaluating anything, so its errors stay hidden (Q6).
    if (parts === undefined) {
      if (failFast) return failedResult();
      ok = false;
      continue;
    }
    let elements: MatchedElement[] = [];
    let hit = new Map<string, MatchExpression>();
    let nameHit: MatchExpression | undefined;
    if (term.expressions !== undefined) {
      ({ ok: termOK, elements, hit } = matchExpressionSet(term.expressions, parts, failFast));
    }
    if (termOK && term.matchName !== undefined) {
      const names = matchNames(term.matchName.evaluate, parts);
      termOK = names.ok;
      // Expression elements first, then matchName elements (§4).
      elements = [...elements, ...names.elements];
      if (termOK) nameHit = term.matchName.expression;
    }
    appendElements(data, term.domain, term.rest, elements);
    if (nameHit !== undefined || hit.size > 0) {
      processed.push({ feature: term.lookupName, matchExpressions: hit, matchName: nameHit });
    }
    if (!termOK) {
      if (failFast) return { matched: false, data, processed };
      ok = false;
    }
  }
  return { matched: ok, data, processed };
}

/** Compiles terms for repeated evaluation; never throws (expression errors surface in `match`, Q1). */
export function compileTerms(terms: readonly FeatureMatcherTerm[]): CompiledTerms {
  const compiled = terms.map(compileTerm);
  return { match: (index, failFast) => runTerms(compiled, index, failFast) };
}
