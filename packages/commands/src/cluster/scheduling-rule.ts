// A compatibility spec turned into what the scheduler can use (KEP-1845 phase 2): a
// NodeFeatureRule that labels the nodes matching each compatibility set, and the pod nodeAffinity
// that requires one of those labels and prefers them by the set's weight.
import { createHash } from 'node:crypto';
import {
  type CompatibilitySpec,
  type FeatureMatcherTerm,
  type GroupRule,
  NFD_API_VERSION,
  NfdError,
  type NodeFeatureRule,
  type Rule,
} from '@nfd/spec';

/**
 * The label namespace of the set labels. A sub-namespace of feature.node.kubernetes.io: nfd-master
 * accepts it in every version without `-extra-label-ns`, and `-deny-label-ns` cannot deny it.
 */
export const COMPAT_LABEL_NS = 'compat.feature.node.kubernetes.io';
/** The annotation namespace on the generated NodeFeatureRule object. */
export const COMPAT_ANNOTATION_NS = 'compat.nfd.k8s-sigs.io';
/** The feature that rules feed their vars back into (upstream's RuleBackrefDomain.Feature). */
const RULE_MATCHED = 'rule.matched';
/** Hex digits of the spec digest kept in names: 48 bits, enough to keep images apart. */
const DIGEST_CHARS = 12;
/** Kubernetes' range of a preferredDuringScheduling term's weight. */
export const MIN_AFFINITY_WEIGHT = 1;
export const MAX_AFFINITY_WEIGHT = 100;

/** The sha256 digest of a spec's text as stored (what `--spec` read or the artifact layer held). */
export function specDigest(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In';
  values: string[];
}

/** corev1.NodeAffinity, as much of it as we write. */
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution: {
    nodeSelectorTerms: { matchExpressions: NodeSelectorRequirement[] }[];
  };
  preferredDuringSchedulingIgnoredDuringExecution: {
    weight: number;
    preference: { matchExpressions: NodeSelectorRequirement[] };
  }[];
}

/** One compatibility set as the scheduler sees it. */
export interface SchedulingSet {
  index: number;
  /** The node label a matching node gets, value "true". */
  label: string;
  /** The preferredDuringScheduling weight (the set's weight clamped to 1–100). */
  weight: number;
  tag: string | null;
  description: string | null;
}

export interface Scheduling {
  nodeFeatureRule: NodeFeatureRule;
  affinity: { nodeAffinity: NodeAffinity };
  sets: SchedulingSet[];
  /** What was changed on the way (clamped weights, dropped vars); for stderr. */
  warnings: string[];
}

export interface SchedulingOptions {
  /** The spec's digest (`sha256:<hex>`), see specDigest. */
  digest: string;
  /** Where the spec came from (a file, or IMAGE@artifact-digest), for an annotation. */
  source?: string;
  /** The NodeFeatureRule's name (default: nfd-compat-<digest prefix>). */
  name?: string;
}

function digestHex(digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  if (!/^[0-9a-f]{12,}$/.test(hex)) throw new Error(`not a sha256 digest: ${digest}`);
  return hex.slice(0, DIGEST_CHARS);
}

/** The label of set `index` of the spec with this digest: `compat.feature.node.kubernetes.io/<12 hex>-set-<index>`. */
export function setLabel(digest: string, index: number): string {
  return `${COMPAT_LABEL_NS}/${digestHex(digest)}-set-${index}`;
}

/** The var that rule `rule` of set `set` sets when it matches; the digest keeps specs apart in rule.matched. */
export function ruleVar(digest: string, set: number, rule: number): string {
  return `compat-${digestHex(digest)}-set-${set}-rule-${rule}`;
}

export function defaultRuleName(digest: string): string {
  return `nfd-compat-${digestHex(digest)}`;
}

/** A set's weight as a preferredDuringScheduling weight: Kubernetes takes 1–100; unset or 0 is 1. */
export function affinityWeight(weight: number | undefined): number {
  if (weight === undefined || weight < MIN_AFFINITY_WEIGHT) return MIN_AFFINITY_WEIGHT;
  return Math.min(weight, MAX_AFFINITY_WEIGHT);
}

function readsRuleMatched(terms: readonly FeatureMatcherTerm[] | undefined): boolean {
  return (terms ?? []).some((term) => term.feature === RULE_MATCHED);
}

/**
 * Refuses what a NodeFeatureRule cannot reproduce: `rule.matched` backreferences. In validate-node
 * every set shares one rule.matched, rules run with failFast off (so a rule whose matchAny failed
 * still publishes the vars of its matchFeatures' templates), and vars of earlier sets are visible
 * to later ones; in nfd-master rules run with failFast on, next to other NodeFeatureRules' vars.
 */
