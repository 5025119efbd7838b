import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Features } from '@nfd/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { skipUnless } from '../../../../test/support/skip.ts';
import { createHostFs } from '../host-fs.ts';
import { SourceError } from '../source.ts';
import {
  describeFixtureHosts,
  expectedFeatures,
  FIXTURE_HOSTS_DIR,
  fixtureContext,
  type TempHost,
  tempHost,
  testContext,
  thisMachineContext,
} from '../test-support.ts';
import { createPciSource, formatPciAttribute, PCI_DEFAULT_CONFIG, pciSource } from './pci.ts';

const DEV = 'sys/bus/pci/devices';

/** The five mandatory files of a device, as sysfs prints them. */
function device(
  addr: string,
  ids: { class: string; vendor: string; device: string; sv?: string; sd?: string },
) {
  return {
    [`${DEV}/${addr}/class`]: `${ids.class}\n`,
    [`${DEV}/${addr}/vendor`]: `${ids.vendor}\n`,
    [`${DEV}/${addr}/device`]: `${ids.device}\n`,
    [`${DEV}/${addr}/subsystem_vendor`]: `${ids.sv ?? '0x0000'}\n`,
    [`${DEV}/${addr}/subsystem_device`]: `${ids.sd ?? '0x0000'}\n`,
  };
}

let host: TempHost | undefined;
afterEach(async () => {
  await host?.remove();
  host = undefined;
});

