// Warnings for requirements that no NFD host can ever satisfy: unknown features and elements, names and
// values in a format NFD never produces, and ordering values that make the expression fail. Every check
// here is certain from features.md / matching.md; anything that could match on some host is left alone.

import {
  type CompatibilitySpec,
  type FeatureMatcherTerm,
  formatIssuePath,
  type GroupRule,
  isMatchOp,
  isValueCountAllowed,
  type LoadedDocument,
  type MatchExpression,
  type MatchOp,
  type Rule,
  type SpecIssue,
  TYPED_MATCH_OPS,
} from '@nfd/spec';
import { parseGoInt } from '../integer.ts';
import { compareVersions, parseVersion } from '../version.ts';
import { CPUINFO_TO_NFD } from './cpuid-names.ts';
import { closestNames } from './edit-distance.ts';
import {
  KNOWN_DOMAINS,
  KNOWN_FEATURES,
  type KnownElement,
  type KnownFeature,
  lookupElement,
  lookupFeature,
  type ValueFormat,
} from './known-features.ts';

/** One requirement that can never match, at the field path it is about. Always a warning. */
export interface RequirementFinding {
  path: readonly (string | number)[];
  message: string;
}

/** Where the terms are checked: an image compatibility spec is evaluated by `nfd compat validate-node`. */
export interface LintContext {
  /** True for image compatibility specs: only enabled-by-default sources exist then (no `fake.*`). */
  readonly compat?: boolean;
}

type Path = readonly (string | number)[];

const code = (text: string): string => `\`${text}\``;
const RANGE_OPS: readonly MatchOp[] = ['GtLt', 'GeLe'];
const VALUE_OPS: readonly MatchOp[] = ['In', 'NotIn', 'InRegexp', ...TYPED_MATCH_OPS, 'IsTrue', 'IsFalse'];
const SANITIZED = /^[-A-Za-z0-9_.]*$/;

