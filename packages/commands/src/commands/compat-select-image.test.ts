import type { CompatibilitySpec } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { bestSet, type ImageChoice, parseImagesFile, rankImages } from './compat-select-image.ts';

const spec = {
  version: 'v1alpha1',
  compatibilities: [
    { tag: 'a', weight: 5, rules: [] },
    { tag: 'b', weight: 10, description: 'heavy', rules: [] },
    { weight: 10, rules: [] },
  ],
} as CompatibilitySpec;

const matched = { rules: [{ name: 'r', isMatch: true }] };
const failed = { rules: [{ name: 'r', isMatch: false }] };

describe('select-image ranking', () => {
  it('picks the fully matching set with the highest weight, the first of equals', () => {
    expect(bestSet(spec, [matched, matched, matched])).toEqual({
      index: 1,
      tag: 'b',
      weight: 10,
      description: 'heavy',
    });
    expect(bestSet(spec, [matched, failed, matched])).toEqual({
      index: 2,
      tag: null,
      weight: 10,
      description: null,
    });
    expect(bestSet(spec, [failed, failed, failed])).toBeNull();
  });

  it('counts a set without rules as matched', () => {
    expect(bestSet(spec, [{ rules: null }, failed, failed])?.index).toBe(0);
  });

  it('ranks compatible images by weight, then input order; the others keep their order', () => {
    const choice = (image: string, weight: number | null): ImageChoice => ({
      image,
      digest: null,
      compatible: weight !== null,
      bestSet: weight === null ? null : { index: 0, tag: null, weight, description: null },
    });
    const ranked = rankImages([
      choice('x', null),
      choice('light', 1),
      choice('heavy', 9),
      choice('y', null),
      choice('heavy2', 9),
    ]);
    expect(ranked.map((c) => c.image)).toEqual(['heavy', 'heavy2', 'light', 'x', 'y']);
  });

  it('reads an images file with comments and blank lines', () => {
    expect(parseImagesFile('# matrix\nreg/app:v3  # optimized\n\n  reg/app:v1\n')).toEqual([
      'reg/app:v3',
      'reg/app:v1',
    ]);
  });
});
