import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostFs } from '../host-fs.ts';
import {
  describeFixtureHosts,
  fixtureContext,
  type TempHost,
  type TreeEntry,
  tempHost,
  testContext,
  thisMachineContext,
} from '../test-support.ts';
import {
  createKernelSource,
  KERNEL_DEFAULT_CONFIG,
  kconfigCandidates,
  kernelSource,
  parseBuiltinModules,
  parseKconfig,
  parseKernelVersion,
  parseLoadedModules,
} from './kernel.ts';

let host: TempHost | undefined;
afterEach(async () => {
  await host?.remove();
  host = undefined;
});

async function hostWith(entries: Record<string, TreeEntry>): Promise<TempHost> {
  host = await tempHost(entries);
  return host;
}

const R = '5.10.0-test';
const RELEASE = { 'proc/sys/kernel/osrelease': `${R}\n` };

describeFixtureHosts(kernelSource, { expect: 'features', noWarnings: false }, () => {
  it('this-machine: no /proc/modules, so both module features are absent and the reasons are warned', async () => {
    const context = await fixtureContext('this-machine');
    const features = await kernelSource.discover(context);
    expect(features.flags).toEqual({});
    expect(Object.keys(features.attributes['kernel.config']?.elements ?? {})).toHaveLength(1745);
    expect(context.warnings.some((w) => w.startsWith('failed to get loaded kernel modules'))).toBe(true);
    expect(context.warnings.some((w) => w.startsWith('failed to get builtin kernel modules'))).toBe(true);
  });

  it('gpu-node: loaded module names stay verbatim (vfio_pci, not vfio-pci); builtins keep dashes', async () => {
    const features = await kernelSource.discover(await fixtureContext('gpu-node'));
    const loaded = features.flags['kernel.loadedmodule']?.elements ?? {};
    expect(Object.hasOwn(loaded, 'vfio_pci')).toBe(true);
    expect(Object.hasOwn(loaded, 'vfio-pci')).toBe(false);
    const enabled = Object.keys(features.flags['kernel.enabledmodule']?.elements ?? {});
    expect(enabled).toHaveLength(44);
    expect(enabled).toEqual(expect.arrayContaining(['hid-generic', 'crc32c-intel', 'dm-mod', 'vfio_pci']));
  });
});

describe('kernel.version', () => {
  it.each([
    ['6.18.44-fc-v657', { full: '6.18.44-fc-v657', major: '6', minor: '18', revision: '44' }],
    ['5.15.0-1056-azure', { full: '5.15.0-1056-azure', major: '5', minor: '15', revision: '0' }],
    ['6.0.10-100+123.x86_64~', { full: '6.0.10-100_123.x86_64', major: '6', minor: '0', revision: '10' }],
    // Unmatched optional groups still create their elements, empty.
    ['6.8', { full: '6.8', major: '6', minor: '8', revision: '' }],
    ['6', { full: '6', major: '6', minor: '', revision: '' }],
    // Sanitising breaks the pattern: only `full`.
    ['5.15.0+x', { full: '5.15.0_x' }],
    // One `_` per character (per code point), no run collapsing; then -_. trimmed at both ends.
    ['..6.1.0-rc1+ü😀x-', { full: '6.1.0-rc1___x', major: '6', minor: '1', revision: '0' }],
    ['6.1+-', { full: '6.1', major: '6', minor: '1', revision: '' }],
    ['', { full: '' }],
  ])('%j', (release, expected) => {
    expect(parseKernelVersion(release)).toEqual(expected);
  });

  it('is absent without /proc/sys/kernel/osrelease, and the builtin modules cannot be looked up', async () => {
    const { context } = await hostWith({
      'lib/modules/x/modules.builtin': 'kernel/a.ko\n',
      'proc/modules': 'a 1 0 - Live 0x0\n',
    });
    const ctx = context;
    const features = await kernelSource.discover(ctx);
    expect(features.attributes['kernel.version']).toBeUndefined();
    expect(features.flags['kernel.loadedmodule']).toEqual({ elements: { a: {} } });
    expect(features.flags['kernel.enabledmodule']).toBeUndefined();
    expect(ctx.warnings[0]).toMatch(/^failed to get kernel version: open \/proc\/sys\/kernel\/osrelease/);
  });

  it('reads the release with white space trimmed', async () => {
    const { context } = await hostWith({ 'proc/sys/kernel/osrelease': '  6.1.0-18-arm64 \n\n' });
    const features = await kernelSource.discover(context);
    expect(features.attributes['kernel.version']?.elements?.full).toBe('6.1.0-18-arm64');
  });
});

