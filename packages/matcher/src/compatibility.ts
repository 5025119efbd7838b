// Evaluating an image compatibility spec against one node: upstream's node validator
// (matching.md §7.4, §10). Sets in order after the tag filter, rules with failFast off, vars fed
// back into rule.matched across all sets; any evaluation error aborts the whole validation.
import type {
  CompatibilitySpec,
  CompatibilityStatus,
  FeatureMatcherTerm,
  MatchAnyStatus,
  MatchExpression,
  MatchedExpressionStatus,
  ReportedExpression,
  RuleStatus,
} from '@nfd/spec';
import { explainExpression } from './explain.ts';
import {
  cloneFeatureIndex,
  type FeatureIndex,
  RULE_MATCHED_FEATURE,
  setMatchedAttributes,
} from './features.ts';
import { compareByteOrder, type ProcessedTerm } from './match-features.ts';
import { type CompiledRule, compileGroupRule } from './rule.ts';

export type { CompatibilityStatus, MatchAnyStatus, MatchedExpressionStatus, ReportedExpression, RuleStatus };

export interface EvaluateOptions {
  /** Evaluate only sets whose tag is one of these (untagged sets are then skipped; §10.3). */
  tags?: readonly string[];
  /** Add `host` facts to every expression. */
  explain?: boolean;
}

/** A spec compiled once, to evaluate against many nodes. */
export interface CompiledSpec {
  /**
   * The feature names the spec's rules read (their matchFeatures and matchAny terms, and
   * rule.matched, which vars feed). Evaluation and its report depend on these features of a node
   * only, so nodes equal on them get equal reports (validate-cluster evaluates each such group once).
   */
  readonly features: readonly string[];
  /** Throws RuleError on an evaluation error (no partial report). */
  evaluate(index: FeatureIndex, options?: EvaluateOptions): CompatibilityStatus[];
}

/** True when a set matched fully: every rule matched (a set without rules requires nothing). */
export function isSetCompatible(status: CompatibilityStatus): boolean {
  return (status.rules ?? []).every((rule) => rule.isMatch);
}

/** The exit-status question of validate-node: does at least one evaluated set match? */
export function isCompatible(statuses: readonly CompatibilityStatus[]): boolean {
  return statuses.some(isSetCompatible);
}

export function compileCompatibilitySpec(spec: CompatibilitySpec): CompiledSpec {
  const sets = spec.compatibilities.map((set) => ({
    set,
    rules: set.rules.map((rule) => ({ rule, compiled: compileGroupRule(rule) as CompiledRule })),
  }));
  const features = new Set<string>([RULE_MATCHED_FEATURE]);
  for (const set of spec.compatibilities) {
    for (const rule of set.rules) {
      for (const term of rule.matchFeatures ?? []) features.add(term.feature ?? '');
      for (const element of rule.matchAny ?? [])
        for (const term of element.matchFeatures ?? []) features.add(term.feature ?? '');
    }
  }
  return {
    features: [...features].sort(),
    evaluate(input, options = {}) {
      const index = cloneFeatureIndex(input);
      const tags = options.tags !== undefined && options.tags.length > 0 ? new Set(options.tags) : undefined;
      const statuses: CompatibilityStatus[] = [];
      for (const { set, rules } of sets) {
        if (tags !== undefined && (set.tag === undefined || !tags.has(set.tag))) continue;
        const ruleStatuses: RuleStatus[] = [];
        for (const { rule, compiled } of rules) {
          const output = compiled.execute(index, false);
          // Vars go back even for a rule that did not match (Q16).
          setMatchedAttributes(index, output.vars);
          const status: RuleStatus = { name: rule.name, isMatch: output.matched };
          const expressions = reportTerms(rule.matchFeatures ?? [], output.processed, index, options.explain);
          if (expressions.length > 0) status.matchedExpressions = expressions;
          const any = (rule.matchAny ?? []).map((element, i) => {
            const reported = reportTerms(
              element.matchFeatures ?? [],
              output.processedAny[i] ?? [],
              index,
              options.explain,
            );
            return { matchedExpressions: reported.length > 0 ? reported : null };
          });
          if (any.length > 0) status.matchedAny = any;
          ruleStatuses.push(status);
        }
        const status: CompatibilityStatus = { rules: ruleStatuses.length > 0 ? ruleStatuses : null };
        if (set.description !== undefined && set.description !== '') status.description = set.description;
        if (set.weight !== undefined && set.weight !== 0) status.weight = set.weight;
        if (set.tag !== undefined && set.tag !== '') status.tag = set.tag;
        statuses.push(status);
      }
      return statuses;
    },
  };
}

