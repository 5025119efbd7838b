import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion, type Version } from './version.ts';

function v(major: bigint, minor: bigint, patch: bigint): Version {
  return { major, minor, patch };
}

describe('parseVersion (Masterminds/semver v3 NewVersion, §2.2)', () => {
  it.each([
    ['1.2.3', v(1n, 2n, 3n)],
    ['v1.2.3', v(1n, 2n, 3n)],
    ['1', v(1n, 0n, 0n)],
    ['v1', v(1n, 0n, 0n)],
    ['1.2', v(1n, 2n, 0n)],
    ['01.2', v(1n, 2n, 0n)],
    ['1.02.003', v(1n, 2n, 3n)],
    ['0.0.0', v(0n, 0n, 0n)],
    ['5.15.0-1034-azure', v(5n, 15n, 0n)],
    ['4.5.6-7-g123abcde', v(4n, 5n, 6n)],
    ['1.2.3-rc.0', v(1n, 2n, 3n)],
    ['1.2.3-rc1', v(1n, 2n, 3n)],
    ['1.2.3-0', v(1n, 2n, 3n)],
    ['1.2.3-0a', v(1n, 2n, 3n)],
    ['1.2.3-alpha.beta-1.x', v(1n, 2n, 3n)],
    ['1.2.3+build', v(1n, 2n, 3n)],
    ['1.2.3+build.01', v(1n, 2n, 3n)], // metadata has no leading-zero rule
    ['1.2.3+001', v(1n, 2n, 3n)],
    ['1.2.3-rc.1+meta-data.7', v(1n, 2n, 3n)],
    ['1-rc1', v(1n, 0n, 0n)],
    ['1.2+meta', v(1n, 2n, 0n)],
    ['18446744073709551615.0.0', v(18446744073709551615n, 0n, 0n)],
    ['1.18446744073709551615.18446744073709551615', v(1n, 18446744073709551615n, 18446744073709551615n)],
  ])('accepts %j', (text, expected) => {
    expect(parseVersion(text)).toEqual(expected);
  });

  it.each([
    'V1.2',
    '1.2.3.4',
    '-1',
    '1.2.3-',
    '1.2.3-rc..1',
    '1.2.3-.rc',
    '1.2.3-rc.',
    '1.2.3+a+b',
    '1.2.3+',
    '1.2.3-beta_1',
    '',
    'v',
    ' 1.2.3',
    '1.2.3 ',
    '1.2.3-01',
    '1.2.3-rc.01',
    '1.2.3-00',
    '1..2',
    '1.2.',
    '.1.2',
    'vv1',
    'a.b.c',
    '1.2.x',
    '18446744073709551616',
    '1.18446744073709551616',
    '1.2.3-rc+',
    '+1.2.3',
    '１.2.3',
  ])('rejects %j', (text) => {
    expect(parseVersion(text)).toBeUndefined();
  });
});

describe('compareVersions', () => {
  function compare(a: string, b: string): number {
    const left = parseVersion(a);
    const right = parseVersion(b);
    if (left === undefined || right === undefined) throw new Error('test versions must parse');
    return compareVersions(left, right);
  }

  it.each([
    ['1.2.3', '1.2.3', 0],
    ['1.2.3', '1.2.4', -1],
    ['1.3.0', '1.2.9', 1],
    ['2.0.0', '10.0.0', -1],
    ['1.10', '1.9', 1],
    ['v1.2', '1.2.0', 0],
    // Pre-release is discarded (Q4) and metadata ignored.
    ['1.2.3-rc1', '1.2.3', 0],
    ['2.0.0', '2.0.0-alpha', 0],
    ['1.2.3+a', '1.2.3+b', 0],
    ['5.15.0-1034-azure', '5.15.0', 0],
    ['5.15.0-1034-azure', '5.14.99', 1],
    ['18446744073709551615', '18446744073709551614', 1],
  ])('%s vs %s is %i', (a, b, expected) => {
    expect(compare(a, b)).toBe(expected);
    expect(compare(b, a)).toBe(expected === 0 ? 0 : -expected);
  });
});
