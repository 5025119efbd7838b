// Running a NodeFeatureRule or NodeFeatureGroup against a node, as our `dryrun` promises
// (matching.md §7.1, §7.2, §8, §9.3): rules in order with failFast, labels and vars fed back
// through `rule.matched`, outputs prefixed, resolved and validated after all rules ran.
import type {
  DryrunResult,
  GroupDryrunResult,
  GroupRule,
  GroupRuleRunResult,
  Rule,
  RuleRunResult,
  Taint,
} from '@nfd/spec';
import { isDynamicValue, resolveDynamicValue } from './dynamic-value.ts';
import { cloneFeatureIndex, type FeatureIndex, setMatchedAttributes } from './features.ts';
import {
  annotationError,
  describeInvalid,
  describeInvalidTaint,
  extendedResourceError,
  labelError,
  prefixKeys,
  taintError,
} from './output-validation.ts';
import { type CompiledRule, compileGroupRule, compileRule, RuleError } from './rule.ts';

export type { DryrunResult, GroupDryrunResult, GroupRuleRunResult, RuleRunResult };

/** Compiled rules of a NodeFeatureRule, reusable against many nodes. */
export interface RuleSet {
  run(index: FeatureIndex): DryrunResult;
}

export interface GroupRuleSet {
  run(index: FeatureIndex): GroupDryrunResult;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sortedEntries(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A rule of a file that could not be decoded (the evaluating loader of @nfd/spec): it runs as an
 * errored rule, so it gets its own entry and error while the other rules run (matching.md §9.4).
 */
export interface UndecodedRule {
  name: string;
  decodeError: string;
}

function isUndecoded(rule: object): rule is UndecodedRule {
  return 'decodeError' in rule;
}

function undecoded(rule: UndecodedRule): CompiledRule {
  return {
    name: rule.name,
    execute(): never {
      throw new RuleError(rule.name, new Error(rule.decodeError));
    },
  };
}

/** Compiles the rules of one NodeFeatureRule (in file order). */
export function compileRuleSet(rules: readonly (Rule | UndecodedRule)[]): RuleSet {
  const compiled: CompiledRule[] = rules.map((rule) =>
    isUndecoded(rule) ? undecoded(rule) : compileRule(rule),
  );
  return {
    run(input: FeatureIndex): DryrunResult {
      const index = cloneFeatureIndex(input);
      const results: RuleRunResult[] = [];
      const errors: string[] = [];
      const labels: Record<string, string> = {};
      const annotations: Record<string, string> = {};
      const extendedResources: Record<string, string> = {};
      const taints: Taint[] = [];
      for (const rule of compiled) {
        let output: ReturnType<CompiledRule['execute']>;
        try {
          output = rule.execute(index, true);
        } catch (error) {
          // An errored rule contributes nothing, not even to rule.matched (§7.1).
          const message = errorMessage(error);
          results.push({ ...emptyOutputs(rule.name), error: message });
          errors.push(message);
          continue;
        }
        results.push({
          name: rule.name,
          matched: output.matched,
          labels: output.labels,
          annotations: output.annotations,
          vars: output.vars,
          extendedResources: output.extendedResources,
          taints: output.taints,
        });
        // Labels then vars, raw, so a var overwrites an equal label; inserting even nothing
        // creates rule.matched (Q14).
        setMatchedAttributes(index, { ...output.labels, ...output.vars });
        if (!output.matched) continue;
        Object.assign(labels, prefixKeys(output.labels));
        Object.assign(annotations, prefixKeys(output.annotations));
        Object.assign(extendedResources, prefixKeys(output.extendedResources));
        taints.push(...output.taints);
      }
      return {
        rules: results,
        labels: finalize('label', labels, index, errors, labelError),
        annotations: finalize('annotation', annotations, undefined, errors, annotationError),
        extendedResources: finalize(
          'extended resource',
          extendedResources,
          index,
          errors,
          extendedResourceError,
        ),
        taints: taints.filter((taint) => {
          const reason = taintError(taint);
          if (reason !== undefined) errors.push(describeInvalidTaint(taint, reason));
          return reason === undefined;
        }),
        errors,
      };
    },
  };
}

/**
 * Resolves `@` values against the final features (rule.matched included; §8.3) where `index`
 * is given, validates every entry, and leaves out (with one error each) what fails.
 */
function finalize(
  kind: 'label' | 'annotation' | 'extended resource',
  entries: Record<string, string>,
  index: FeatureIndex | undefined,
  errors: string[],
  check: (key: string, value: string) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of sortedEntries(entries)) {
    let value = raw;
    if (index !== undefined && isDynamicValue(raw)) {
      const resolved = resolveDynamicValue(raw, index);
      if ('error' in resolved) {
        errors.push(`failed to get dynamic value for ${kind} ${JSON.stringify(key)}: ${resolved.error}`);
        continue;
      }
      value = resolved.value;
    }
    const reason = check(key, value);
    if (reason !== undefined) {
      errors.push(describeInvalid(kind, key, value, reason));
      continue;
    }
    out[key] = value;
  }
  return out;
}

function emptyOutputs(name: string): RuleRunResult {
  return { name, matched: false, labels: {}, annotations: {}, vars: {}, extendedResources: {}, taints: [] };
}

/** Compiles the group rules of one NodeFeatureGroup (§7.3). */
export function compileGroupRuleSet(rules: readonly (GroupRule | UndecodedRule)[]): GroupRuleSet {
  const compiled = rules.map((rule) => (isUndecoded(rule) ? undecoded(rule) : compileGroupRule(rule)));
  return {
    run(input: FeatureIndex): GroupDryrunResult {
      const index = cloneFeatureIndex(input);
      const results: GroupRuleRunResult[] = [];
      const errors: string[] = [];
      let matched = false;
      for (const rule of compiled) {
        try {
          const output = rule.execute(index, true);
          results.push({ name: rule.name, matched: output.matched, vars: output.vars });
          matched ||= output.matched;
          // Group rules feed back their vars only.
          setMatchedAttributes(index, output.vars);
        } catch (error) {
          const message = errorMessage(error);
          results.push({ name: rule.name, matched: false, error: message, vars: {} });
          errors.push(message);
        }
      }
      return { rules: results, matched, errors };
    },
  };
}
