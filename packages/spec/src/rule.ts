import { z } from 'zod';
import {
  type FeatureMatcherTerm,
  FeatureMatcherTermSchema,
  type MatchAnyElem,
  MatchAnyElemSchema,
} from './feature-matcher.ts';
import { documented, optionalField } from './schema-fields.ts';

// Upstream types: pkg/apis/nfd/nodefeaturerule/v1alpha1/types.go (Rule, GroupRule) and corev1.Taint.

/** A Kubernetes taint that a matching NodeFeatureRule puts on the node. */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
  /** Ignored by NFD; accepted because corev1.Taint has it. */
  timeAdded?: string;
}

/** A rule of a NodeFeatureRule (matching.md §1.3). */
export interface Rule {
  name: string;
  labels?: Record<string, string>;
  labelsTemplate?: string;
  annotations?: Record<string, string>;
  vars?: Record<string, string>;
  varsTemplate?: string;
  taints?: Taint[];
  extendedResources?: Record<string, string>;
  matchFeatures?: FeatureMatcherTerm[];
  matchAny?: MatchAnyElem[];
}

/** A rule of a NodeFeatureGroup or of an image compatibility set (matching.md §1.4). */
export interface GroupRule {
  name: string;
  vars?: Record<string, string>;
  varsTemplate?: string;
  matchFeatures?: FeatureMatcherTerm[];
  matchAny?: MatchAnyElem[];
}

const stringMap = z.record(z.string(), z.string());

export const TaintSchema: z.ZodType<Taint> = z.strictObject({
  key: z.string(),
  value: optionalField(z.string()),
  // Optional here so that `validate` reports a missing effect as upstream does ("empty taint effect").
  effect: z.string().default(''),
  timeAdded: optionalField(z.string()),
});

const ruleName = documented(z.string(), {
  description: 'The rule name, shown in reports; unique within a set.',
});
const vars = documented(optionalField(stringMap), {
  description: 'Variables set when the rule matches; visible to later rules only.',
});
const varsTemplate = documented(optionalField(z.string()), {
  description: 'A Go template producing more variables, one `key=value` per line.',
});
const matchFeatures = documented(optionalField(z.array(FeatureMatcherTermSchema)), {
  description: 'Feature terms that must all match (AND).',
});
const matchAny = documented(optionalField(z.array(MatchAnyElemSchema)), {
  description: 'Alternatives of which at least one must match (OR).',
});

export const RuleSchema: z.ZodType<Rule> = z.strictObject({
  name: ruleName,
  labels: optionalField(stringMap),
  labelsTemplate: optionalField(z.string()),
  annotations: optionalField(stringMap),
  vars,
  varsTemplate,
  taints: optionalField(z.array(TaintSchema)),
  extendedResources: optionalField(stringMap),
  matchFeatures,
  matchAny,
});

export const GroupRuleSchema: z.ZodType<GroupRule> = documented(
  z.strictObject({ name: ruleName, vars, varsTemplate, matchFeatures, matchAny }),
  {
    id: 'GroupRule',
    description:
      'A rule as in a NodeFeatureGroup: it matches when all of matchFeatures and at least one of matchAny match.',
  },
);
