import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { skipUnless } from '../../../../test/support/skip.ts';
import { SourceError } from '../source.ts';
import { describeFixtureHosts, type TempHost, tempHost, thisMachineContext } from '../test-support.ts';
import { networkSource } from './network.ts';

const NET = 'sys/class/net';

let host: TempHost | undefined;
afterEach(async () => {
  await host?.remove();
  host = undefined;
});

function names(features: Awaited<ReturnType<typeof networkSource.discover>>, feature: string): string[] {
  return (features.instances[feature]?.elements ?? []).map((e) => e.attributes?.name ?? '?');
}

describeFixtureHosts(networkSource, { expect: 'instances', noWarnings: true });

describe('network discovery', () => {
  it('tells physical (device present, links followed) from virtual interfaces', async () => {
    host = await tempHost({
      'sys/devices/pci0000:00/0000:00:03.0/sriov_totalvfs': '0\n',
      [`${NET}/bonding_masters`]: 'bond0\n',
      [`${NET}/bond0/operstate`]: 'up\n',
      [`${NET}/eth0/device`]: { link: '../../../devices/pci0000:00/0000:00:03.0' },
      [`${NET}/eth0/operstate`]: 'up\n',
      [`${NET}/eth0/mtu`]: '1500\n',
      [`${NET}/eth1/device/vendor`]: '0x8086\n',
      [`${NET}/eth1/speed`]: '1000\n',
      // A dangling `device` link fails stat: virtual.
      [`${NET}/veth9/device`]: { link: '../../../devices/gone' },
      [`${NET}/veth9/mtu`]: '1500\n',
    });
    const features = await networkSource.discover(host.context);
    expect(features).toEqual({
      flags: {},
      attributes: {},
      instances: {
        'network.device': {
          elements: [
            { attributes: { name: 'eth0', operstate: 'up', mtu: '1500', sriov_totalvfs: '0' } },
            { attributes: { name: 'eth1', speed: '1000' } },
          ],
        },
        'network.virtual': {
          elements: [
            { attributes: { name: 'bond0', operstate: 'up' } },
            { attributes: { name: 'veth9', mtu: '1500' } },
          ],
        },
      },
    });
    expect(host.context.warnings).toEqual([]);
  });

  it('reads the device-only files only for physical interfaces', async () => {
    host = await tempHost({
      [`${NET}/lo/operstate`]: 'unknown\n',
      // Not read for a virtual interface even when present at the interface level.
      [`${NET}/lo/sriov_numvfs`]: '4\n',
      [`${NET}/lo/speed`]: '-1\n',
    });
    const features = await networkSource.discover(host.context);
    expect(features.instances['network.virtual']?.elements).toEqual([
      { attributes: { name: 'lo', operstate: 'unknown', speed: '-1' } },
    ]);
    expect(features.instances['network.device']).toEqual({ elements: [] });
  });

  it('skips an unreadable file and warns (other than missing/EINVAL)', async () => {
    host = await tempHost({
      [`${NET}/eth0/device/sriov_numvfs`]: '2\n',
      [`${NET}/eth0/speed`]: { dir: true },
      [`${NET}/eth0/mtu`]: ' 9000 \n',
    });
    const features = await networkSource.discover(host.context);
    expect(features.instances['network.device']?.elements).toEqual([
      { attributes: { name: 'eth0', sriov_numvfs: '2', mtu: '9000' } },
    ]);
    expect(host.context.warnings).toHaveLength(1);
    expect(host.context.warnings[0]).toContain('speed');
  });

  it('gives both lists, empty, for an empty class/net', async () => {
    host = await tempHost({ [`${NET}`]: { dir: true } });
    expect((await networkSource.discover(host.context)).instances).toEqual({
      'network.device': { elements: [] },
      'network.virtual': { elements: [] },
    });
  });

  it('fails with SourceError when class/net is missing or not listable', async () => {
    host = await tempHost({ 'sys/block': { dir: true } });
    await expect(networkSource.discover(host.context)).rejects.toBeInstanceOf(SourceError);
    await host.remove();
    host = await tempHost({ [NET]: 'file\n' });
    await expect(networkSource.discover(host.context)).rejects.toMatchObject({ source: 'network' });
  });
});

describe('network labels', () => {
  const label = (devices: Record<string, string>[]) =>
    networkSource.labels({
      flags: {},
      attributes: {},
      instances: { 'network.device': { elements: devices.map((attributes) => ({ attributes })) } },
    });

  it('sriov.capable / sriov.configured from positive integers only', () => {
    expect(label([{ name: 'a', sriov_totalvfs: '8', sriov_numvfs: '0' }])).toEqual({
      'sriov.capable': 'true',
    });
    expect(label([{ name: 'a', sriov_totalvfs: '0', sriov_numvfs: '0' }])).toEqual({});
    expect(
      label([
        { name: 'a', sriov_totalvfs: '8' },
        { name: 'b', sriov_numvfs: '+3' },
      ]),
    ).toEqual({
      'sriov.capable': 'true',
      'sriov.configured': 'true',
    });
  });

  it('ignores values strconv.Atoi rejects', () => {
    expect(label([{ name: 'a', sriov_totalvfs: 'abc', sriov_numvfs: '1.5' }])).toEqual({});
    expect(label([{ name: 'a', sriov_totalvfs: '99999999999999999999' }])).toEqual({});
    expect(label([{ name: 'a', sriov_totalvfs: '-2' }])).toEqual({});
  });

  it('virtual interfaces never label', () => {
    expect(
      networkSource.labels({
        flags: {},
        attributes: {},
        instances: { 'network.virtual': { elements: [{ attributes: { name: 'x', sriov_totalvfs: '8' } }] } },
      }),
    ).toEqual({});
  });
});

describe('network source on this machine (root /)', () => {
  const base = '/sys/class/net';

  it(
    'lists /sys/class/net split by device presence',
    skipUnless(!existsSync(base) && 'this host has no /sys/class/net'),
    async () => {
      const entries = readdirSync(base)
        .filter((n) => n !== 'bonding_masters')
        .sort();
      const physical = entries.filter((n) => existsSync(join(base, n, 'device')));
      const virtual = entries.filter((n) => !existsSync(join(base, n, 'device')));
      const context = await thisMachineContext();
      const features = await networkSource.discover(context);
      expect(names(features, 'network.device')).toEqual(physical);
      expect(names(features, 'network.virtual')).toEqual(virtual);
      // EINVAL from `speed` of virtual links is expected and silent.
      expect(context.warnings).toEqual([]);
    },
  );
});
