import { describe, expect, it } from 'vitest';
import { goDecode } from './go-text.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('goDecode', () => {
  it('decodes valid UTF-8 as it is, a byte order mark included (Go keeps it)', () => {
    expect(goDecode(new TextEncoder().encode('\ufeffCONFIG_A=y\né€😀\n'))).toBe('\ufeffCONFIG_A=y\né€😀\n');
  });

  it('gives one U+FFFD per byte of an invalid sequence, as Go’s range loop does', () => {
    // A truncated euro sign (E2 82): two bytes, two replacement characters (WHATWG gives one).
    expect(goDecode(bytes(0x61, 0xe2, 0x82, 0x62))).toBe('a\ufffd\ufffdb');
    // An encoded surrogate and an overlong slash are invalid in Go too.
    expect(goDecode(bytes(0xed, 0xa0, 0x80))).toBe('\ufffd\ufffd\ufffd');
    expect(goDecode(bytes(0xc0, 0xaf, 0x7a))).toBe('\ufffd\ufffdz');
    // Valid text around the bad byte is kept, a BOM after it too.
    expect(goDecode(bytes(0xff, 0xef, 0xbb, 0xbf, 0xc3, 0xa9))).toBe('\ufffd\ufeffé');
  });

  it('reads a view into a larger buffer without its neighbours', () => {
    const whole = new TextEncoder().encode('xxhello--');
    expect(goDecode(whole.subarray(2, 7))).toBe('hello');
  });
});