function checkTranslatable(spec: CompatibilitySpec): void {
  for (const [i, set] of spec.compatibilities.entries()) {
    for (const rule of set.rules) {
      const any = (rule.matchAny ?? []).some((element) => readsRuleMatched(element.matchFeatures));
      if (readsRuleMatched(rule.matchFeatures) || any) {
        throw new NfdError(
          'SPEC_INVALID',
          `compatibility set ${i}, rule ${JSON.stringify(rule.name)} matches ${RULE_MATCHED} (a backreference to other rules' vars); compat scheduling cannot translate it into a NodeFeatureRule with the same meaning`,
          {
            hint: 'write the referenced rule\'s terms into this rule instead, or check nodes with "compat validate-cluster" or "compat job"',
          },
        );
      }
    }
  }
}

function copyTerms(terms: readonly FeatureMatcherTerm[]): FeatureMatcherTerm[] {
  return structuredClone([...terms]);
}

/** A set's group rule as a NodeFeatureRule rule: the same terms, and one var when it matches. */
function translateRule(rule: GroupRule, name: string, variable: string): Rule {
  const out: Rule = { name };
  if (rule.matchFeatures !== undefined) out.matchFeatures = copyTerms(rule.matchFeatures);
  if (rule.matchAny !== undefined) {
    out.matchAny = rule.matchAny.map((element) => ({ matchFeatures: copyTerms(element.matchFeatures) }));
  }
  out.vars = { [variable]: 'true' };
  return out;
}

function requirement(label: string): NodeSelectorRequirement {
  return { key: label, operator: 'In', values: ['true'] };
}

/**
 * The NodeFeatureRule and nodeAffinity of a spec. Each set's rule j becomes a rule setting the
 * var `compat-<digest>-set-<i>-rule-<j>`; a last rule per set matches rule.matched with all of
 * them IsTrue and sets the set's label. Group rules' own vars and varsTemplate are dropped: only
 * rule.matched backreferences could read them, and those are refused.
 */
export function generateScheduling(spec: CompatibilitySpec, options: SchedulingOptions): Scheduling {
  checkTranslatable(spec);
  const warnings: string[] = [];
  const rules: Rule[] = [];
  const sets: SchedulingSet[] = [];
  for (const [i, set] of spec.compatibilities.entries()) {
    const label = setLabel(options.digest, i);
    const vars: string[] = [];
    for (const [j, rule] of set.rules.entries()) {
      if (rule.vars !== undefined || rule.varsTemplate !== undefined) {
        warnings.push(
          `compatibility set ${i}, rule ${JSON.stringify(rule.name)}: its vars are left out (nothing in the spec reads them)`,
        );
      }
      const variable = ruleVar(options.digest, i, j);
      vars.push(variable);
      rules.push(translateRule(rule, `set ${i} rule ${j}: ${rule.name}`, variable));
    }
    const final: Rule = { name: `set ${i}${set.description ? `: ${set.description}` : ''}` };
    if (vars.length > 0) {
      final.matchFeatures = [
        {
          feature: RULE_MATCHED,
          matchExpressions: Object.fromEntries(vars.map((variable) => [variable, { op: 'IsTrue' as const }])),
        },
      ];
    }
    final.labels = { [label]: 'true' };
    rules.push(final);
    const weight = affinityWeight(set.weight);
    if (set.weight !== undefined && set.weight !== 0 && set.weight !== weight) {
      warnings.push(
        `compatibility set ${i}: weight ${set.weight} is outside Kubernetes' ${MIN_AFFINITY_WEIGHT}–${MAX_AFFINITY_WEIGHT}; using ${weight}`,
      );
    }
    sets.push({
      index: i,
      label,
      weight,
      tag: set.tag !== undefined && set.tag !== '' ? set.tag : null,
      description: set.description !== undefined && set.description !== '' ? set.description : null,
    });
  }
  const annotations: Record<string, string> = { [`${COMPAT_ANNOTATION_NS}/spec-digest`]: options.digest };
  if (options.source !== undefined) annotations[`${COMPAT_ANNOTATION_NS}/source`] = options.source;
  const nodeFeatureRule: NodeFeatureRule = {
    apiVersion: NFD_API_VERSION,
    kind: 'NodeFeatureRule',
    metadata: {
      name: options.name ?? defaultRuleName(options.digest),
      labels: { 'app.kubernetes.io/managed-by': 'nfd' },
      annotations,
    },
    spec: { rules },
  };
  const nodeAffinity: NodeAffinity = {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: sets.map((set) => ({ matchExpressions: [requirement(set.label)] })),
    },
    preferredDuringSchedulingIgnoredDuringExecution: sets.map((set) => ({
      weight: set.weight,
      preference: { matchExpressions: [requirement(set.label)] },
    })),
  };
  return { nodeFeatureRule, affinity: { nodeAffinity }, sets, warnings };
}
