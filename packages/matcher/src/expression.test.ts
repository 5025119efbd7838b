import type { MatchExpression, MatchOp } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import {
  checkExpression,
  compileExpression,
  ExpressionError,
  type ExpressionErrorKind,
  evaluateExpression,
  formatExpression,
} from './expression.ts';

function e(op: string, value?: string[], type?: string): MatchExpression {
  // Unknown operators arrive from untyped YAML; the cast lets tests build them.
  return {
    op: op as MatchOp,
    ...(value === undefined ? {} : { value }),
    ...(type === undefined ? {} : { type }),
  };
}

/** Both evaluation paths, which must agree on results and on errors. */
function both(expression: MatchExpression, present: boolean, value: string | undefined): boolean {
  const direct = evaluateExpression(expression, present, value);
  expect(compileExpression(expression).evaluate(present, value)).toBe(direct);
  return direct;
}

function errorOf(expression: MatchExpression, present: boolean, value: string | undefined): ExpressionError {
  let direct: unknown;
  let compiled: unknown;
  try {
    evaluateExpression(expression, present, value);
  } catch (error) {
    direct = error;
  }
  try {
    compileExpression(expression).evaluate(present, value);
  } catch (error) {
    compiled = error;
  }
  expect(direct).toBeInstanceOf(ExpressionError);
  expect(compiled).toBeInstanceOf(ExpressionError);
  expect((compiled as ExpressionError).message).toBe((direct as ExpressionError).message);
  expect((compiled as ExpressionError).kind).toBe((direct as ExpressionError).kind);
  return direct as ExpressionError;
}

// [expression, present, value, expected]: absent = (false, undefined); flag = (true, undefined).
type Case = [MatchExpression, boolean, string | undefined, boolean];
const ABSENT = [false, undefined] as const;
const FLAG = [true, undefined] as const;

