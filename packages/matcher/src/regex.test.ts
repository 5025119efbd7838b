import { describe, expect, it } from 'vitest';
import { compileRegex, RegexSyntaxError, regexFinds } from './regex.ts';

describe('Go RE2 regular expressions', () => {
  it('finds a match anywhere in the input, not only at the start', () => {
    expect(regexFinds('b+', 'abbbc')).toBe(true);
    expect(regexFinds('^b', 'abc')).toBe(false);
  });

  it('accepts Go syntax that JavaScript lacks', () => {
    expect(regexFinds('(?i)intel', 'GenuineIntel')).toBe(true);
    expect(regexFinds('^\\pL+$', 'Ärger')).toBe(true);
    expect(regexFinds('^[[:digit:]]+$', '0200')).toBe(true);
    expect(regexFinds('\\Qa.b\\E', 'xa.by')).toBe(true);
    expect(regexFinds('\\Qa.b\\E', 'xacby')).toBe(false);
    expect(regexFinds('\\Aab\\z', 'ab')).toBe(true);
  });

  it('matches code points, so . matches one emoji', () => {
    expect(regexFinds('^.$', '😀')).toBe(true);
  });

  it('rejects what RE2 rejects, naming the pattern', () => {
    for (const pattern of ['a(?=b)', '(a)\\1', 'x{1001}', '\\Z', '(']) {
      expect(() => compileRegex(pattern)).toThrow(RegexSyntaxError);
    }
    expect(() => compileRegex('a(?=b)')).toThrow(
      'invalid regular expression "a(?=b)": invalid or unsupported Perl syntax',
    );
  });

  it('compiles each pattern once', () => {
    expect(compileRegex('abc+')).toBe(compileRegex('abc+'));
  });
});
