import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Features } from '@nfd/spec';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeFixtureHosts,
  fixtureContext,
  type TempHost,
  tempHost,
  thisMachineContext,
} from '../test-support.ts';
import { createUsbSource, USB_DEFAULT_CONFIG, usbSource } from './usb.ts';

const DEV = 'sys/bus/usb/devices';

let host: TempHost | undefined;
afterEach(async () => {
  await host?.remove();
  host = undefined;
});

describeFixtureHosts(usbSource, { expect: 'instances', noWarnings: true }, () => {
  it('gpu-node: one instance per interface of a class-00 device, duplicates kept, in listing order', async () => {
    const features = await usbSource.discover(await fixtureContext('gpu-node'));
    expect(features.instances['usb.device']?.elements?.map((e) => e.attributes?.class)).toEqual([
      '03',
      '03',
      'ff',
      '09',
    ]);
  });
});

describe('usb discovery', () => {
  it('yields an existing empty list when bus/usb is missing', async () => {
    host = await tempHost({ 'sys/bus/pci/devices': { dir: true } });
    expect(await usbSource.discover(host.context)).toEqual({
      flags: {},
      attributes: {},
      instances: { 'usb.device': { elements: [] } },
    });
  });

  it('never fails: an unlistable devices directory is an empty list too', async () => {
    host = await tempHost({ [DEV]: 'not a directory\n' });
    expect((await usbSource.discover(host.context)).instances['usb.device']).toEqual({ elements: [] });
    expect(host.context.warnings).toEqual([]);
  });

  it('reads class/vendor/device/serial, trimmed, leaving out empty and missing ones', async () => {
    host = await tempHost({
      [`${DEV}/2-1/bDeviceClass`]: 'ef\n',
      [`${DEV}/2-1/idVendor`]: '8087\n',
      [`${DEV}/2-1/idProduct`]: '0a2b\n',
      [`${DEV}/2-1/serial`]: '\n',
      // No bDeviceClass at all: not "00", so reported as it is, without class.
      [`${DEV}/2-2/idVendor`]: '046d\n',
      [`${DEV}/2-2/idProduct`]: 'c52b\n',
      [`${DEV}/2-2/serial`]: '  SN 1  \n',
    });
    expect((await usbSource.discover(host.context)).instances['usb.device']?.elements).toEqual([
      { attributes: { class: 'ef', vendor: '8087', device: '0a2b' } },
      { attributes: { vendor: '046d', device: 'c52b', serial: 'SN 1' } },
    ]);
  });

  it('ignores entries without idProduct (interfaces, hubs ports)', async () => {
    host = await tempHost({
      [`${DEV}/1-1:1.0/bInterfaceClass`]: '03\n',
      [`${DEV}/1-1:1.0/idVendor`]: '0624\n',
      [`${DEV}/usb1/bDeviceClass`]: '09\n',
      [`${DEV}/usb1/idProduct`]: '0002\n',
      [`${DEV}/usb1/idVendor`]: '1d6b\n',
    });
    expect((await usbSource.discover(host.context)).instances['usb.device']?.elements).toEqual([
      { attributes: { class: '09', vendor: '1d6b', device: '0002' } },
    ]);
  });

  it('a class-00 device without interfaces yields nothing', async () => {
    host = await tempHost({
      [`${DEV}/1-2/bDeviceClass`]: '00\n',
      [`${DEV}/1-2/idProduct`]: '0001\n',
      [`${DEV}/1-2/ep_00/type`]: 'Control\n',
    });
    expect((await usbSource.discover(host.context)).instances['usb.device']).toEqual({ elements: [] });
  });

  it('expands class 00 into its interfaces, sorted by interface name', async () => {
    host = await tempHost({
      [`${DEV}/1-3/bDeviceClass`]: '00\n',
      [`${DEV}/1-3/idVendor`]: '0bda\n',
      [`${DEV}/1-3/idProduct`]: '8153\n',
      [`${DEV}/1-3/serial`]: '000001\n',
      [`${DEV}/1-3/1-3:1.1/bInterfaceClass`]: '0a\n',
      [`${DEV}/1-3/1-3:1.0/bInterfaceClass`]: 'ff\n',
      [`${DEV}/1-3/1-3:1.2/bInterfaceClass`]: 'ff\n',
    });
    const features = await usbSource.discover(host.context);
    const base = { vendor: '0bda', device: '8153', serial: '000001' };
    expect(features.instances['usb.device']?.elements).toEqual([
      { attributes: { ...base, class: 'ff' } },
      { attributes: { ...base, class: '0a' } },
      { attributes: { ...base, class: 'ff' } },
    ]);
    expect(usbSource.labels(features)).toEqual({ 'ff_0bda_8153.present': 'true' });
  });

  it('drops the whole device when an interface class cannot be read, and warns', async () => {
    host = await tempHost({
      [`${DEV}/1-1/bDeviceClass`]: '00\n',
      [`${DEV}/1-1/idProduct`]: '0001\n',
      [`${DEV}/1-1/1-1:1.0/bInterfaceClass`]: 'ff\n',
      [`${DEV}/1-1/1-1:1.1/bInterfaceClass`]: { dir: true },
      [`${DEV}/1-2/bDeviceClass`]: 'fe\n',
      [`${DEV}/1-2/idProduct`]: '0002\n',
    });
    const features = await usbSource.discover(host.context);
    expect(features.instances['usb.device']?.elements).toEqual([
      { attributes: { class: 'fe', device: '0002' } },
    ]);
    expect(host.context.warnings).toHaveLength(1);
    expect(host.context.warnings[0]).toContain('1-1');
  });

  it('follows device symlinks as a live sysfs has them', async () => {
    host = await tempHost({
      'sys/devices/pci0000:00/0000:00:14.0/usb1/1-4/bDeviceClass': 'ff\n',
      'sys/devices/pci0000:00/0000:00:14.0/usb1/1-4/idVendor': '0403\n',
      'sys/devices/pci0000:00/0000:00:14.0/usb1/1-4/idProduct': '6001\n',
      [`${DEV}/1-4`]: { link: '../../../devices/pci0000:00/0000:00:14.0/usb1/1-4' },
    });
    const features = await usbSource.discover(host.context);
    expect(features.instances['usb.device']?.elements).toEqual([
      { attributes: { class: 'ff', vendor: '0403', device: '6001' } },
    ]);
  });
});