describe('evaluateExpression results (§2)', () => {
  const cases: Case[] = [
    // '' matches anything, present or not.
    [e(''), ...ABSENT, true],
    [e(''), ...FLAG, true],
    [e(''), true, 'x', true],
    [e('', []), ...ABSENT, true],
    // Exists / DoesNotExist look at presence only.
    [e('Exists'), ...ABSENT, false],
    [e('Exists'), ...FLAG, true],
    [e('Exists'), true, '', true],
    [e('DoesNotExist'), ...ABSENT, true],
    [e('DoesNotExist'), ...FLAG, false],
    [e('DoesNotExist'), true, 'x', false],
    // In / NotIn: exact, case-sensitive.
    [e('In', ['a', 'b']), true, 'b', true],
    [e('In', ['a', 'b']), true, 'B', false],
    [e('In', ['a']), true, ' a', false],
    [e('In', ['']), true, '', true],
    [e('In', ['a']), ...ABSENT, false],
    [e('In', ['a']), ...FLAG, false],
    [e('In', ['1.0'], 'version'), true, '1.0.0', false], // type ignored: string compare
    [e('In', ['1.0'], 'bogus'), true, '1.0', true],
    [e('NotIn', ['a', 'b']), true, 'c', true],
    [e('NotIn', ['a', 'b']), true, 'a', false],
    [e('NotIn', ['a']), ...ABSENT, false], // Q2: NotIn never matches an absent element
    [e('NotIn', ['a']), ...FLAG, false], // Q2: nor a flag
    // InRegexp: search anywhere, RE2 syntax, any pattern.
    [e('InRegexp', ['^a', 'z$']), true, 'xyz', true],
    [e('InRegexp', ['b+']), true, 'abbbc', true],
    [e('InRegexp', ['^b']), true, 'abc', false],
    [e('InRegexp', ['(?i)intel']), true, 'GenuineIntel', true],
    [e('InRegexp', ['^.$']), true, '😀', true],
    [e('InRegexp', ['a']), ...ABSENT, false],
    [e('InRegexp', ['a']), ...FLAG, false],
    // Ordering on integers.
    [e('Gt', ['5']), true, '6', true],
    [e('Gt', ['5']), true, '5', false],
    [e('Ge', ['5']), true, '5', true],
    [e('Ge', ['5']), true, '4', false],
    [e('Lt', ['5']), true, '4', true],
    [e('Lt', ['5']), true, '5', false],
    [e('Le', ['5']), true, '5', true],
    [e('Le', ['5']), true, '6', false],
    [e('Gt', ['-1']), true, '+0', true],
    [e('Gt', ['7']), true, '008', true],
    [e('Lt', ['-9223372036854775808']), true, '-9223372036854775808', false],
    [e('Le', ['9223372036854775807']), true, '9223372036854775807', true],
    [e('Gt', ['9007199254740992']), true, '9007199254740993', true], // beyond Number precision
    [e('Lt', ['9007199254740993']), true, '9007199254740992', true],
    [e('Gt', ['x']), ...ABSENT, false],
    [e('Gt', ['5']), ...FLAG, false],
    // Ordering on versions (pre-release dropped, Q4).
    [e('Gt', ['5.4'], 'version'), true, '5.15.0-1034-azure', true],
    [e('Ge', ['2.0.0-alpha'], 'version'), true, '2.0.0', true],
    [e('Gt', ['2.0.0-alpha'], 'version'), true, '2.0.0', false],
    [e('Lt', ['1.2.3'], 'version'), true, '1.2.3-rc1', false],
    [e('Le', ['1.2.3'], 'version'), true, 'v1.2.3+meta', true],
    [e('Lt', ['1.10'], 'version'), true, '1.9', true],
    // Ranges on integers.
    [e('GtLt', ['1', '5']), true, '3', true],
    [e('GtLt', ['1', '5']), true, '1', false],
    [e('GtLt', ['1', '5']), true, '5', false],
    [e('GeLe', ['1', '5']), true, '1', true],
    [e('GeLe', ['1', '5']), true, '5', true],
    [e('GeLe', ['1', '5']), true, '6', false],
    [e('GtLt', ['-9223372036854775808', '9223372036854775807']), true, '0', true],
    // Ranges on versions: equal and reversed bounds are no error (Q3).
    [e('GtLt', ['1.0', '2.0'], 'version'), true, '1.5.3', true],
    [e('GtLt', ['1.0', '2.0'], 'version'), true, '2.0.0-rc1', false],
    [e('GeLe', ['1.0', '2.0'], 'version'), true, '2.0.0-rc1', true],
    [e('GeLe', ['1.2', '1.2'], 'version'), true, '1.2.0', true],
    [e('GeLe', ['2.0', '1.0'], 'version'), true, '1.5', false],
    [e('GtLt', ['2.0', '1.0'], 'version'), true, '1.5', false],
    // IsTrue / IsFalse: exact strings.
    [e('IsTrue'), true, 'true', true],
    [e('IsTrue'), true, 'True', false],
    [e('IsTrue'), true, 'TRUE', false],
    [e('IsTrue'), true, '1', false],
    [e('IsTrue'), true, ' true', false],
    [e('IsTrue'), ...ABSENT, false],
    [e('IsTrue'), ...FLAG, false],
    [e('IsFalse'), true, 'false', true],
    [e('IsFalse'), true, 'False', false],
    [e('IsFalse'), true, '0', false],
    [e('IsFalse'), ...ABSENT, false],
    [e('IsFalse'), ...FLAG, false],
  ];

  it.each(cases)('%j present=%s value=%j → %s', (expression, present, value, expected) => {
    expect(both(expression, present, value)).toBe(expected);
  });
});

describe('value-list problems stay hidden for absent elements and flags (Q1, Q2)', () => {
  const malformed: MatchExpression[] = [
    e('In'),
    e('In', []),
    e('NotIn'),
    e('InRegexp'),
    e('InRegexp', ['a(?=b)']),
    e('Gt'),
    e('Gt', ['1', '2']),
    e('Gt', ['x']),
    e('Gt', ['1'], 'bogus'),
    e('Le', ['x'], 'version'),
    e('GtLt', ['1']),
    e('GtLt', ['5', '1']),
    e('GeLe', ['5', '5']),
    e('GeLe', ['1', '2'], 'semver'),
    e('IsTrue', ['true']),
    e('IsFalse', ['x']),
  ];
  it.each(malformed)('%j is false on an absent element', (expression) => {
    expect(both(expression, false, undefined)).toBe(false);
  });
  it.each(malformed)('%j is false on a flag', (expression) => {
    expect(both(expression, true, undefined)).toBe(false);
  });
  it.each(malformed)('%j compiles without error', (expression) => {
    expect(() => compileExpression(expression)).not.toThrow();
  });
});