function orList(names: readonly string[]): string {
  const quoted = names.map(code);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

function didYouMean(names: readonly string[]): string {
  return names.length === 0 ? '' : `; did you mean ${orList(names.slice(0, 3))}?`;
}

// ---------------------------------------------------------------------------------------------------------
// Feature names

function featureProblem(name: string, context: LintContext): string | undefined {
  const lower = name.toLowerCase();
  const feature = lookupFeature(lower);
  if (feature !== undefined) {
    if (feature.disabledByDefault && context.compat) {
      return `${code(name)} comes from the fake source, which is disabled by default and never run by \`nfd compat validate-node\``;
    }
    return undefined;
  }
  const allNames = Object.keys(KNOWN_FEATURES);
  const dot = lower.indexOf('.');
  if (dot < 0) {
    const byFeaturePart = allNames.filter((known) => known.slice(known.indexOf('.') + 1) === lower);
    const suggestions = byFeaturePart.length > 0 ? byFeaturePart : closestNames(lower, allNames);
    return `${code(name)} is not a feature name: features are \`<domain>.<feature>\`${didYouMean(suggestions)}`;
  }
  // `cpu.cpuid.AVX512F`: a known feature with the element glued on.
  const prefix = allNames.find((known) => lower.startsWith(`${known}.`));
  if (prefix !== undefined) {
    const element = name.slice(prefix.length + 1);
    return `${code(name)} is not a feature NFD discovers; use \`feature: ${prefix}\` and put ${code(element)} under matchExpressions`;
  }
  const domain = lower.slice(0, dot);
  const suggestions = closestNames(lower, allNames);
  if (KNOWN_DOMAINS.includes(domain)) {
    const siblings = allNames.filter((known) => known.startsWith(`${domain}.`));
    const hint =
      suggestions.length > 0 ? didYouMean(suggestions) : `; ${code(domain)} features are ${orList(siblings)}`;
    return `${code(name)} is not a feature NFD discovers${hint}`;
  }
  const custom =
    domain === 'custom' ? '; custom rules make labels, which later rules see in `rule.matched`' : '';
  return `${code(name)} is not a feature NFD discovers (unless a NodeFeature from another source provides it)${custom}${didYouMean(suggestions)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Element names

/** Why `element` can never be an element of `feature`, or undefined when it can (or the set is open). */
function elementNameProblem(feature: KnownFeature, element: string): string | undefined {
  if (lookupElement(feature, element) !== undefined) return undefined;
  const never = feature.neverNames !== undefined && Object.hasOwn(feature.neverNames, element);
  if (never) return feature.neverNames?.[element];
  if (feature.open !== undefined) return feature.open.checkName?.(element);
  const known = Object.keys(feature.elements ?? {});
  const noun = feature.types.includes('instance') ? 'instances have no attribute' : 'has no element';
  let hint = '';
  const suggestions = closestNames(element, known);
  const caseOnly = suggestions.filter((s) => s.toLowerCase() === element.toLowerCase());
  const cpuinfo = feature.name === 'cpu.cpuid' && Object.hasOwn(CPUINFO_TO_NFD, element);
  if (caseOnly.length > 0) {
    hint = `${didYouMean(caseOnly)} (names are case-sensitive)`;
  } else if (cpuinfo) {
    hint = `; ${code(element)} is the /proc/cpuinfo spelling, NFD writes ${orList(CPUINFO_TO_NFD[element] ?? [])}`;
  } else if (suggestions.length > 0) {
    hint = didYouMean(suggestions);
  } else if (known.length <= 16) {
    hint = ` (it has ${orList(known.toSorted())})`;
  }
  const elsewhere = Object.values(KNOWN_FEATURES)
    .filter((other) => other !== feature && lookupElement(other, element) !== undefined)
    .map((other) => other.name);
  // Only when nothing closer was suggested: `vendor` on cpu.model means vendor_id, not pci.device.
  const where =
    suggestions.length === 0 && !cpuinfo && elsewhere.length > 0 && elsewhere.length <= 3
      ? `; ${code(element)} is in ${orList(elsewhere)}`
      : '';
  return `${code(feature.name)} ${noun} ${code(element)}${hint}${where}`;
}

/** The element's value format (closed entry or open default); undefined for flags and unknown names. */
function elementInfo(feature: KnownFeature, element: string): KnownElement | undefined {
  const known = lookupElement(feature, element);
  if (known !== undefined) return known;
  if (feature.open !== undefined && feature.open.checkName?.(element) === undefined) {
    return feature.open.values === undefined ? { part: feature.open.part } : feature.open;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Values

/**
 * Why `value` can never be the value of an element with this format: the text after "never matches: ",
 * or undefined when it can.
 */
function valueProblem(format: ValueFormat, value: string): string | undefined {
  switch (format.kind) {
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : 'the value is `true` or `false`';
    case 'enum': {
      if (format.values.includes(value)) return undefined;
      const sameCase = format.values.find((v) => v.toLowerCase() === value.toLowerCase());
      if (sameCase !== undefined) return `NFD reports ${code(sameCase)} (case-sensitive)`;
      return format.values.length === 1
        ? `the value is always ${code(format.values[0] ?? '')}`
        : `the value is ${orList(format.values)}`;
    }
    case 'unsigned':
      if (/^[0-9]+$/.test(value) || (format.orEmpty && value === '')) return undefined;
      return 'the value is a decimal number';
    case 'integer':
      return /^-?[0-9]+$/.test(value) ? undefined : 'the value is a decimal integer';
    case 'hex': {
      const pattern = new RegExp(`^[0-9a-f]{${format.digits}}$`);
      if (pattern.test(value)) return undefined;
      const digits = value.replace(/^0[xX]/, '').toLowerCase();
      let fixed: string | undefined;
      if (/^[0-9a-f]+$/.test(digits)) {
        if (digits.length === format.digits) fixed = digits;
        // NFD keeps the first 4 digits of a 6-digit PCI class (drops the programming interface).
        else if (digits.length === format.truncatedFrom) fixed = digits.slice(0, format.digits);
      }
      const fix = fixed === undefined ? '' : ` (${code(fixed)})`;
      return `NFD reports ${format.what} as ${format.digits} lower-case hex digits${fix}`;
    }
    case 'name': {
      const aliases = format.aliases ?? {};
      if (Object.hasOwn(aliases, value)) return `NFD reports ${code(aliases[value] ?? '')}`;
      if (format.known.includes(value)) return undefined;
      const sameCase = format.known.find((v) => v.toLowerCase() === value.toLowerCase());
      if (sameCase !== undefined) return `NFD reports ${code(sameCase)} (case-sensitive)`;
      if (!SANITIZED.test(value)) return 'NFD replaces characters outside `[-A-Za-z0-9_.]` with `_`';
      return undefined;
    }
    case 'kconfig':
      return value === 'n' ? 'unset options are absent, never `n`; use DoesNotExist' : undefined;
    case 'version':
    case 'text':
      return undefined;
  }
}

/** Whether an element with this format can ever hold the exact string `true` (or `false`). */
function canHold(format: ValueFormat, value: 'true' | 'false'): boolean | undefined {
  switch (format.kind) {
    case 'boolean':
      return true;
    case 'enum':
      return format.values.includes(value);
    case 'unsigned':
    case 'integer':
    case 'hex':
    case 'version':
      return false;
    default:
      return undefined; // names, kconfig strings and text could in principle be anything
  }
}

function isTrueFix(format: ValueFormat, op: 'IsTrue' | 'IsFalse'): string {
  if (format.kind === 'enum' && format.values.length === 2 && format.values.includes('1')) {
    return `; use \`In: ["${op === 'IsTrue' ? '1' : '0'}"]\``;
  }
  if (format.kind === 'enum' && format.values.length === 1 && op === 'IsFalse') {
    return '; use DoesNotExist (the element is absent otherwise)';
  }
  return '';
}