describe('kernel.config', () => {
  // Every candidate of features.md §3.2.2 after the config file, relative to the root.
  const CANDIDATES = [
    'proc/config.gz',
    `usr/src/linux-${R}/.config`,
    `usr/src/linux-rt-${R}/.config`,
    'usr/src/linux/.config',
    `usr/lib/modules/${R}/config`,
    `usr/lib/ostree-boot/config-${R}`,
    `usr/lib/kernel/config-${R}`,
    `usr/src/linux-headers-${R}/.config`,
    `lib/modules/${R}/build/.config`,
    `usr/src/linux-rt-headers-${R}/.config`,
    `boot/config-${R}`,
  ];

  function kconfigFile(which: number): TreeEntry {
    const text = `CONFIG_WHICH=${which}\n`;
    return which === 0 ? gzipSync(text) : text;
  }

  it('lists the candidates in upstream order', async () => {
    const fs = await createHostFs({ root: '/r', prefix: '/' });
    expect(kconfigCandidates(fs, '', R)).toEqual(CANDIDATES.map((path) => `/r/${path}`));
    expect(kconfigCandidates(fs, '/my/kconfig', R)[0]).toBe('/r/my/kconfig');
    expect(kconfigCandidates(fs, '', undefined)).toEqual(['/r/proc/config.gz', '/r/usr/src/linux/.config']);
    // In a pod the usr and boot candidates are host-prefixed; /proc/config.gz and
    // /lib/modules/R/build/.config are not.
    const pod = await createHostFs({ root: '/r', prefix: '/host-' });
    const podPaths = kconfigCandidates(pod, '', R);
    expect(podPaths[0]).toBe('/r/proc/config.gz');
    expect(podPaths[1]).toBe(`/r/host-usr/src/linux-${R}/.config`);
    expect(podPaths[8]).toBe(`/r/lib/modules/${R}/build/.config`);
    expect(podPaths[10]).toBe(`/r/host-boot/config-${R}`);
  });

  it.each(CANDIDATES.map((_, index) => index))('candidate %i wins over every later one', async (first) => {
    const entries: Record<string, TreeEntry> = { ...RELEASE };
    for (let i = first; i < CANDIDATES.length; i++) entries[CANDIDATES[i] as string] = kconfigFile(i);
    const { context } = await hostWith(entries);
    const features = await kernelSource.discover(context);
    expect(features.attributes['kernel.config']).toEqual({ elements: { WHICH: String(first) } });
  });

  it('the configured kconfigFile comes first (gunzipped when it ends in .gz)', async () => {
    const { context } = await hostWith({
      ...RELEASE,
      'proc/config.gz': gzipSync('CONFIG_WHICH=proc\n'),
      'etc/my-kconfig.gz': gzipSync('CONFIG_WHICH=mine\n'),
    });
    const source = createKernelSource({ kconfigFile: '/etc/my-kconfig.gz' });
    expect((await source.discover(context)).attributes['kernel.config']).toEqual({
      elements: { WHICH: 'mine' },
    });
  });

  it('an unreadable or corrupt candidate is skipped', async () => {
    const { context } = await hostWith({
      ...RELEASE,
      'proc/config.gz': 'CONFIG_NOT_GZIP=y\n',
      [`usr/src/linux-${R}/.config`]: { dir: true },
      'usr/src/linux/.config': 'CONFIG_WHICH=3\n',
    });
    expect((await kernelSource.discover(context)).attributes['kernel.config']).toEqual({
      elements: { WHICH: '3' },
    });
  });

  it('without a release only /proc/config.gz and <usr>/src/linux/.config are tried', async () => {
    const { context } = await hostWith({
      [`boot/config-${R}`]: 'CONFIG_A=y\n',
      'usr/src/linux/.config': 'CONFIG_B=y\n',
    });
    expect((await kernelSource.discover(context)).attributes['kernel.config']).toEqual({
      elements: { B: 'y' },
    });
  });

  it('is absent (with no config labels) when nothing can be read, and empty for an empty file', async () => {
    const none = await hostWith({ ...RELEASE });
    const ctx = none.context;
    const features = await kernelSource.discover(ctx);
    expect(features.attributes['kernel.config']).toBeUndefined();
    expect(kernelSource.labels(features)).toEqual({
      'version.full': R,
      'version.major': '5',
      'version.minor': '10',
      'version.revision': '0',
    });
    expect(ctx.warnings).toContain('failed to read kconfig: no kernel config file could be read');
    await none.remove();
    const empty = await hostWith({ ...RELEASE, [`boot/config-${R}`]: '' });
    expect((await kernelSource.discover(empty.context)).attributes['kernel.config']).toEqual({
      elements: {},
    });
  });

  it('parses values as written: y, m, numbers, strings; unset options are absent', () => {
    const text = [
      '#',
      '# Automatically generated file; DO NOT EDIT.',
      'CONFIG_CC_VERSION_TEXT="gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0"',
      'CONFIG_64BIT=y',
      'CONFIG_KVM=m',
      'CONFIG_HZ=250',
      'CONFIG_LOCALVERSION=""',
      'CONFIG_LSM="landlock,lockdown,yama"',
      'CONFIG_DEFAULT_HOSTNAME="(none)"',
      '# CONFIG_PREEMPT is not set',
      'CONFIG_NOEQUALS',
      ' CONFIG_INDENTED=y',
      'CONFIG_QUOTED_Y="y"',
      'CONFIG_EQ=a=b',
      'CONFIG_CRLF=y\r',
      // Lines are split at \n only: these are lines that do not start with CONFIG_.
      'junk\rCONFIG_AFTER_CR=y',
      'junk\u2028CONFIG_AFTER_LS=y',
      'CONFIG_LS=a\u2028b',
      '',
    ].join('\n');
    const { real, legacy } = parseKconfig(text);
    expect(real).toEqual({
      CC_VERSION_TEXT: 'gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0',
      '64BIT': 'y',
      KVM: 'm',
      HZ: '250',
      LOCALVERSION: '',
      LSM: 'landlock,lockdown,yama',
      DEFAULT_HOSTNAME: '(none)',
      QUOTED_Y: 'y',
      EQ: 'a=b',
      CRLF: 'y\r',
      LS: 'a\u2028b',
    });
    // Legacy (label) values: exactly `y` or `m` -> "true", everything else as the real value.
    expect(legacy).toEqual({ ...real, '64BIT': 'true', KVM: 'true' });
  });

  it('labels the configOpts that are set, with legacy values (=y and =m -> true, quoted "y" stays y)', async () => {
    const { context } = await hostWith({
      ...RELEASE,
      [`boot/config-${R}`]:
        'CONFIG_NO_HZ=y\nCONFIG_NO_HZ_IDLE=m\nCONFIG_NO_HZ_FULL="y"\nCONFIG_PREEMPT_RT=y\n',
    });
    const features = await kernelSource.discover(context);
    const labels = kernelSource.labels(features);
    expect(labels['config.NO_HZ']).toBe('true');
    expect(labels['config.NO_HZ_IDLE']).toBe('true');
    expect(labels['config.NO_HZ_FULL']).toBe('y');
    expect(labels['config.PREEMPT']).toBeUndefined();
    expect(labels['config.PREEMPT_RT']).toBeUndefined();
    // Copies of the features lose the legacy side channel; y/m are then derived from the values.
    const copy = structuredClone(features);
    expect(kernelSource.labels(copy)['config.NO_HZ_IDLE']).toBe('true');
    const custom = createKernelSource({ configOpts: ['PREEMPT_RT', 'NO_HZ'] });
    expect(custom.labels(await custom.discover(context))).toMatchObject({
      'config.PREEMPT_RT': 'true',
      'config.NO_HZ': 'true',
    });
    expect(KERNEL_DEFAULT_CONFIG.configOpts).toEqual(['NO_HZ', 'NO_HZ_IDLE', 'NO_HZ_FULL', 'PREEMPT']);
  });

  it('reads /proc/config.gz (gzip, multi-member too)', async () => {
    const { context } = await hostWith({
      ...RELEASE,
      'proc/config.gz': Buffer.concat([gzipSync('CONFIG_A=y\n'), gzipSync('CONFIG_B="x"\n')]),
      [`boot/config-${R}`]: 'CONFIG_BOOT=y\n',
    });
    expect((await kernelSource.discover(context)).attributes['kernel.config']).toEqual({
      elements: { A: 'y', B: 'x' },
    });
  });

  it('agrees with a line-by-line reading on 2,000 random configs (duplicates, quotes, no =)', () => {
    // The reference: split at \n, keep lines starting with CONFIG_ that have a =, the last line of a
    // name winning; legacy true for a raw y or m.
    const reference = (text: string) => {
      const real: Record<string, string> = {};
      const legacy: Record<string, string> = {};
      for (const line of text.split('\n')) {
        const eq = line.indexOf('=');
        if (!line.startsWith('CONFIG_') || eq < 0) continue;
        const name = line.slice(7, eq);
        const raw = line.slice(eq + 1);
        const value = raw.replace(/^"+|"+$/g, '');
        Object.defineProperty(real, name, { value, enumerable: true, writable: true, configurable: true });
        const old = raw === 'y' || raw === 'm' ? 'true' : value;
        Object.defineProperty(legacy, name, {
          value: old,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return { real, legacy };
    };
    let seed = 1845;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const names = ['A', 'B', 'KVM', '64BIT', '__proto__', '1', '', 'X=Y'];
    const values = ['y', 'm', '"y"', '"m"', '""', '"a"b"', 'n', '250', '=', 'y\r', '"'];
    for (let i = 0; i < 2000; i++) {
      const lines = Array.from({ length: Math.floor(next() * 12) }, () => {
        const roll = next();
        if (roll < 0.1) return `CONFIG_${pick(names)}`;
        if (roll < 0.15) return `# CONFIG_${pick(names)} is not set`;
        if (roll < 0.2) return ` CONFIG_${pick(names)}=y`;
        return `CONFIG_${pick(names)}=${pick(values)}`;
      });
      const text = lines.join(pick(['\n', '\n', '\r\n'])) + pick(['', '\n']);
      const parsed = parseKconfig(text);
      const expected = reference(text);
      expect(Object.entries(parsed.real), text).toEqual(Object.entries(expected.real));
      expect(Object.entries(parsed.legacy), text).toEqual(Object.entries(expected.legacy));
    }
  });

  it('keeps an option named __proto__ as an element', () => {
    const { real } = parseKconfig('CONFIG___proto__=y\n');
    expect(Object.keys(real)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(real)).toBe(Object.prototype);
  });
});

describe('kernel modules', () => {
  it('loadedmodule: first field of every non-empty /proc/modules line, verbatim', () => {
    const text = 'vfio_pci 16384 0 - Live 0x0\nnvidia_uvm 1 0 - Live 0x0\n\nbig\tmod 1\n   \n';
    expect(parseLoadedModules(text)).toEqual(['vfio_pci', 'nvidia_uvm', 'big']);
  });

  it('modules.builtin: basenames without .ko, dashes kept, other lines ignored', () => {
    const text = [
      'kernel/drivers/hid/hid-generic.ko',
      '  kernel/crypto/crc32c_generic.ko  ',
      'kernel/drivers/tty/serial/8250/8250.ko',
      'kernel/fs/ext4/ext4.ko.xz',
      'modules.order',
      'plain.ko',
      '',
    ].join('\n');
    expect(parseBuiltinModules(text)).toEqual(['hid-generic', 'crc32c_generic', '8250', 'plain']);
  });

  it('enabledmodule = loaded + builtin; absent without modules.builtin even when modules are loaded', async () => {
    const both = await hostWith({
      ...RELEASE,
      'proc/modules': 'vfio_pci 1 0 - Live 0x0\next4 1 0 - Live 0x0\n',
      [`lib/modules/${R}/modules.builtin`]: 'kernel/drivers/hid/hid-generic.ko\nkernel/fs/ext4/ext4.ko\n',
    });
    const features = await kernelSource.discover(both.context);
    expect(features.flags).toEqual({
      'kernel.loadedmodule': { elements: { vfio_pci: {}, ext4: {} } },
      'kernel.enabledmodule': { elements: { vfio_pci: {}, ext4: {}, 'hid-generic': {} } },
    });
    // Module names never become labels.
    expect(Object.keys(kernelSource.labels(features)).some((key) => key.includes('module'))).toBe(false);
    await both.remove();

    const loadedOnly = await hostWith({ ...RELEASE, 'proc/modules': 'a 1 0 - Live 0x0\n' });
    const flags = (await kernelSource.discover(loadedOnly.context)).flags;
    expect(flags).toEqual({ 'kernel.loadedmodule': { elements: { a: {} } } });
    await loadedOnly.remove();

    const builtinOnly = await hostWith({
      ...RELEASE,
      [`lib/modules/${R}/modules.builtin`]: 'kernel/x/y-z.ko\n',
    });
    expect((await kernelSource.discover(builtinOnly.context)).flags).toEqual({
      'kernel.enabledmodule': { elements: { 'y-z': {} } },
    });
  });

  it('reads modules.builtin under the (prefixed) lib directory', async () => {
    const { root } = await hostWith({
      ...RELEASE,
      [`host-lib/modules/${R}/modules.builtin`]: 'kernel/x/podmod.ko\n',
    });
    const fs = await createHostFs({ root, prefix: '/host-' });
    expect((await kernelSource.discover(testContext(fs))).flags['kernel.enabledmodule']).toEqual({
      elements: { podmod: {} },
    });
  });
});

describe('kernel.selinux and kernel.kvm', () => {
  it.each([
    ['1\n', 'true'],
    ['1', 'true'],
    ['0\n', 'false'],
    ['10', 'true'],
    ['01', 'false'],
    ['x', 'false'],
  ])('enforce %j -> enabled %s', async (enforce, enabled) => {
    const { context } = await hostWith({ 'sys/fs/selinux/enforce': enforce });
    const features = await kernelSource.discover(context);
    expect(features.attributes['kernel.selinux']).toEqual({ elements: { enabled } });
    expect(kernelSource.labels(features)['selinux.enabled']).toBe(enabled === 'true' ? 'true' : undefined);
  });

  it('no selinux directory -> false; no sys/fs -> absent; selinux without enforce (or empty) -> absent', async () => {
    const noSelinux = await hostWith({ 'sys/fs/cgroup/x': '' });
    expect((await kernelSource.discover(noSelinux.context)).attributes['kernel.selinux']).toEqual({
      elements: { enabled: 'false' },
    });
    await noSelinux.remove();

    const noFs = await hostWith({ 'sys/kernel/x': '' });
    const noFsContext = noFs.context;
    expect((await kernelSource.discover(noFsContext)).attributes['kernel.selinux']).toBeUndefined();
    expect(noFsContext.warnings.some((w) => w.startsWith('failed to detect selinux status'))).toBe(true);
    await noFs.remove();

    const noEnforce = await hostWith({ 'sys/fs/selinux': { dir: true } });
    expect((await kernelSource.discover(noEnforce.context)).attributes['kernel.selinux']).toBeUndefined();
    await noEnforce.remove();

    const empty = await hostWith({ 'sys/fs/selinux/enforce': '' });
    expect((await kernelSource.discover(empty.context)).attributes['kernel.selinux']).toBeUndefined();
  });

  it('kvm: the misc device exists -> true, else false; a non-directory on the way -> absent', async () => {
    const kvm = await hostWith({ 'sys/devices/virtual/misc/kvm/dev': '10:232\n' });
    expect((await kernelSource.discover(kvm.context)).attributes['kernel.kvm']).toEqual({
      elements: { enabled: 'true' },
    });
    await kvm.remove();
    const none = await hostWith({ 'sys/devices/virtual/misc/tun/dev': '10:200\n' });
    expect((await kernelSource.discover(none.context)).attributes['kernel.kvm']).toEqual({
      elements: { enabled: 'false' },
    });
    await none.remove();
    const notDir = await hostWith({ 'sys/devices/virtual/misc': 'a file' });
    expect((await kernelSource.discover(notDir.context)).attributes['kernel.kvm']).toBeUndefined();
  });
});

describe('kernel source on this machine (root /)', () => {
  it('reads the live kernel', async () => {
    const context = await thisMachineContext();
    const features = await kernelSource.discover(context);
    const release = readFileSync('/proc/sys/kernel/osrelease', 'utf8').split('\n')[0]?.trim() ?? '';
    expect(features.attributes['kernel.version']?.elements?.full).toBe(release);
    if (existsSync('/proc/modules')) {
      const names = readFileSync('/proc/modules', 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split(/\s+/)[0]);
      expect(Object.keys(features.flags['kernel.loadedmodule']?.elements ?? {}).sort()).toEqual(
        [...new Set(names)].sort(),
      );
    } else {
      expect(features.flags['kernel.loadedmodule']).toBeUndefined();
    }
  });
});
