import { describe, expect, it } from 'vitest';
import { assertDigest, digestOf, goJson, parseDigest, verifyContent } from './digest.ts';

const bytes = new TextEncoder().encode('{}');

describe('digests', () => {
  it('hashes with sha256 and sha512', () => {
    expect(digestOf(bytes)).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(digestOf(bytes, 'sha512')).toMatch(/^sha512:[0-9a-f]{128}$/);
  });

  it('parses only canonical sha256/sha512', () => {
    expect(parseDigest(`sha256:${'a'.repeat(64)}`)).toEqual({ algorithm: 'sha256', hex: 'a'.repeat(64) });
    expect(parseDigest(`sha256:${'A'.repeat(64)}`)).toBeUndefined();
    expect(parseDigest(`sha256:${'a'.repeat(63)}`)).toBeUndefined();
    expect(parseDigest(`md5:${'a'.repeat(32)}`)).toBeUndefined();
    expect(() => assertDigest('sha256:xyz')).toThrow(/invalid digest/);
  });

  it('verifies size then digest', () => {
    const d = digestOf(bytes);
    expect(() => verifyContent({ digest: d, size: 2 }, bytes, 'here')).not.toThrow();
    expect(() => verifyContent({ digest: d, size: 3 }, bytes, 'here')).toThrow(/size mismatch .* from here/);
    expect(() => verifyContent({ digest: digestOf(new Uint8Array([1, 2])), size: 2 }, bytes, 'here')).toThrow(
      /digest mismatch/,
    );
  });
});

describe('goJson', () => {
  it('escapes like Go and keeps struct order, sorting maps', () => {
    expect(goJson({ b: '<a&b>\u2028\u2029', a: 1, skip: undefined })).toBe(
      '{"b":"\\u003ca\\u0026b\\u003e\\u2028\\u2029","a":1}',
    );
    expect(
      goJson(
        new Map([
          ['b', 1],
          ['a', 2],
          ['B', 3],
          ['é', 4],
          ['z', 5],
        ]),
      ),
    ).toBe('{"B":3,"a":2,"b":1,"z":5,"é":4}');
    expect(goJson([null, true, 'x\n"'])).toBe('[null,true,"x\\n\\""]');
  });
});
