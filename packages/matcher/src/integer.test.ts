import { describe, expect, it } from 'vitest';
import { GO_INT_MAX, GO_INT_MIN, parseGoInt } from './integer.ts';

describe('parseGoInt (Go strconv.Atoi, 64-bit, §2.1)', () => {
  it.each([
    ['0', 0n],
    ['5', 5n],
    ['-5', -5n],
    ['+5', 5n],
    ['007', 7n],
    ['-0', 0n],
    ['+0', 0n],
    ['-007', -7n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['00000000000000000000000000009223372036854775807', 9223372036854775807n],
    ['9007199254740993', 9007199254740993n],
  ])('accepts %j as %s', (text, expected) => {
    expect(parseGoInt(text)).toBe(expected);
  });

  it.each([
    '',
    '+',
    '-',
    '+-5',
    '--5',
    '++5',
    ' 5',
    '5 ',
    '\t5',
    '5\n',
    '1_000',
    '0x10',
    '0o7',
    '0b1',
    '1.0',
    '1e3',
    '5.',
    'abc',
    '٣', // Arabic-Indic digit three: not ASCII
    '１', // full-width one
    '9223372036854775808',
    '-9223372036854775809',
    '99999999999999999999',
    'Infinity',
    'NaN',
  ])('rejects %j', (text) => {
    expect(parseGoInt(text)).toBeUndefined();
  });

  it('has the int64 bounds', () => {
    expect(GO_INT_MAX).toBe(2n ** 63n - 1n);
    expect(GO_INT_MIN).toBe(-(2n ** 63n));
  });

  it('keeps precision above 2^53', () => {
    const above = parseGoInt('9007199254740993');
    const below = parseGoInt('9007199254740992');
    expect(above).toBeDefined();
    expect(below).toBeDefined();
    expect((above as bigint) > (below as bigint)).toBe(true);
  });
});