describe('expression errors (§2.4)', () => {
  // [expression, present, value, kind, exact message]
  const cases: [MatchExpression, boolean, string | undefined, ExpressionErrorKind, string][] = [
    // Step 1 runs even for absent elements.
    [e('in', ['a']), false, undefined, 'unknown-op', 'unknown operator "in"'],
    [e('Foo'), true, 'x', 'unknown-op', 'unknown operator "Foo"'],
    [e('Equals', ['a']), true, undefined, 'unknown-op', 'unknown operator "Equals"'],
    // Step 2 runs even for absent elements.
    [e('', ['x']), false, undefined, 'value-count', 'op "" (match anything) takes no values, got ["x"]'],
    [e('Exists', ['x']), true, undefined, 'value-count', 'Exists takes no values, got ["x"]'],
    [
      e('DoesNotExist', ['a', 'b']),
      false,
      undefined,
      'value-count',
      'DoesNotExist takes no values, got ["a","b"]',
    ],
    // Step 4: value counts.
    [e('In'), true, 'x', 'value-count', 'In needs at least 1 value, got []'],
    [e('NotIn', []), true, 'x', 'value-count', 'NotIn needs at least 1 value, got []'],
    [e('InRegexp'), true, 'x', 'value-count', 'InRegexp needs at least 1 value, got []'],
    [e('Gt'), true, '5', 'value-count', 'Gt needs exactly 1 value, got []'],
    [e('Ge', ['1', '2']), true, '5', 'value-count', 'Ge needs exactly 1 value, got ["1","2"]'],
    [e('Lt', ['1', '2'], 'bogus'), true, 'x', 'value-count', 'Lt needs exactly 1 value, got ["1","2"]'],
    [e('Le'), true, '5', 'value-count', 'Le needs exactly 1 value, got []'],
    [e('GtLt', ['1']), true, '5', 'value-count', 'GtLt needs exactly 2 values, got ["1"]'],
    [e('GeLe', ['1', '2', '3']), true, '5', 'value-count', 'GeLe needs exactly 2 values, got ["1","2","3"]'],
    [e('IsTrue', ['true']), true, 'true', 'value-count', 'IsTrue takes no values, got ["true"]'],
    [e('IsFalse', ['false']), true, 'false', 'value-count', 'IsFalse takes no values, got ["false"]'],
    // Regexes: all compile first, so a bad later pattern errors even when an earlier one matches.
    [
      e('InRegexp', ['a(?=b)']),
      true,
      'ab',
      'invalid-regex',
      'invalid regular expression "a(?=b)": invalid or unsupported Perl syntax: `(?=` (in InRegexp ["a(?=b)"])',
    ],
    [
      e('InRegexp', ['^x', '(a)\\1']),
      true,
      'x',
      'invalid-regex',
      'invalid regular expression "(a)\\\\1": invalid escape sequence: `\\1` (in InRegexp ["^x","(a)\\\\1"])',
    ],
    // Integers: the element's value is parsed before the expression's.
    [e('Gt', ['5']), true, 'abc', 'not-a-number', '"abc" is not a number (in Gt ["5"])'],
    [e('Gt', ['x']), true, 'abc', 'not-a-number', '"abc" is not a number (in Gt ["x"])'],
    [e('Lt', ['x']), true, '5', 'not-a-number', '"x" is not a number (in Lt ["x"])'],
    [e('Ge', ['5']), true, ' 5', 'not-a-number', '" 5" is not a number (in Ge ["5"])'],
    [e('Le', ['0x10']), true, '5', 'not-a-number', '"0x10" is not a number (in Le ["0x10"])'],
    [
      e('Gt', ['1']),
      true,
      '9223372036854775808',
      'not-a-number',
      '"9223372036854775808" is not a number (in Gt ["1"])',
    ],
    [e('Gt', ['1']), true, '1.5', 'not-a-number', '"1.5" is not a number (in Gt ["1"])'],
    [e('GtLt', ['1', '5']), true, 'x', 'not-a-number', '"x" is not a number (in GtLt ["1","5"])'],
    [e('GtLt', ['a', 'b']), true, '3', 'not-a-number', '"a" is not a number (in GtLt ["a","b"])'],
    [e('GtLt', ['1', 'b']), true, '3', 'not-a-number', '"b" is not a number (in GtLt ["1","b"])'],
    // Integer range bounds must increase, even for GeLe (Q3), checked after parsing.
    [
      e('GtLt', ['5', '1']),
      true,
      '3',
      'range-bounds',
      'GtLt needs its first value to be smaller than its second, got ["5","1"]',
    ],
    [
      e('GeLe', ['5', '5']),
      true,
      '5',
      'range-bounds',
      'GeLe needs its first value to be smaller than its second, got ["5","5"]',
    ],
    [e('GeLe', ['5', '5']), true, 'x', 'not-a-number', '"x" is not a number (in GeLe ["5","5"])'],
    // Versions.
    [
      e('Gt', ['1.0'], 'version'),
      true,
      'V1.2',
      'not-a-version',
      '"V1.2" is not a version (in Gt ["1.0"] type "version")',
    ],
    [
      e('Ge', ['1.2.3.4'], 'version'),
      true,
      '1.0',
      'not-a-version',
      '"1.2.3.4" is not a version (in Ge ["1.2.3.4"] type "version")',
    ],
    [
      e('GeLe', ['1.0', 'x'], 'version'),
      true,
      '1.0',
      'not-a-version',
      '"x" is not a version (in GeLe ["1.0","x"] type "version")',
    ],
    // Any other type, checked after the value count and before parsing anything.
    [
      e('Gt', ['1'], 'Version'),
      true,
      'x',
      'unsupported-type',
      'Gt does not support type "Version" (only "version", or no type for integers)',
    ],
    [
      e('GtLt', ['1', '2'], 'int'),
      true,
      '1',
      'unsupported-type',
      'GtLt does not support type "int" (only "version", or no type for integers)',
    ],
  ];

  it.each(cases)('%j present=%s value=%j → %s', (expression, present, value, kind, message) => {
    const error = errorOf(expression, present, value);
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(message);
    expect(error.reason).toBe(message);
    expect(error.expression).toBe(expression);
    expect(error.name).toBe('ExpressionError');
  });

  it('errors only when reached: a compiled expression with bad values still matches nothing silently', () => {
    const compiled = compileExpression(e('GtLt', ['5', '1']));
    expect(compiled.evaluate(false, undefined)).toBe(false);
    expect(() => compiled.evaluate(true, '3')).toThrow(ExpressionError);
    // Throws a fresh error every time.
    let first: unknown;
    let second: unknown;
    try {
      compiled.evaluate(true, '3');
    } catch (error) {
      first = error;
    }
    try {
      compiled.evaluate(true, '3');
    } catch (error) {
      second = error;
    }
    expect(first).not.toBe(second);
  });
});

