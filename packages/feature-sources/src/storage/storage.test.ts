import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstanceFeature } from '@nfd/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { skipUnless } from '../../../../test/support/skip.ts';
import { SourceError } from '../source.ts';
import { describeFixtureHosts, type TempHost, tempHost, thisMachineContext } from '../test-support.ts';
import { storageSource } from './storage.ts';

const BLOCK = 'sys/block';

let host: TempHost | undefined;
afterEach(async () => {
  await host?.remove();
  host = undefined;
});

describeFixtureHosts(storageSource, { expect: 'instances', noWarnings: true });

describe('storage discovery', () => {
  it('reads the queue files trimmed, skipping missing ones, in sorted order', async () => {
    host = await tempHost({
      [`${BLOCK}/sdb/queue/rotational`]: '1\n',
      [`${BLOCK}/sdb/queue/zoned`]: 'host-managed\n',
      [`${BLOCK}/sdb/queue/nr_zones`]: '55880\n',
      [`${BLOCK}/dm-0/queue/rotational`]: ' 0 \n',
      [`${BLOCK}/dm-0/queue/dax`]: '1\n',
      [`${BLOCK}/dm-0/queue/scheduler`]: 'none\n',
      // No queue directory at all: just the name.
      [`${BLOCK}/ram0/size`]: '0\n',
    });
    const features = await storageSource.discover(host.context);
    expect(features).toEqual({
      flags: {},
      attributes: {},
      instances: {
        'storage.block': {
          elements: [
            { attributes: { name: 'dm-0', rotational: '0', dax: '1' } },
            { attributes: { name: 'ram0' } },
            { attributes: { name: 'sdb', rotational: '1', zoned: 'host-managed', nr_zones: '55880' } },
          ],
        },
      },
    });
    expect(storageSource.labels(features)).toEqual({ nonrotationaldisk: 'true' });
  });

  it('follows block device links as a live sysfs has them', async () => {
    host = await tempHost({
      'sys/devices/virtual/block/loop0/queue/rotational': '0\n',
      [`${BLOCK}/loop0`]: { link: '../devices/virtual/block/loop0' },
    });
    expect((await storageSource.discover(host.context)).instances['storage.block']?.elements).toEqual([
      { attributes: { name: 'loop0', rotational: '0' } },
    ]);
  });

  it('gives an existing empty list for an empty block directory', async () => {
    host = await tempHost({ [BLOCK]: { dir: true } });
    expect((await storageSource.discover(host.context)).instances).toEqual({
      'storage.block': { elements: [] },
    });
  });

  it('fails with SourceError when block is missing or not listable', async () => {
    host = await tempHost({ 'sys/class/net': { dir: true } });
    await expect(storageSource.discover(host.context)).rejects.toBeInstanceOf(SourceError);
    await host.remove();
    host = await tempHost({ [BLOCK]: 'file\n' });
    await expect(storageSource.discover(host.context)).rejects.toMatchObject({ source: 'storage' });
  });
});

describe('storage labels', () => {
  const label = (rotational: (string | undefined)[]) =>
    storageSource.labels({
      flags: {},
      attributes: {},
      instances: {
        'storage.block': {
          elements: rotational.map((r, i): InstanceFeature => {
            const attributes: Record<string, string> = { name: `d${i}` };
            if (r !== undefined) attributes.rotational = r;
            return { attributes };
          }),
        },
      },
    });

  it('nonrotationaldisk only for a rotational value of exactly "0"', () => {
    expect(label(['1', '0'])).toEqual({ nonrotationaldisk: 'true' });
    expect(label(['1', undefined, '00'])).toEqual({});
    expect(label([])).toEqual({});
    expect(storageSource.labels({ flags: {}, attributes: {}, instances: {} })).toEqual({});
  });
});

describe('storage source on this machine (root /)', () => {
  const base = '/sys/block';

  it(
    'lists /sys/block with each rotational value',
    skipUnless(!existsSync(base) && 'this host has no /sys/block'),
    async () => {
      const entries = readdirSync(base).sort();
      const context = await thisMachineContext();
      const elements = (await storageSource.discover(context)).instances['storage.block']?.elements ?? [];
      expect(elements.map((e) => e.attributes?.name)).toEqual(entries);
      for (const [i, entry] of entries.entries()) {
        const path = join(base, entry, 'queue', 'rotational');
        if (existsSync(path))
          expect(elements[i]?.attributes?.rotational).toBe(readFileSync(path, 'utf8').trim());
      }
    },
  );
});
