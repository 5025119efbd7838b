import { describe, expect, it } from 'vitest';
import {
  compatiblePlatforms,
  describeChild,
  formatPlatform,
  nodePlatform,
  normalizePlatform,
  parsePlatform,
  selectPlatform,
} from './platform.ts';
import type { Descriptor, Platform } from './registry/oci.ts';

const entry = (p: Platform, n: number): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 1,
  platform: p,
});

describe('parsePlatform', () => {
  it('parses os[/arch[/variant]][:os.version] with the default arch', () => {
    expect(parsePlatform('linux', 'arm64')).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(parsePlatform('linux/arm/v7', 'amd64')).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
    expect(parsePlatform('windows/amd64:10.0.17763', 'x')).toEqual({
      os: 'windows',
      architecture: 'amd64',
      osVersion: '10.0.17763',
    });
    for (const bad of ['', 'linux/', 'a/b/c/d', 'linux:', 'li nux'])
      expect(() => parsePlatform(bad, 'amd64')).toThrow(/invalid platform/);
  });
});

describe('normalisation and compatibility', () => {
  it('normalises like containerd', () => {
    expect(normalizePlatform({ os: 'linux', architecture: 'x86_64' })).toEqual({
      os: 'linux',
      architecture: 'amd64',
    });
    expect(normalizePlatform({ os: 'linux', architecture: 'aarch64', variant: 'v8' })).toEqual({
      os: 'linux',
      architecture: 'arm64',
    });
    expect(normalizePlatform({ os: 'linux', architecture: 'armhf' })).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
    expect(normalizePlatform({ os: 'linux', architecture: 'arm' })).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
    expect(normalizePlatform({ os: 'macos', architecture: 'i386' })).toEqual({
      os: 'darwin',
      architecture: '386',
    });
  });

  it('lists compatible platforms best first', () => {
    expect(
      compatiblePlatforms({ os: 'linux', architecture: 'arm', variant: 'v7' }).map(formatPlatform),
    ).toEqual(['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5']);
    expect(compatiblePlatforms({ os: 'linux', architecture: 'amd64' }).map(formatPlatform)).toEqual([
      'linux/amd64',
      'linux/386',
    ]);
    expect(compatiblePlatforms({ os: 'linux', architecture: 'arm64' }).map(formatPlatform)).toEqual([
      'linux/arm64',
      'linux/arm/v8',
      'linux/arm/v7',
      'linux/arm/v6',
      'linux/arm/v5',
    ]);
  });
});

describe('selectPlatform', () => {
  const list = [
    entry({ os: 'unknown', architecture: 'unknown' }, 0),
    entry({ os: 'linux', architecture: '386' }, 1),
    entry({ os: 'linux', architecture: 'amd64' }, 2),
    entry({ os: 'linux', architecture: 'amd64' }, 3),
    entry({ os: 'linux', architecture: 'arm', variant: 'v6' }, 4),
    entry({ os: 'linux', architecture: 'arm64', variant: 'v8' }, 5),
  ];

  it('prefers the first exact match over an earlier compatible one', () => {
    const c = selectPlatform(list, { os: 'linux', architecture: 'x86_64' });
    expect(c?.position).toBe(2);
    expect(c?.exact).toBe(true);
    expect(
      describeChild(c ?? { descriptor: list[0] as Descriptor, position: 0, exact: true }, list.length),
    ).toMatch(/^linux\/amd64 \(sha256:2+, entry 3 of 6\)$/);
  });

  it('falls back to a compatible entry and skips unknown/unknown', () => {
    expect(selectPlatform(list, { os: 'linux', architecture: 'arm', variant: 'v7' })).toMatchObject({
      position: 4,
      exact: false,
    });
    expect(selectPlatform(list, { os: 'linux', architecture: 'aarch64' })).toMatchObject({
      position: 5,
      exact: true,
    });
    expect(selectPlatform(list, { os: 'unknown', architecture: 'unknown' })).toBeUndefined();
    expect(selectPlatform(list, { os: 'linux', architecture: 's390x' })).toBeUndefined();
  });

  it('honours os.version and os.features only when wanted', () => {
    const win = [
      entry({ os: 'windows', architecture: 'amd64', osVersion: '10.0.1' }, 7),
      entry({ os: 'windows', architecture: 'amd64', osVersion: '10.0.2', osFeatures: ['win32k'] }, 8),
    ];
    expect(selectPlatform(win, { os: 'windows', architecture: 'amd64' })?.position).toBe(0);
    expect(selectPlatform(win, { os: 'windows', architecture: 'amd64', osVersion: '10.0.2' })?.position).toBe(
      1,
    );
    expect(
      selectPlatform(win, { os: 'windows', architecture: 'amd64', osFeatures: ['win32k'] })?.position,
    ).toBe(1);
  });
});

describe('nodePlatform', () => {
  it('maps Node names to OCI names', () => {
    expect(nodePlatform({ platform: 'linux', arch: 'x64' })).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(nodePlatform({ platform: 'win32', arch: 'ia32' })).toEqual({ os: 'windows', architecture: '386' });
    expect(nodePlatform({ platform: 'linux', arch: 'arm', armVersion: '7' })).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
    expect(nodePlatform({ platform: 'linux', arch: 'ppc64', endianness: 'LE' })).toEqual({
      os: 'linux',
      architecture: 'ppc64le',
    });
  });
});