/** Whether ordering on this format always fails: its values are never integers (or never versions). */
function orderingProblem(format: ValueFormat, typed: boolean, element: string): string | undefined {
  if (format.kind === 'version' && !typed) {
    return `${code(element)} values such as ${code(format.example)} are not integers, so the expression fails with an error; add \`type: version\``;
  }
  const neverNumber =
    format.kind === 'boolean' ||
    (format.kind === 'enum' &&
      format.values.every((v) => parseGoInt(v) === undefined && parseVersion(v) === undefined));
  if (neverNumber) {
    return `${code(element)} is ${format.kind === 'boolean' ? '`true` or `false`' : orList(format.kind === 'enum' ? format.values : [])}, never a ${typed ? 'version' : 'number'}, so the expression fails with an error`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Expressions

/** Checks the values of an ordering/range expression on their own (matching.md §2, §2.1, §2.2). */
function lintOrderingValues(expression: MatchExpression, path: Path, findings: RequirementFinding[]): void {
  const values = expression.value ?? [];
  const typed = expression.type === 'version';
  if (expression.type !== undefined && expression.type !== '' && !typed) return; // the spec check reports it
  let allParse = true;
  values.forEach((value, index) => {
    if (typed) {
      if (parseVersion(value) !== undefined) return;
      allParse = false;
      findings.push({
        path: [...path, 'value', index],
        message: `${code(value)} is not a version, so ${expression.op} fails with an error`,
      });
      return;
    }
    if (parseGoInt(value) !== undefined) return;
    allParse = false;
    const hint =
      parseVersion(value) !== undefined
        ? '; add `type: version` to compare versions'
        : ', so the expression fails with an error';
    findings.push({ path: [...path, 'value', index], message: `${code(value)} is not an integer${hint}` });
  });
  if (!allParse || !RANGE_OPS.includes(expression.op) || values.length !== 2) return;
  const [low = '', high = ''] = values;
  if (typed) {
    const a = parseVersion(low);
    const b = parseVersion(high);
    if (a === undefined || b === undefined) return;
    const order = compareVersions(a, b);
    if (order > 0 || (order === 0 && expression.op === 'GtLt')) {
      findings.push({
        path: [...path, 'value'],
        message: `no version is ${expression.op === 'GtLt' ? 'strictly ' : ''}between ${code(low)} and ${code(high)} (pre-release parts are ignored), so ${expression.op} never matches`,
      });
    }
  } else {
    const a = parseGoInt(low);
    const b = parseGoInt(high);
    if (a !== undefined && b !== undefined && a >= b) {
      findings.push({
        path: [...path, 'value'],
        message: `the first bound must be smaller than the second (${code(low)} ≥ ${code(high)}), so ${expression.op} fails with an error`,
      });
    }
  }
}

function isWellFormed(expression: MatchExpression): boolean {
  return isMatchOp(expression.op) && isValueCountAllowed(expression.op, expression.value?.length ?? 0);
}

function lintElementExpression(
  feature: KnownFeature | undefined,
  element: string,
  expression: MatchExpression,
  path: Path,
  findings: RequirementFinding[],
): void {
  const wellFormed = isWellFormed(expression);
  const { op } = expression;
  const ordering = wellFormed && TYPED_MATCH_OPS.includes(op);
  if (feature === undefined) {
    // Unknown feature: its elements may have values, so the values are checked on their own.
    if (ordering) lintOrderingValues(expression, path, findings);
    return;
  }

  const nameProblem = elementNameProblem(feature, element);
  if (nameProblem !== undefined) {
    const always =
      op === 'DoesNotExist'
        ? 'DoesNotExist always holds: '
        : op === ''
          ? 'this expression always holds: '
          : '';
    findings.push({ path, message: `${always}${nameProblem}` });
    return;
  }
  if (!wellFormed) return;
  const info = elementInfo(feature, element);
  if (info === undefined) return;
  if (info.part === 'flag') {
    if (VALUE_OPS.includes(op)) {
      const subject =
        feature.types.length === 1
          ? `${code(feature.name)} is a flag feature: its elements have`
          : `${code(element)} is a flag and has`;
      findings.push({
        path,
        message: `${subject} no value, so ${op} never matches; use Exists`,
      });
    }
    return;
  }
  const format = info.values;
  if (format === undefined) return;
  if (op === 'In' || op === 'NotIn') {
    (expression.value ?? []).forEach((value, index) => {
      const problem = valueProblem(format, value);
      if (problem === undefined) return;
      const message =
        op === 'In'
          ? `${code(value)} never matches: ${problem}`
          : `${code(value)} never occurs, so NotIn excludes nothing: ${problem}`;
      findings.push({ path: [...path, 'value', index], message });
    });
  } else if (op === 'IsTrue' || op === 'IsFalse') {
    const wanted = op === 'IsTrue' ? 'true' : 'false';
    if (format.kind === 'kconfig') {
      const fix =
        op === 'IsTrue' ? 'use `In: [y]` (or `[y, m]`)' : 'unset options are absent, so use DoesNotExist';
      findings.push({
        path,
        message: `kernel.config values are written as in the kconfig (\`y\`, \`m\`, numbers, strings), never ${code(wanted)}; ${fix}`,
      });
    } else if (canHold(format, wanted) === false) {
      const what = valueProblem(format, wanted) ?? `the value is never ${code(wanted)}`;
      findings.push({ path, message: `${op} never matches: ${what}${isTrueFix(format, op)}` });
    }
  } else if (ordering) {
    // Values are only parsed for an element that exists with a value (matching.md §2 step 3), so flags
    // and unknown names above never get here. One warning is enough: the values' own, else the element's.
    const before = findings.length;
    lintOrderingValues(expression, path, findings);
    if (findings.length > before) return;
    const problem = orderingProblem(format, expression.type === 'version', element);
    if (problem !== undefined) findings.push({ path, message: problem });
  }
}

function lintMatchName(
  feature: KnownFeature | undefined,
  expression: MatchExpression,
  path: Path,
  findings: RequirementFinding[],
): void {
  if (!isWellFormed(expression)) return;
  const { op } = expression;
  if (TYPED_MATCH_OPS.includes(op)) lintOrderingValues(expression, path, findings);
  if (feature === undefined || (op !== 'In' && op !== 'NotIn')) return;
  const names = feature.types.includes('instance') ? 'attribute names' : 'element names';
  (expression.value ?? []).forEach((value, index) => {
    const problem = elementNameProblem(feature, value);
    if (problem === undefined) return;
    const lead =
      op === 'In' ? `${code(value)} never matches` : `${code(value)} never occurs, so NotIn excludes nothing`;
    findings.push({
      path: [...path, 'value', index],
      message: `${lead} (matchName tests ${names}): ${problem}`,
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Terms, rules, specs

/** Lints feature terms (`matchFeatures`) whose list is at `basePath`: `[...basePath, k, …]`. */
export function lintTerms(
  terms: readonly FeatureMatcherTerm[],
  basePath: readonly (string | number)[],
  context: LintContext = {},
): RequirementFinding[] {
  const findings: RequirementFinding[] = [];
  terms.forEach((term, index) => {
    const termPath: Path = [...basePath, index];
    const featureMessage = featureProblem(term.feature, context);
    if (featureMessage !== undefined)
      findings.push({ path: [...termPath, 'feature'], message: featureMessage });
    const feature = lookupFeature(term.feature);
    for (const [element, expression] of Object.entries(term.matchExpressions ?? {}).toSorted(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )) {
      lintElementExpression(
        feature,
        element,
        expression,
        [...termPath, 'matchExpressions', element],
        findings,
      );
    }
    if (term.matchName !== undefined)
      lintMatchName(feature, term.matchName, [...termPath, 'matchName'], findings);
  });
  return findings;
}

/** Lints `matchFeatures` and every `matchAny[m].matchFeatures` of one rule at `basePath`. */
export function lintRuleTerms(
  rule: Rule | GroupRule,
  basePath: readonly (string | number)[],
  context: LintContext = {},
): RequirementFinding[] {
  const findings = lintTerms(rule.matchFeatures ?? [], [...basePath, 'matchFeatures'], context);
  (rule.matchAny ?? []).forEach((alternative, index) => {
    findings.push(
      ...lintTerms(alternative.matchFeatures, [...basePath, 'matchAny', index, 'matchFeatures'], context),
    );
  });
  return findings;
}

/** Lints every rule of every compatibility set (`compatibilities[i].rules[j]…`). */
export function lintCompatibilitySpec(spec: CompatibilitySpec): RequirementFinding[] {
  return spec.compatibilities.flatMap((set, setIndex) =>
    set.rules.flatMap((rule, ruleIndex) =>
      lintRuleTerms(rule, ['compatibilities', setIndex, 'rules', ruleIndex], { compat: true }),
    ),
  );
}

/** Lints the rules of a NodeFeatureRule (`spec.rules[i]…`). */
export function lintNodeFeatureRuleTerms(rules: readonly Rule[]): RequirementFinding[] {
  return rules.flatMap((rule, index) => lintRuleTerms(rule, ['spec', 'rules', index]));
}

/** The requirement warnings of a loaded compatibility spec, located in `file`. */
export function specRequirementIssues(doc: LoadedDocument<CompatibilitySpec>, file: string): SpecIssue[] {
  return lintCompatibilitySpec(doc.value).map((finding) => {
    const { line, column } = doc.locate(finding.path);
    return {
      severity: 'warning',
      file,
      line,
      column,
      path: formatIssuePath(finding.path),
      message: finding.message,
    };
  });
}
