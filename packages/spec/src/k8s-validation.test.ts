import { describe, expect, it } from 'vitest';
import { labelValueErrors, qualifiedNameErrors, quantityError } from './k8s-validation.ts';

describe('qualifiedNameErrors (k8s IsQualifiedName)', () => {
  it.each(['a', 'feature.node.kubernetes.io/cpu-avx', 'vendor.io/My_Name.x', `x/${'a'.repeat(63)}`])(
    'accepts %s',
    (key) => {
      expect(qualifiedNameErrors(key)).toEqual([]);
    },
  );

  it.each([
    ['', 'name part must be non-empty'],
    ['/a', 'prefix part must be non-empty'],
    ['a/b/c', 'a valid label key must consist of'],
    ['Vendor.io/a', 'prefix part a lowercase RFC 1123 subdomain'],
    ['-a', 'name part must consist of'],
    ['a.', 'name part must consist of'],
    [`x/${'a'.repeat(64)}`, 'name part must be no more than 63 bytes'],
    [`${'a'.repeat(254)}/x`, 'prefix part must be no more than 253 bytes'],
  ])('rejects %j', (key, message) => {
    expect(qualifiedNameErrors(key).join('; ')).toContain(message);
  });
});

describe('labelValueErrors (k8s IsValidLabelValue)', () => {
  it('accepts empty and well-formed values', () => {
    for (const value of ['', 'true', 'a-b_c.d', '0200', 'a'.repeat(63)])
      expect(labelValueErrors(value)).toEqual([]);
  });

  it('rejects long or badly formed values', () => {
    expect(labelValueErrors('a'.repeat(64))).toEqual(['must be no more than 63 bytes']);
    // Go's len(): 32 two-byte characters are 64 bytes.
    expect(labelValueErrors('é'.repeat(32))[0]).toBe('must be no more than 63 bytes');
    expect(labelValueErrors('-x')[0]).toMatch(/^a valid label must be an empty string/);
    expect(labelValueErrors('a b')).toHaveLength(1);
  });
});

describe('quantityError (matching.md §8.4)', () => {
  it.each([
    '0',
    '123',
    '1.5',
    '100m',
    '1Gi',
    '2e3',
    '+7',
    '-5',
    '1E',
    '1e-3',
    '.',
    '+',
    '1.',
    '5Ki',
    '3n',
    'Gi',
  ])('accepts %s', (value) => {
    expect(quantityError(value)).toBeUndefined();
  });

  it.each(['', '1Gb', 'abc', '1 ', '1e', '1Ki-3', '1m+', '0.5.5', 'x1'])('rejects %j', (value) => {
    expect(quantityError(value)).toBeDefined();
  });
});
