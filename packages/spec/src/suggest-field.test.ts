import { describe, expect, it } from 'vitest';
import { editDistance, suggestField } from './suggest-field.ts';

describe('editDistance', () => {
  it.each<[string, string, number]>([
    ['', '', 0],
    ['abc', '', 3],
    ['op', 'OP', 0],
    ['matchExpresions', 'matchExpressions', 1],
    ['matchFaetures', 'matchFeatures', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3],
  ])('%s / %s = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('suggestField', () => {
  const term = ['feature', 'matchExpressions', 'matchName'];

  it('suggests the closest field for a typo', () => {
    expect(suggestField('matchExpresions', term)).toBe('matchExpressions');
    expect(suggestField('MatchName', term)).toBe('matchName');
    expect(suggestField('features', term)).toBe('feature');
    expect(suggestField('values', ['op', 'value', 'type'])).toBe('value');
    expect(suggestField('Op', ['op', 'value', 'type'])).toBe('op');
  });

  it('suggests nothing when no field is close', () => {
    expect(suggestField('foo', ['op', 'value', 'type'])).toBeUndefined();
    expect(suggestField('pci.device', term)).toBeUndefined();
    expect(suggestField('x', [])).toBeUndefined();
  });
});
