import { describe, expect, it } from 'vitest';
import {
  describeValueCount,
  isMatchOp,
  isValueCountAllowed,
  MATCH_OPS,
  type MatchOp,
  valueCountForOp,
} from './match-ops.ts';

describe('operator table', () => {
  it('lists the 13 upstream operators', () => {
    expect(MATCH_OPS).toHaveLength(13);
    expect(new Set(MATCH_OPS).size).toBe(13);
  });

  it.each<[MatchOp, number, boolean]>([
    ['In', 0, false],
    ['In', 1, true],
    ['NotIn', 5, true],
    ['InRegexp', 0, false],
    ['Gt', 1, true],
    ['Le', 2, false],
    ['GtLt', 1, false],
    ['GeLe', 2, true],
    ['GeLe', 3, false],
    ['Exists', 0, true],
    ['DoesNotExist', 1, false],
    ['IsTrue', 0, true],
    ['IsFalse', 1, false],
    ['', 0, true],
    ['', 1, false],
  ])('%s with %i values allowed: %s', (op, count, allowed) => {
    expect(isValueCountAllowed(op, count)).toBe(allowed);
  });

  it('describes counts', () => {
    expect(describeValueCount(valueCountForOp('In'))).toBe('at least 1 value');
    expect(describeValueCount(valueCountForOp('Gt'))).toBe('exactly 1 value');
    expect(describeValueCount(valueCountForOp('GtLt'))).toBe('exactly 2 values');
    expect(describeValueCount(valueCountForOp('Exists'))).toBe('no values');
  });

  it('recognises operators case-sensitively', () => {
    expect(isMatchOp('In')).toBe(true);
    expect(isMatchOp('')).toBe(true);
    expect(isMatchOp('in')).toBe(false);
    expect(isMatchOp('toString')).toBe(false);
    expect(isMatchOp(1)).toBe(false);
  });
});
