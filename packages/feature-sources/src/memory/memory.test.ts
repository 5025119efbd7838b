import { afterEach, describe, expect, it } from 'vitest';
import { createHostFs } from '../host-fs.ts';
import {
  describeFixtureHosts,
  type TempHost,
  type TreeEntry,
  tempHost,
  testContext,
} from '../test-support.ts';
import { hugepageQuantity, memorySource } from './memory.ts';

let host: TempHost | undefined;
afterEach(async () => {
  await host?.remove();
  host = undefined;
});

async function discover(entries: Record<string, TreeEntry>) {
  host = await tempHost(entries);
  const context = host.context;
  return { features: await memorySource.discover(context), context };
}

describeFixtureHosts(memorySource, { expect: 'features', noWarnings: true });

describe('memory.numa', () => {
  it('counts every entry; more than one is NUMA', async () => {
    const { features } = await discover({
      'sys/bus/node/devices/node0/cpulist': '0-3\n',
      'sys/bus/node/devices/node1/cpulist': '4-7\n',
      'sys/bus/node/devices/node2/cpulist': '\n',
    });
    expect(features.attributes['memory.numa']).toEqual({ elements: { is_numa: 'true', node_count: '3' } });
    expect(memorySource.labels(features)).toEqual({ numa: 'true' });
  });

  it('is absent when bus/node/devices cannot be listed', async () => {
    const { features, context } = await discover({ 'sys/bus/cpu/x': '' });
    expect(features.attributes['memory.numa']).toBeUndefined();
    expect(context.warnings.some((w) => w.startsWith('failed to detect NUMA nodes'))).toBe(true);
  });
});

describe('memory.swap', () => {
  it.each([
    ['Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n', 'false'],
    ['Filename\tType\tSize\tUsed\tPriority\n/swapfile file 4194300 0 -2\n', 'true'],
    ['Filename\tType\n\n   \n\t\n', 'false'],
    ['', 'false'],
    ['/dev/a partition 1 0 -2\n/dev/b partition 1 0 -3', 'true'],
  ])('%j -> enabled %s', async (swaps, enabled) => {
    const { features } = await discover({ 'proc/swaps': swaps });
    expect(features.attributes['memory.swap']).toEqual({ elements: { enabled } });
    // The label is `swap`, not the documented `swap.enabled` (features.md §7).
    expect(memorySource.labels(features)).toEqual(enabled === 'true' ? { swap: 'true' } : {});
  });

  it('is absent without <proc>/swaps, and read from the prefixed proc directory in a pod', async () => {
    const { features } = await discover({});
    expect(features.attributes['memory.swap']).toBeUndefined();
    const root = host?.root ?? '';
    await host?.remove();
    host = await tempHost({ 'host-proc/swaps': 'Filename\n/swap file 1 0 -2\n', 'proc/swaps': 'Filename\n' });
    const pod = await createHostFs({ root: host.root, prefix: '/host-' });
    expect((await memorySource.discover(testContext(pod))).attributes['memory.swap']).toEqual({
      elements: { enabled: 'true' },
    });
    expect(root).not.toBe(host.root);
  });
});

describe('memory.nv', () => {
  it('is an empty list when bus/nd/devices is missing', async () => {
    const { features } = await discover({});
    expect(features.instances['memory.nv']).toEqual({ elements: [] });
    expect(memorySource.labels(features)).toEqual({});
  });

  it('lists devices in name order with devtype and mode when readable', async () => {
    const { features } = await discover({
      'sys/bus/nd/devices/region1/devtype': 'nd_pmem\n',
      'sys/bus/nd/devices/dax0.0/devtype': 'nd_dax\n',
      'sys/bus/nd/devices/dax0.0/mode': 'devdax\n',
      'sys/bus/nd/devices/btt0.0/mode': ' safe \n',
    });
    expect(features.instances['memory.nv']).toEqual({
      elements: [
        { attributes: { name: 'btt0.0', mode: 'safe' } },
        { attributes: { name: 'dax0.0', devtype: 'nd_dax', mode: 'devdax' } },
        { attributes: { name: 'region1', devtype: 'nd_pmem' } },
      ],
    });
    expect(memorySource.labels(features)).toEqual({ 'nv.present': 'true', 'nv.dax': 'true' });
  });

  it('is absent when bus/nd/devices exists but cannot be listed', async () => {
    const { features } = await discover({ 'sys/bus/nd/devices': 'not a directory' });
    expect(features.instances['memory.nv']).toBeUndefined();
  });
});

describe('memory.hugepages', () => {
  it.each([
    ['2048', '2Mi'],
    ['1048576', '1Gi'],
    ['64', '64Ki'],
    ['32768', '32Mi'],
    ['524288', '512Mi'],
    ['1536', '1536Ki'],
    ['16', '16Ki'],
    ['16777216', '16Gi'],
    ['17179869184', '16Ti'],
    ['0', '0'],
    ['', '0'],
    // ParseQuantity keeps the input text when it is "already canonical" (not divisible by 8).
    ['100', '100Ki'],
    ['0100', '0100Ki'],
    ['+100', '+100Ki'],
    ['1.', '1.Ki'],
    ['0008', '8Ki'],
    // Fractions and values below 1Ki come out as DecimalSI.
    ['1.5', '1536'],
    ['0.5', '512'],
    ['0.9765625', '1k'],
    ['0.0000000001', '103n'],
    ['-2048', '-2Mi'],
  ])('page size %j KiB -> hugepages-%s', (pageSize, quantity) => {
    expect(hugepageQuantity(pageSize)).toBe(quantity);
  });

  it.each(['2M', '1e3', 'abc', '1.5.3', '2Ki'])('page size %j does not parse', (pageSize) => {
    expect(hugepageQuantity(pageSize)).toBeUndefined();
  });

  it('names sizes as quantities, enabled when any count is > 0', async () => {
    const { features, context } = await discover({
      'sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages': '1024\n',
      'sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages': '0\n',
      'sys/kernel/mm/hugepages/hugepages-64kB/free_hugepages': '0\n',
      'sys/kernel/mm/hugepages/hugepages-bogusMB/nr_hugepages': '3\n',
      'sys/kernel/mm/hugepages/README': 'not a directory\n',
    });
    expect(features.attributes['memory.hugepages']).toEqual({
      elements: { enabled: 'true', 'hugepages-2Mi': '1024', 'hugepages-1Gi': '0', 'hugepages-64Ki': '' },
    });
    // The unreadable count is still stored (empty); the unparsable size is skipped; both logged.
    expect(context.warnings.filter((w) => w.includes('hugepages'))).toHaveLength(2);
    // hugepages make no labels.
    expect(memorySource.labels(features)).toEqual({});
  });

  it.each([
    ['0', 'false'],
    ['-1', 'false'],
    ['+3', 'true'],
    ['007', 'true'],
    ['1.5', 'false'],
    ['99999999999999999999', 'false'],
  ])('count %j -> enabled %s', async (count, enabled) => {
    const { features } = await discover({
      'sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages': `${count}\n`,
    });
    expect(features.attributes['memory.hugepages']).toEqual({
      elements: { enabled, 'hugepages-2Mi': count },
    });
  });

  it('is just enabled=false when the directory is missing; absent when it cannot be listed', async () => {
    const { features } = await discover({});
    expect(features.attributes['memory.hugepages']).toEqual({ elements: { enabled: 'false' } });
    await host?.remove();
    const broken = await discover({ 'sys/kernel/mm/hugepages': 'a file' });
    expect(broken.features.attributes['memory.hugepages']).toBeUndefined();
  });
});
