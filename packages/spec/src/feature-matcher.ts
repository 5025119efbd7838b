import { z } from 'zod';
import { MATCH_OPS, type MatchOp } from './match-ops.ts';
import { documented, oneOf, optionalField } from './schema-fields.ts';

// Upstream types: pkg/apis/nfd/nodefeaturerule/v1alpha1/types.go (MatchExpression, FeatureMatcherTerm, MatchAnyElem).

/** One test applied to an element (or to element names, for `matchName`). */
export interface MatchExpression {
  /** `''` when the YAML omits `op` (or sets it to null): upstream matches anything then. */
  op: MatchOp;
  value?: string[];
  /** `''` or `version` for the ordering operators; any string is accepted here, checks come later. */
  type?: string;
}

/** Matches one feature: every expression must match (AND), and `matchName` if present. */
export interface FeatureMatcherTerm {
  feature: string;
  /** Omitted and `{}` differ upstream (matching.md §3.2), so both are kept as written. */
  matchExpressions?: Record<string, MatchExpression>;
  matchName?: MatchExpression;
}

/** One alternative of `matchAny`: all of its terms must match. */
export interface MatchAnyElem {
  matchFeatures: FeatureMatcherTerm[];
}

export const MatchOpSchema: z.ZodType<MatchOp> = oneOf(['', ...MATCH_OPS]);

export const MatchExpressionSchema: z.ZodType<MatchExpression> = documented(
  z.strictObject({
    op: documented(
      MatchOpSchema.nullish().transform((op): MatchOp => op ?? ''),
      {
        description:
          'The operator: In, NotIn, InRegexp, Exists, DoesNotExist, Gt, Ge, Lt, Le, GtLt, GeLe, IsTrue or IsFalse ' +
          '(case-sensitive). Omitted, the expression matches anything.',
      },
    ),
    value: documented(optionalField(z.array(z.string())), {
      description:
        'The values to compare with, always strings (quote numbers: "10"). In, NotIn and InRegexp take at least one; ' +
        'Gt, Ge, Lt and Le exactly one; GtLt and GeLe exactly two; the other operators none.',
    }),
    type: documented(optionalField(z.string()), {
      description:
        'How Gt, Ge, Lt, Le, GtLt and GeLe compare: "" (integers, the default) or "version". Other operators ignore it.',
    }),
  }),
  { id: 'MatchExpression', description: 'A test applied to the value (or the name) of a feature element.' },
);

export const FeatureMatcherTermSchema: z.ZodType<FeatureMatcherTerm> = documented(
  z.strictObject({
    feature: documented(z.string(), {
      description:
        'The feature to match, `<domain>.<feature>`, for example kernel.loadedmodule or cpu.model.',
    }),
    matchExpressions: documented(optionalField(z.record(z.string(), MatchExpressionSchema)), {
      description: 'Expressions keyed by element name; all of them must match.',
    }),
    matchName: documented(optionalField(MatchExpressionSchema), {
      description: 'An expression applied to the element names of the feature.',
    }),
  }),
  { id: 'FeatureMatcherTerm', description: 'Matches one feature discovered by NFD.' },
);

export const MatchAnyElemSchema: z.ZodType<MatchAnyElem> = documented(
  z.strictObject({
    matchFeatures: documented(z.array(FeatureMatcherTermSchema), {
      description: 'Feature terms that must all match for this alternative to match.',
    }),
  }),
  { id: 'MatchAnyElem', description: 'One alternative of matchAny.' },
);
