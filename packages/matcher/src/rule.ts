// Executing one rule against one node (matching.md §5): matchAny, then matchFeatures, template
// expansion, static outputs. Upstream: pkg/apis/nfd/nodefeaturerule/rule.go (Execute,
// ExecuteGroupRule).
import type { GroupRule, Rule, Taint } from '@nfd/spec';
import type { FeatureIndex } from './features.ts';
import { type CompiledTerms, compileTerms, type ProcessedTerm, type TemplateData } from './match-features.ts';
import { parseTemplate, type Template } from './template/index.ts';
import { parseTemplateOutput } from './template-output.ts';

/** What one rule produced. A rule that did not match produces nothing (Q16 aside). */
export interface RuleOutput {
  readonly matched: boolean;
  readonly labels: Record<string, string>;
  readonly vars: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly extendedResources: Record<string, string>;
  readonly taints: Taint[];
  /** The matchFeatures terms that matched something (for the validate-node report, §10.2). */
  readonly processed: readonly ProcessedTerm[];
  /** The same per matchAny element, in order; empty for elements never evaluated. */
  readonly processedAny: readonly (readonly ProcessedTerm[])[];
}

/** A rule that could not be evaluated: an expression, template or template-output error. */
export class RuleError extends Error {
  override name = 'RuleError';
  readonly rule: string;
  constructor(rule: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`rule ${JSON.stringify(rule)}: ${reason}`, { cause });
    this.rule = rule;
  }
}

/** A rule compiled once (terms, and templates when first needed) to run against many nodes. */
export interface CompiledRule {
  readonly name: string;
  /** Runs the rule (§5). Throws RuleError; never changes `index`. */
  execute(index: FeatureIndex, failFast: boolean): RuleOutput;
}

/**
 * A template parsed on first use and kept, error included: upstream parses templates only when a
 * rule matched (Q11, Q12), so a broken template on a rule that never matches is no error here.
 */
function lazyTemplate(source: string | undefined, name: string): (() => Template) | undefined {
  if (source === undefined || source === '') return undefined;
  let parsed: { template: Template } | { error: unknown } | undefined;
  return () => {
    parsed ??= (() => {
      try {
        return { template: parseTemplate(source, { name }) };
      } catch (error) {
        return { error };
      }
    })();
    if ('error' in parsed) throw parsed.error;
    return parsed.template;
  };
}

function expand(
  template: (() => Template) | undefined,
  data: TemplateData,
  into: Record<string, string>,
): void {
  if (template === undefined) return;
  Object.assign(into, parseTemplateOutput(template().execute(data)));
}

const EMPTY: readonly ProcessedTerm[] = [];

function compile(rule: Rule | GroupRule, group: boolean): CompiledRule {
  const name = rule.name;
  // An element without matchFeatures (or `null` in the list) has none, as Go's zero value.
  const any: CompiledTerms[] = (rule.matchAny ?? []).map((element) =>
    compileTerms(element.matchFeatures ?? []),
  );
  const features: CompiledTerms | undefined =
    rule.matchFeatures !== undefined && rule.matchFeatures.length > 0
      ? compileTerms(rule.matchFeatures)
      : undefined;
  const full = rule as Partial<Rule>;
  const labelsTemplate = group ? undefined : lazyTemplate(full.labelsTemplate, `${name}/labelsTemplate`);
  const varsTemplate = lazyTemplate(rule.varsTemplate, `${name}/varsTemplate`);
  // Short-circuit matchAny only when no template needs every matching element (Q10); a group
  // rule looks at varsTemplate alone.
  const hasTemplates = labelsTemplate !== undefined || varsTemplate !== undefined;

  const execute = (index: FeatureIndex, failFast: boolean): RuleOutput => {
    // No prototype, so that a key such as `__proto__` (from a template or static) is an ordinary key.
    const labels = Object.create(null) as Record<string, string>;
    const vars = Object.create(null) as Record<string, string>;
    const processedAny: (readonly ProcessedTerm[])[] = any.map(() => EMPTY);
    let anyOK = false;
    if (any.length > 0) {
      for (const [i, element] of any.entries()) {
        const result = element.match(index, failFast);
        processedAny[i] = result.processed;
        if (!result.matched) continue;
        anyOK = true;
        if (failFast && !hasTemplates) break;
        expand(labelsTemplate, result.data, labels);
        expand(varsTemplate, result.data, vars);
      }
      if (!anyOK && failFast) return notMatched(processedAny);
    }
    let featOK = false;
    let processed: readonly ProcessedTerm[] = EMPTY;
    if (features !== undefined) {
      const result = features.match(index, failFast);
      processed = result.processed;
      if (!result.matched) return notMatched(processedAny, processed);
      featOK = true;
      expand(labelsTemplate, result.data, labels);
      expand(varsTemplate, result.data, vars);
    }
    Object.assign(labels, group ? {} : (full.labels ?? {}));
    Object.assign(vars, rule.vars ?? {});
    return {
      matched: (any.length === 0 || anyOK) && (features === undefined || featOK),
      labels,
      vars,
      annotations: group ? {} : { ...(full.annotations ?? {}) },
      extendedResources: group ? {} : { ...(full.extendedResources ?? {}) },
      // A taint without key or effect (or `null` in the list) has Go's zero values there: "".
      taints: group
        ? []
        : (full.taints ?? []).map((taint) => ({
            ...taint,
            key: taint.key ?? '',
            effect: taint.effect ?? '',
          })),
      processed,
      processedAny,
    };
  };

  return {
    name,
    execute: (index, failFast) => {
      try {
        return execute(index, failFast);
      } catch (error) {
        throw new RuleError(name, error);
      }
    },
  };
}

function notMatched(
  processedAny: readonly (readonly ProcessedTerm[])[],
  processed: readonly ProcessedTerm[] = EMPTY,
): RuleOutput {
  return {
    matched: false,
    labels: {},
    vars: {},
    annotations: {},
    extendedResources: {},
    taints: [],
    processed,
    processedAny,
  };
}

/** A NodeFeatureRule rule: labels, annotations, vars, taints and extended resources. */
export function compileRule(rule: Rule): CompiledRule {
  return compile(rule, false);
}

/** A NodeFeatureGroup / image-compatibility rule: vars only (ExecuteGroupRule). */
export function compileGroupRule(rule: GroupRule): CompiledRule {
  return compile(rule, true);
}
