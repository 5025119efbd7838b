import { NfdError } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import {
  formatReference,
  type ImageReference,
  isLayoutReference,
  parseImageReference,
  parseTargetReference,
  registryEndpoint,
} from './reference.ts';

const SHA = `sha256:${'a'.repeat(64)}`;
const SHA512 = `sha512:${'b'.repeat(128)}`;

function usageError(fn: () => unknown): NfdError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NfdError);
    expect((error as NfdError).code).toBe('USAGE');
    return error as NfdError;
  }
  throw new Error('expected a USAGE error');
}

describe('parseImageReference', () => {
  const valid: [string, Omit<ImageReference, 'original'>][] = [
    ['ubuntu', { registry: 'docker.io', repository: 'library/ubuntu', tag: 'latest' }],
    ['docker.io/ubuntu', { registry: 'docker.io', repository: 'library/ubuntu', tag: 'latest' }],
    [
      'index.docker.io/library/ubuntu:22.04',
      { registry: 'docker.io', repository: 'library/ubuntu', tag: '22.04' },
    ],
    ['myorg/app', { registry: 'docker.io', repository: 'myorg/app', tag: 'latest' }],
    ['myorg/team/app:v1', { registry: 'docker.io', repository: 'myorg/team/app', tag: 'v1' }],
    ['localhost:5000/a/b:t', { registry: 'localhost:5000', repository: 'a/b', tag: 't' }],
    ['localhost/x', { registry: 'localhost', repository: 'x', tag: 'latest' }],
    [`127.0.0.1:5000/x@${SHA}`, { registry: '127.0.0.1:5000', repository: 'x', digest: SHA }],
    ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x', tag: 'latest' }],
    ['[::1]/x:v2', { registry: '[::1]', repository: 'x', tag: 'v2' }],
    ['ghcr.io/org/img:1.0', { registry: 'ghcr.io', repository: 'org/img', tag: '1.0' }],
    ['Registry.Example.com/a', { registry: 'Registry.Example.com', repository: 'a', tag: 'latest' }],
    ['quay.io/a__b/c-d---e.f_g', { registry: 'quay.io', repository: 'a__b/c-d---e.f_g', tag: 'latest' }],
    [`ubuntu@${SHA512}`, { registry: 'docker.io', repository: 'library/ubuntu', digest: SHA512 }],
    [`reg.io/x:v1@${SHA}`, { registry: 'reg.io', repository: 'x', tag: 'v1', digest: SHA }],
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
  ];
  it.each(valid)('parses %s', (text, expected) => {
    expect(parseImageReference(text)).toEqual({ ...expected, original: text });
  });

  const invalid: [string, RegExp][] = [
    ['', /empty image reference/],
    ['Ubuntu', /repository name must be lowercase/],
    ['reg.io/MyOrg/app', /repository name must be lowercase \("MyOrg"\)/],
    ['ubuntu:-bad', /invalid tag "-bad"/],
    [`ubuntu:${'a'.repeat(129)}`, /invalid tag/],
    ['ubuntu:', /missing tag/],
    ['ubuntu@sha256:abc', /has 3 hex digits; sha256 needs 64/],
    [`ubuntu@sha256:${'A'.repeat(64)}`, /lower-case hexadecimal/],
    [`ubuntu@md5:${'a'.repeat(32)}`, /unsupported digest algorithm "md5"/],
    ['ubuntu@', /missing digest/],
    ['ubuntu@latest', /is not a digest/],
    ['reg.io/a//b', /invalid repository path component ""/],
    ['reg.io/a_-b', /invalid repository path component "a_-b"/],
    ['[::1]:5000', /missing repository/],
    ['reg.io:99999/a', /invalid port/],
    ['https://reg.io/a', /no URL scheme/],
    ['a b', /white space/],
    ['a'.repeat(64), /image ID/],
    [`reg.io/${'a'.repeat(260)}`, /longer than 255/],
  ];
  it.each(invalid)('rejects %j', (text, message) => {
    expect(usageError(() => parseImageReference(text)).message).toMatch(message);
  });

  it('gives a hint with the lower-case spelling', () => {
    expect(usageError(() => parseImageReference('reg.io/My/App')).hint).toBe('use "my/app"');
  });
});