describe('usb labels', () => {
  const features: Features = {
    flags: {},
    attributes: {},
    instances: {
      'usb.device': {
        elements: [
          { attributes: { class: 'ff', vendor: '0403', device: '6001', serial: 'A10K4ZQX' } },
          { attributes: { class: '0e', vendor: '046d', device: '0825' } },
          { attributes: { class: '03', vendor: '0624', device: '0249' } },
        ],
      },
    },
  };

  it('exports the upstream defaults', () => {
    expect(USB_DEFAULT_CONFIG).toEqual({
      deviceClassWhitelist: ['0e', 'ef', 'fe', 'ff'],
      deviceLabelFields: ['class', 'vendor', 'device'],
    });
  });

  it('labels whitelisted classes with class_vendor_device', () => {
    expect(usbSource.labels(features)).toEqual({
      'ff_0403_6001.present': 'true',
      '0e_046d_0825.present': 'true',
    });
  });

  it('re-orders fields canonically (class, vendor, device, serial); a missing field is empty', () => {
    const source = createUsbSource({
      deviceClassWhitelist: ['FF', '0E'],
      deviceLabelFields: ['serial', 'vendor', 'x'],
    });
    expect(source.labels(features)).toEqual({ '0403_A10K4ZQX.present': 'true', '046d_.present': 'true' });
  });

  it('falls back to the default fields when none is valid', () => {
    expect(
      createUsbSource({ deviceClassWhitelist: ['03'], deviceLabelFields: ['bogus'] }).labels(features),
    ).toEqual({
      '03_0624_0249.present': 'true',
    });
  });
});

describe('usb source on this machine (root /)', () => {
  it('discovers the devices with an idProduct, or none', async () => {
    const base = '/sys/bus/usb/devices';
    const dirs = existsSync(base)
      ? readdirSync(base)
          .sort()
          .filter((entry) => existsSync(join(base, entry, 'idProduct')))
      : [];
    const context = await thisMachineContext();
    const elements = (await usbSource.discover(context)).instances['usb.device']?.elements;
    expect(elements).toBeDefined();
    if (dirs.length === 0) expect(elements).toEqual([]);
    else expect(elements?.length).toBeGreaterThan(0);
  });
});
