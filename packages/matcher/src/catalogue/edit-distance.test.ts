import { describe, expect, it } from 'vitest';
import { closestNames, editDistance } from './edit-distance.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps', () => {
    expect(editDistance('model', 'model')).toBe(0);
    expect(editDistance('modle', 'model')).toBe(1);
    expect(editDistance('vendr', 'vendor')).toBe(1);
    expect(editDistance('vendor', 'vendor_id')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('is case-sensitive', () => {
    expect(editDistance('avx', 'AVX')).toBe(3);
  });
});

describe('closestNames', () => {
  it('suggests names within one edit per three characters, ignoring case', () => {
    expect(closestNames('cpu.modle', ['cpu.model', 'cpu.rdt'])).toEqual(['cpu.model']);
    expect(closestNames('avx512f', ['AVX512F', 'AVX512FP16'])).toEqual(['AVX512F']);
    expect(closestNames('foo', ['cpu.model'])).toEqual([]);
  });

  it('returns every candidate at the best distance', () => {
    expect(closestNames('ab', ['ac', 'ad', 'abcd'])).toEqual(['ac', 'ad']);
  });
});