function sameExpression(a: MatchExpression, b: MatchExpression): boolean {
  // `type` is not compared (Q20).
  const av = a.value ?? [];
  const bv = b.value ?? [];
  return a.op === b.op && av.length === bv.length && av.every((v, i) => v === bv[i]);
}

function reported(expression: MatchExpression): ReportedExpression {
  const out: ReportedExpression = { op: expression.op };
  if (expression.value !== undefined && expression.value.length > 0) out.value = [...expression.value];
  if (expression.type !== undefined && expression.type !== '') out.type = expression.type;
  return out;
}

/**
 * One entry per expression of the terms, matched when any processed term of the same feature
 * (compared as written, so capitals never match: Q18) recorded it (§10.2), sorted as upstream.
 */
function reportTerms(
  terms: readonly FeatureMatcherTerm[],
  processed: readonly ProcessedTerm[],
  index: FeatureIndex,
  explain: boolean | undefined,
): MatchedExpressionStatus[] {
  const entries: MatchedExpressionStatus[] = [];
  for (const term of terms) {
    // No `feature` is Go's zero value "" (as compileTerms reads it).
    const feature = term.feature ?? '';
    const same = processed.filter((p) => p.feature === feature);
    for (const [name, expression] of Object.entries(term.matchExpressions ?? {})) {
      const isMatch = same.some((p) => {
        const hit = p.matchExpressions.get(name);
        return hit !== undefined && sameExpression(hit, expression);
      });
      const entry: MatchedExpressionStatus = {
        feature,
        name,
        expression: reported(expression),
        matcherType: 'matchExpression',
        isMatch,
      };
      if (explain === true) entry.host = explainExpression(index, feature, name);
      entries.push(entry);
    }
    if (term.matchName !== undefined) {
      const matchName = term.matchName;
      const isMatch = same.some((p) => p.matchName !== undefined && sameExpression(p.matchName, matchName));
      const entry: MatchedExpressionStatus = {
        feature,
        name: '',
        expression: reported(matchName),
        matcherType: 'matchName',
        isMatch,
      };
      if (explain === true) entry.host = explainExpression(index, feature, undefined);
      entries.push(entry);
    }
  }
  return entries.sort(
    (a, b) =>
      compareByteOrder(a.feature, b.feature) ||
      compareByteOrder(a.name, b.name) ||
      compareByteOrder(expressionText(a.expression), expressionText(b.expression)),
  );
}

/** Go's `%v` of the expression as upstream sorts by it: `{op: "In", value: ["a" "b"]}`. */
function expressionText(expression: ReportedExpression): string {
  const op = `{op: ${goQuote(expression.op)}`;
  if (expression.value === undefined) return `${op}}`;
  return `${op}, value: [${expression.value.map(goQuote).join(' ')}]}`;
}

const GO_SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const GO_PRINTABLE = /^[ \p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * Go strconv.Quote (which the sort key of §10.2 uses): `"` and `\` backslashed, printable
 * characters as they are, `\a \b \f \n \r \t \v`, other control characters as `\xNN`, and
 * other non-printable characters as `\uNNNN` or `\UNNNNNNNN`.
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (GO_PRINTABLE.test(char)) out += char;
    else if (GO_SHORT_ESCAPES[char] !== undefined) out += GO_SHORT_ESCAPES[char];
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${out}"`;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