describe('matchName style evaluation (names as values)', () => {
  it('evaluates value operators on the name', () => {
    expect(both(e('InRegexp', ['^AVX']), true, 'AVX512F')).toBe(true);
    expect(both(e('In', ['key2']), true, 'key1')).toBe(false);
    expect(() => evaluateExpression(e('Gt', ['1']), true, 'name')).toThrow(
      '"name" is not a number (in Gt ["1"])',
    );
  });
});

describe('formatExpression', () => {
  it.each([
    [e('Gt', ['5']), 'Gt ["5"]'],
    [e('Exists'), 'Exists []'],
    [e(''), 'op "" (match anything) []'],
    [e('Gt', ['5'], 'version'), 'Gt ["5"] type "version"'],
  ])('%j → %s', (expression, text) => {
    expect(formatExpression(expression)).toBe(text);
  });
});

describe('checkExpression (static, beyond upstream)', () => {
  it.each([
    [e(''), []],
    [e('Exists'), []],
    [e('In', ['a']), []],
    [e('InRegexp', ['^a', '(?i)b']), []],
    [e('Gt', ['5']), []],
    [e('Gt', ['5'], 'version'), []],
    [e('Gt', ['v5.4.0-rc1'], 'version'), []],
    [e('GtLt', ['1', '5']), []],
    [e('GeLe', ['5', '1'], 'version'), []], // versions: no bound check (Q3)
    [e('GeLe', ['1', '1'], 'version'), []],
    [e('IsTrue'), []],
    [e('In', ['a'], 'bogus'), []], // type is ignored by In
    [e('in', ['a']), ['unknown operator "in"']],
    [e('Exists', ['x']), ['Exists takes no values, got ["x"]']],
    [e('', ['x']), ['op "" (match anything) takes no values, got ["x"]']],
    [e('In'), ['In needs at least 1 value, got []']],
    [e('IsFalse', ['false']), ['IsFalse takes no values, got ["false"]']],
    [e('Gt', ['1', '2']), ['Gt needs exactly 1 value, got ["1","2"]']],
    [e('Gt', ['x']), ['"x" is not a number (in Gt ["x"])']],
    [
      e('Gt', ['x', 'y']),
      [
        'Gt needs exactly 1 value, got ["x","y"]',
        '"x" is not a number (in Gt ["x","y"])',
        '"y" is not a number (in Gt ["x","y"])',
      ],
    ],
    [e('Lt', ['1.2.3.4'], 'version'), ['"1.2.3.4" is not a version (in Lt ["1.2.3.4"] type "version")']],
    [
      e('Lt', ['1'], 'Version'),
      ['Lt does not support type "Version" (only "version", or no type for integers)'],
    ],
    [e('GtLt', ['5', '1']), ['GtLt needs its first value to be smaller than its second, got ["5","1"]']],
    [e('GeLe', ['5', '5']), ['GeLe needs its first value to be smaller than its second, got ["5","5"]']],
    [e('GtLt', ['5']), ['GtLt needs exactly 2 values, got ["5"]']],
    [
      e('InRegexp', ['a(?=b)', 'ok', '\\Z']),
      [
        'invalid regular expression "a(?=b)": invalid or unsupported Perl syntax: `(?=` (in InRegexp ["a(?=b)","ok","\\\\Z"])',
        'invalid regular expression "\\\\Z": invalid escape sequence: `\\Z` (in InRegexp ["a(?=b)","ok","\\\\Z"])',
      ],
    ],
  ])('%j → %j', (expression, problems) => {
    expect(checkExpression(expression)).toEqual(problems);
  });

  it('reports nothing for expressions that cannot error, and something for every one that can', () => {
    const values = ['1', '5', 'a', '1.0', 'x(?=', ''];
    const ops = [
      '',
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
      'Bad',
    ];
    const inputs = ['0', '3', '5', '9', '1.5.0', 'abc', 'true'];
    for (const op of ops) {
      for (const type of [undefined, 'version', 'other']) {
        for (let count = 0; count <= 2; count++) {
          for (const first of values) {
            const list = count === 0 ? [] : count === 1 ? [first] : [first, '5'];
            const expression = e(op, list, type);
            const clean = checkExpression(expression).length === 0;
            const errors = inputs.some((input) => {
              try {
                evaluateExpression(expression, true, input);
                return false;
              } catch {
                return true;
              }
            });
            // A clean expression never errors on any element: only the input may be at fault.
            if (clean) {
              for (const input of inputs) {
                try {
                  evaluateExpression(expression, true, input);
                } catch (error) {
                  expect((error as ExpressionError).kind).toMatch(/^not-a-/);
                  expect((error as ExpressionError).message.startsWith(JSON.stringify(input))).toBe(true);
                }
              }
            } else {
              expect(errors).toBe(true);
            }
          }
        }
      }
    }
  });
});
