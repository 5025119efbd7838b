// The results of running rules against a node, as @nfd/matcher produces them and @nfd/report renders
// them: `dryrun` (matching.md §7.1, §7.2, §9.3) and the validate-node report (upstream's
// CompatibilityStatus list; §7.4, §10).
import type { Taint } from './rule.ts';

/** One rule's raw outputs: keys as written, `@` values unresolved (§9.3). */
export interface RuleRunResult {
  name: string;
  matched: boolean;
  /** Set when the rule errored; it then produced nothing. */
  error?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  vars: Record<string, string>;
  extendedResources: Record<string, string>;
  taints: Taint[];
}

/** A NodeFeatureRule's dryrun: every rule's result, then the node's outputs. */
export interface DryrunResult {
  rules: RuleRunResult[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  extendedResources: Record<string, string>;
  taints: Taint[];
  /** One per errored rule, unresolvable dynamic value and invalid output. */
  errors: string[];
}

/** One NodeFeatureGroup rule's result. */
export interface GroupRuleRunResult {
  name: string;
  matched: boolean;
  error?: string;
  vars: Record<string, string>;
}

/** A NodeFeatureGroup's dryrun. */
export interface GroupDryrunResult {
  rules: GroupRuleRunResult[];
  /** Whether the node belongs to the group: any rule matched (§7.3). */
  matched: boolean;
  errors: string[];
}

/** What a node has where an expression looked (for `--explain`; not part of upstream's report). */
export interface HostFacts {
  /** Whether the node has the feature at all (under any type). */
  featurePresent: boolean;
  /** For an element expression: whether it is a flag of the node. */
  flag?: boolean;
  /** The attribute value, when the node has the element as an attribute. */
  value?: string;
  /** The element's value in each instance of the feature (null: the instance lacks it). */
  instances?: (string | null)[];
  /** For matchName: the element names of the feature (at most 50). */
  names?: string[];
}

/** The expression as the report shows it: `value` omitted when empty, `type` when "". */
export interface ReportedExpression {
  op: string;
  value?: string[];
  type?: string;
}

export interface MatchedExpressionStatus {
  feature: string;
  name: string;
  expression: ReportedExpression;
  matcherType: 'matchExpression' | 'matchName';
  isMatch: boolean;
  /** With `explain`: what the node has for this expression (not in upstream's report). */
  host?: HostFacts;
}

export interface MatchAnyStatus {
  matchedExpressions: MatchedExpressionStatus[] | null;
}

export interface RuleStatus {
  name: string;
  isMatch: boolean;
  matchedExpressions?: MatchedExpressionStatus[];
  matchedAny?: MatchAnyStatus[];
}

/** One compatibility set's result, upstream's CompatibilityStatus. */
export interface CompatibilityStatus {
  rules: RuleStatus[] | null;
  description?: string;
  weight?: number;
  tag?: string;
}