describeFixtureHosts(pciSource, { expect: 'instances', noWarnings: true }, () => {
  it('gpu-node: the ASPEED VGA and the NVIDIA 3D controller are labelled, the SR-IOV NIC is not', async () => {
    const features = await pciSource.discover(await fixtureContext('gpu-node'));
    expect(pciSource.labels(features)).toEqual({ '0300_1a03.present': 'true', '0302_10de.present': 'true' });
  });

  it('reads through the in-pod /host-sys layout', async () => {
    const root = await mkdtemp(join(tmpdir(), 'nfd-pci-hostsys-'));
    try {
      symlinkSync(join(FIXTURE_HOSTS_DIR, 'gpu-node', 'sys'), join(root, 'host-sys'));
      const context = testContext(await createHostFs({ root, prefix: '/host-' }));
      const features = await pciSource.discover(context);
      expect(features.instances['pci.device']).toEqual(
        (await expectedFeatures('gpu-node')).instances['pci.device'],
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('pci attribute formatting', () => {
  it('drops 0x and the class programming-interface byte', () => {
    expect(formatPciAttribute('class', '0x030200\n')).toBe('0302');
    expect(formatPciAttribute('class', '0xffff00\n')).toBe('ffff');
    expect(formatPciAttribute('class', '0x03\n')).toBe('03');
    expect(formatPciAttribute('vendor', '0x10de\n')).toBe('10de');
    expect(formatPciAttribute('sriov_totalvfs', '8\n')).toBe('8');
  });

  it('keeps the case sysfs prints and only strips a leading 0x', () => {
    expect(formatPciAttribute('vendor', '0x10DE\n')).toBe('10DE');
    // TrimPrefix runs before TrimSpace upstream, so a leading blank keeps the 0x.
    expect(formatPciAttribute('vendor', ' 0x10de\n')).toBe('0x10de');
    expect(formatPciAttribute('iommu/intel-iommu/version', '1:0\n')).toBe('1:0');
    // Only `class` is cut to 4 characters.
    expect(formatPciAttribute('device', '0x123456\n')).toBe('123456');
  });
});

describe('pci discovery', () => {
  it('skips a device with a missing mandatory attribute and warns', async () => {
    const broken = device('0000:00:02.0', { class: '0x030000', vendor: '0x1234', device: '0x1111' });
    delete broken[`${DEV}/0000:00:02.0/subsystem_device`];
    host = await tempHost({
      ...device('0000:00:01.0', { class: '0x060000', vendor: '0x8086', device: '0x1237' }),
      ...broken,
      ...device('0000:00:03.0', { class: '0x020000', vendor: '0x8086', device: '0x100e' }),
    });
    const features = await pciSource.discover(host.context);
    expect(features.instances['pci.device']?.elements?.map((d) => d.attributes?.device)).toEqual([
      '1237',
      '100e',
    ]);
    expect(host.context.warnings).toHaveLength(1);
    expect(host.context.warnings[0]).toContain('0000:00:02.0');
    expect(host.context.warnings[0]).toContain('subsystem_device');
  });

  it('skips a device whose mandatory attribute is unreadable (a directory)', async () => {
    host = await tempHost({
      ...device('0000:00:01.0', { class: '0x060000', vendor: '0x8086', device: '0x1237' }),
      [`${DEV}/0000:00:01.0/vendor`]: '0x8086\n',
      [`${DEV}/0000:00:02.0/class`]: { dir: true },
      [`${DEV}/0000:00:02.0/vendor`]: '0x8086\n',
    });
    const features = await pciSource.discover(host.context);
    expect(features.instances['pci.device']?.elements).toHaveLength(1);
    expect(host.context.warnings).toHaveLength(1);
  });

  it('stores the optional attributes under their relative paths', async () => {
    host = await tempHost({
      ...device('0000:3b:00.0', {
        class: '0x0b4000',
        vendor: '0x8086',
        device: '0x37c8',
        sv: '0x8086',
        sd: '0x35cf',
      }),
      [`${DEV}/0000:3b:00.0/sriov_totalvfs`]: '16\n',
      [`${DEV}/0000:3b:00.0/sriov_numvfs`]: '0\n',
      [`${DEV}/0000:3b:00.0/iommu_group/type`]: 'identity\n',
      [`${DEV}/0000:3b:00.0/iommu/intel-iommu/version`]: '1:0\n',
      [`${DEV}/0000:3b:00.0/revision`]: '0x04\n',
    });
    const features = await pciSource.discover(host.context);
    expect(features).toEqual({
      flags: {},
      attributes: {},
      instances: {
        'pci.device': {
          elements: [
            {
              attributes: {
                class: '0b40',
                vendor: '8086',
                device: '37c8',
                subsystem_vendor: '8086',
                subsystem_device: '35cf',
                sriov_totalvfs: '16',
                'iommu_group/type': 'identity',
                'iommu/intel-iommu/version': '1:0',
              },
            },
          ],
        },
      },
    });
    expect(pciSource.labels(features)).toEqual({
      '0b40_8086.present': 'true',
      '0b40_8086.sriov.capable': 'true',
    });
  });

  it('labels sriov.capable for any sriov_totalvfs, even 0', async () => {
    host = await tempHost({
      ...device('0000:00:01.0', { class: '0x030000', vendor: '0x1af4', device: '0x1050' }),
      [`${DEV}/0000:00:01.0/sriov_totalvfs`]: '0\n',
    });
    const labels = pciSource.labels(await pciSource.discover(host.context));
    expect(labels).toEqual({ '0300_1af4.present': 'true', '0300_1af4.sriov.capable': 'true' });
  });

  it('follows device symlinks as a live sysfs has them', async () => {
    host = await tempHost({
      ...Object.fromEntries(
        Object.entries(device('x', { class: '0x120000', vendor: '0x1002', device: '0x74a1' })).map(
          ([p, v]) => [p.replace(`${DEV}/x`, 'sys/devices/pci0000:00/0000:00:01.0'), v],
        ),
      ),
      [`${DEV}/0000:00:01.0`]: { link: '../../../devices/pci0000:00/0000:00:01.0' },
    });
    const features = await pciSource.discover(host.context);
    expect(features.instances['pci.device']?.elements).toEqual([
      {
        attributes: {
          class: '1200',
          vendor: '1002',
          device: '74a1',
          subsystem_vendor: '0000',
          subsystem_device: '0000',
        },
      },
    ]);
  });

  it('gives an existing empty list for an empty devices directory', async () => {
    host = await tempHost({ [DEV]: { dir: true } });
    expect(await pciSource.discover(host.context)).toEqual({
      flags: {},
      attributes: {},
      instances: { 'pci.device': { elements: [] } },
    });
  });

  it('fails with SourceError when the devices directory is missing', async () => {
    host = await tempHost({ 'sys/bus/usb/devices': { dir: true } });
    const result = pciSource.discover(host.context);
    await expect(result).rejects.toBeInstanceOf(SourceError);
    await expect(pciSource.discover(host.context)).rejects.toMatchObject({ source: 'pci' });
  });

  it('fails with SourceError when the devices directory cannot be listed', async () => {
    host = await tempHost({ [DEV]: 'not a directory\n' });
    await expect(pciSource.discover(host.context)).rejects.toThrow(SourceError);
    await expect(pciSource.discover(host.context)).rejects.toThrow(/pci: failed to detect PCI devices/);
  });
});

describe('pci labels', () => {
  const features: Features = {
    flags: {},
    attributes: {},
    instances: {
      'pci.device': {
        elements: [
          {
            attributes: {
              class: '0b40',
              vendor: '8086',
              device: '37c8',
              subsystem_vendor: '8086',
              subsystem_device: '35cf',
            },
          },
          {
            attributes: {
              class: '0c80',
              vendor: '8086',
              device: 'a1a4',
              subsystem_vendor: '8086',
              subsystem_device: '35cf',
            },
          },
          {
            attributes: {
              class: '0200',
              vendor: '8086',
              device: '37d2',
              subsystem_vendor: '8086',
              subsystem_device: '35cf',
            },
          },
        ],
      },
    },
  };

  it('exports the upstream defaults', () => {
    expect(PCI_DEFAULT_CONFIG).toEqual({
      deviceClassWhitelist: ['03', '0b40', '12'],
      deviceLabelFields: ['class', 'vendor'],
    });
  });

  it('re-orders label fields canonically and ignores unknown ones', () => {
    const source = createPciSource({ deviceLabelFields: ['device', 'foo', 'vendor', 'class'] });
    expect(source.labels(features)).toEqual({ '0b40_8086_37c8.present': 'true' });
    expect(
      createPciSource({ deviceClassWhitelist: ['0c'], deviceLabelFields: ['foo', 'class'] }).labels(features),
    ).toEqual({
      '0c80.present': 'true',
    });
  });

  it('falls back to class,vendor when no field is valid or none is given', () => {
    expect(
      createPciSource({ deviceClassWhitelist: ['0c'], deviceLabelFields: ['foo', 'bar'] }).labels(features),
    ).toEqual({
      '0c80_8086.present': 'true',
    });
    expect(createPciSource({ deviceClassWhitelist: ['0c'], deviceLabelFields: [] }).labels(features)).toEqual(
      {
        '0c80_8086.present': 'true',
      },
    );
  });

  it('lower-cases whitelist entries and matches them as prefixes', () => {
    expect(createPciSource({ deviceClassWhitelist: ['0B', '02'] }).labels(features)).toEqual({
      '0b40_8086.present': 'true',
      '0200_8086.present': 'true',
    });
  });

  it('gives no labels when pci.device is absent', () => {
    expect(pciSource.labels({ flags: {}, attributes: {}, instances: {} })).toEqual({});
  });
});

describe('pci source on this machine (root /)', () => {
  const base = '/sys/bus/pci/devices';
  const listable = (() => {
    try {
      readdirSync(base);
      return true;
    } catch {
      return false;
    }
  })();

  it(
    'has one instance per device with readable mandatory attributes',
    skipUnless(!listable && 'this host has no listable /sys/bus/pci/devices'),
    async () => {
      const mandatory = ['class', 'vendor', 'device', 'subsystem_vendor', 'subsystem_device'];
      const readable = (path: string): boolean => {
        try {
          readFileSync(path);
          return true;
        } catch {
          return false;
        }
      };
      const entries = readdirSync(base).sort();
      const complete = entries.filter((entry) =>
        mandatory.every((file) => readable(join(base, entry, file))),
      );
      const context = await thisMachineContext();
      const elements = (await pciSource.discover(context)).instances['pci.device']?.elements ?? [];
      expect(elements).toHaveLength(complete.length);
      expect(context.warnings).toHaveLength(entries.length - complete.length);
      // Same order as the sorted listing: compare the vendor/device ids one by one.
      expect(elements.map((e) => `${e.attributes?.vendor}:${e.attributes?.device}`)).toEqual(
        complete.map((entry) =>
          ['vendor', 'device']
            .map((f) =>
              readFileSync(join(base, entry, f), 'utf8')
                .trim()
                .replace(/^0x/, ''),
            )
            .join(':'),
        ),
      );
    },
  );
});
