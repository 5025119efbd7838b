import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CompatibilitySpecSchema } from './compatibility-spec.ts';
import { MatchExpressionSchema } from './feature-matcher.ts';
import { fieldsAt } from './schema-issues.ts';

describe('fieldsAt', () => {
  it('walks objects, lists, records and optional wrappers', () => {
    expect(fieldsAt(CompatibilitySpecSchema, [])).toEqual(['version', 'compatibilities']);
    expect(fieldsAt(CompatibilitySpecSchema, ['compatibilities', 0])).toEqual([
      'rules',
      'weight',
      'tag',
      'description',
    ]);
    expect(
      fieldsAt(CompatibilitySpecSchema, [
        'compatibilities',
        0,
        'rules',
        3,
        'matchAny',
        0,
        'matchFeatures',
        1,
      ]),
    ).toEqual(['feature', 'matchExpressions', 'matchName']);
    expect(
      fieldsAt(CompatibilitySpecSchema, [
        'compatibilities',
        0,
        'rules',
        0,
        'matchFeatures',
        0,
        'matchExpressions',
        'vfio-pci',
      ]),
    ).toEqual(['op', 'value', 'type']);
  });

  it('gives nothing for a path that leaves the schema', () => {
    expect(fieldsAt(CompatibilitySpecSchema, ['nope'])).toEqual([]);
    expect(fieldsAt(CompatibilitySpecSchema, ['version', 'x'])).toEqual([]);
  });
});

describe('schema messages without the loader', () => {
  it('words enum errors for z.prettifyError users too', () => {
    const result = MatchExpressionSchema.safeParse({ op: 'in' });
    expect(result.success).toBe(false);
    expect(result.error && z.prettifyError(result.error)).toContain(
      'expected one of In, NotIn, InRegexp, Exists, DoesNotExist, Gt, Ge, Lt, Le, GtLt, GeLe, IsTrue, IsFalse; got "in"',
    );
  });

  it('never coerces a number into a string', () => {
    expect(MatchExpressionSchema.safeParse({ op: 'In', value: [10] }).success).toBe(false);
  });
});
