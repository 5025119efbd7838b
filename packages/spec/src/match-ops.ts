// The operator table of upstream pkg/apis/nfd/nodefeaturerule/expression.go (matching.md §2).

/** The 13 operators a user may write, in upstream's order. */
export const MATCH_OPS = [
  'In',
  'NotIn',
  'InRegexp',
  'Exists',
  'DoesNotExist',
  'Gt',
  'Ge',
  'Lt',
  'Le',
  'GtLt',
  'GeLe',
  'IsTrue',
  'IsFalse',
] as const;

/** An operator, or `''`: upstream's internal MatchAny, which is what an omitted `op` means (Q32). */
export type MatchOp = '' | (typeof MATCH_OPS)[number];

/** How many items `value` must hold for an operator: `min` to `max` inclusive. */
export interface ValueCount {
  readonly min: number;
  readonly max: number;
}

const NONE: ValueCount = { min: 0, max: 0 };
const AT_LEAST_ONE: ValueCount = { min: 1, max: Number.POSITIVE_INFINITY };
const ONE: ValueCount = { min: 1, max: 1 };
const TWO: ValueCount = { min: 2, max: 2 };

const VALUE_COUNTS: Readonly<Record<MatchOp, ValueCount>> = {
  '': NONE,
  In: AT_LEAST_ONE,
  NotIn: AT_LEAST_ONE,
  InRegexp: AT_LEAST_ONE,
  Exists: NONE,
  DoesNotExist: NONE,
  Gt: ONE,
  Ge: ONE,
  Lt: ONE,
  Le: ONE,
  GtLt: TWO,
  GeLe: TWO,
  IsTrue: NONE,
  IsFalse: NONE,
};

/** The number of values `op` accepts (matching.md §2 table). */
export function valueCountForOp(op: MatchOp): ValueCount {
  return VALUE_COUNTS[op];
}

/** Whether `op` with `count` values is well-formed. */
export function isValueCountAllowed(op: MatchOp, count: number): boolean {
  const { min, max } = VALUE_COUNTS[op];
  return count >= min && count <= max;
}

/** "no values", "at least 1 value", "exactly 2 values". */
export function describeValueCount(count: ValueCount): string {
  if (count.max === 0) return 'no values';
  if (count.max === Number.POSITIVE_INFINITY)
    return `at least ${count.min} value${count.min === 1 ? '' : 's'}`;
  return `exactly ${count.min} value${count.min === 1 ? '' : 's'}`;
}

/** The operators that read `type` (`''` or `version`); every other operator ignores it. */
export const TYPED_MATCH_OPS: readonly MatchOp[] = ['Gt', 'Ge', 'Lt', 'Le', 'GtLt', 'GeLe'];

/** The values `type` may take: `''` compares integers, `version` compares versions (matching.md §2.2). */
export const VALUE_TYPES: readonly ['', 'version'] = ['', 'version'];

/** Whether `op` is one of the 13 operators or `''`. */
export function isMatchOp(op: unknown): op is MatchOp {
  return typeof op === 'string' && Object.hasOwn(VALUE_COUNTS, op);
}