describe('parseTargetReference', () => {
  it('parses oci:DIR forms', () => {
    expect(parseTargetReference('oci:./layout:v1')).toEqual({
      layout: './layout',
      tag: 'v1',
      original: 'oci:./layout:v1',
    });
    expect(parseTargetReference(`oci:/tmp/l@${SHA}`)).toEqual({
      layout: '/tmp/l',
      digest: SHA,
      original: `oci:/tmp/l@${SHA}`,
    });
    expect(parseTargetReference('oci:dir')).toEqual({ layout: 'dir', original: 'oci:dir' });
    expect(parseTargetReference('oci:/a:b/dir')).toEqual({ layout: '/a:b/dir', original: 'oci:/a:b/dir' });
    expect(parseTargetReference(`oci:dir:v1@${SHA}`)).toEqual({
      layout: 'dir',
      tag: 'v1',
      digest: SHA,
      original: `oci:dir:v1@${SHA}`,
    });
  });

  it('parses tag or digest with --oci-layout', () => {
    expect(parseTargetReference('v1', { ociLayout: 'd' })).toEqual({
      layout: 'd',
      tag: 'v1',
      original: 'd:v1',
    });
    expect(parseTargetReference(SHA, { ociLayout: 'd' })).toMatchObject({ layout: 'd', digest: SHA });
    expect(parseTargetReference(`@${SHA}`, { ociLayout: 'd' })).toMatchObject({ layout: 'd', digest: SHA });
    expect(parseTargetReference('', { ociLayout: 'd' })).toEqual({ layout: 'd', original: 'd' });
  });

  it('falls back to image references', () => {
    const ref = parseTargetReference('ubuntu:22.04');
    expect(isLayoutReference(ref)).toBe(false);
    expect(ref).toMatchObject({ registry: 'docker.io', repository: 'library/ubuntu', tag: '22.04' });
    expect(isLayoutReference(parseTargetReference('oci:x'))).toBe(true);
  });

  it('rejects bad layout references', () => {
    expect(usageError(() => parseTargetReference('oci:')).message).toMatch(/missing directory/);
    expect(usageError(() => parseTargetReference('oci:dir:')).message).toMatch(/missing tag/);
    expect(usageError(() => parseTargetReference('oci:dir@sha256:12')).message).toMatch(/sha256 needs 64/);
    expect(usageError(() => parseTargetReference('oci:dir:-x')).message).toMatch(/invalid tag/);
    expect(usageError(() => parseTargetReference('a/b', { ociLayout: 'd' })).message).toMatch(
      /must be a tag or digest/,
    );
    expect(usageError(() => parseTargetReference('oci:x', { ociLayout: 'd' })).message).toMatch(
      /--oci-layout/,
    );
  });
});

describe('formatReference and registryEndpoint', () => {
  it('formats canonical names with overrides', () => {
    const ref = parseImageReference('ubuntu');
    expect(formatReference(ref)).toBe('docker.io/library/ubuntu:latest');
    expect(formatReference(ref, { digest: SHA })).toBe(`docker.io/library/ubuntu@${SHA}`);
    expect(formatReference(ref, { tag: 'v2' })).toBe('docker.io/library/ubuntu:v2');
    expect(formatReference(parseImageReference(`reg.io/x:v1@${SHA}`))).toBe(`reg.io/x:v1@${SHA}`);
  });

  it('maps Docker Hub to registry-1.docker.io', () => {
    expect(registryEndpoint(parseImageReference('ubuntu'), false)).toBe('https://registry-1.docker.io');
    expect(registryEndpoint(parseImageReference('localhost:5000/a'), true)).toBe('http://localhost:5000');
    expect(registryEndpoint(parseImageReference('[::1]:5000/a'), false)).toBe('https://[::1]:5000');
  });
});
