import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostFs } from '../host-fs.ts';
import {
  describeFixtureHosts,
  type TempHost,
  type TreeEntry,
  tempHost,
  testContext,
  thisMachineContext,
} from '../test-support.ts';
import { parseOsRelease, SYSTEM_DMI_ATTRIBUTES, systemSource } from './system.ts';

let host: TempHost | undefined;
afterEach(async () => {
  await host?.remove();
  host = undefined;
});

async function discover(entries: Record<string, TreeEntry>, nodeName?: string) {
  host = await tempHost(entries, nodeName === undefined ? {} : { nodeName });
  const context = host.context;
  return { features: await systemSource.discover(context), context };
}

describeFixtureHosts(systemSource, { expect: 'features', noWarnings: false });

describe('system.osrelease', () => {
  it('strips surrounding quotes of both kinds, keeps escapes and inner quotes, later duplicates win', () => {
    const text = [
      'NAME="Ubuntu"',
      "ID='ubuntu'",
      'PRETTY_NAME="Ubuntu \\"Jammy\\" 22.04"',
      'VARIANT="it\'s"',
      'ANSI_COLOR="0;38;2;233;84;32"',
      'QUOTES="\'"mixed"\'"',
      'EMPTY=',
      'EMPTY_QUOTED=""',
      '# COMMENT=1',
      ' INDENTED=1',
      'lower_case=ok',
      'HAS-DASH=no',
      'SPACED = no',
      'EQUALS=a=b',
      'ID=ubuntu2',
      'CRLF="x"\r',
      'TABS=\tvalue\t',
    ].join('\n');
    expect(parseOsRelease(text)).toEqual({
      NAME: 'Ubuntu',
      ID: 'ubuntu2',
      PRETTY_NAME: 'Ubuntu \\"Jammy\\" 22.04',
      VARIANT: "it's",
      ANSI_COLOR: '0;38;2;233;84;32',
      QUOTES: 'mixed',
      EMPTY_QUOTED: '',
      lower_case: 'ok',
      EQUALS: 'a=b',
      CRLF: 'x',
      TABS: '\tvalue\t',
    });
  });

  it.each([
    ['22.04', { 'VERSION_ID.major': '22', 'VERSION_ID.minor': '04' }],
    ['12', { 'VERSION_ID.major': '12' }],
    ['9.3.1', { 'VERSION_ID.major': '9', 'VERSION_ID.minor': '3' }],
    ['8.', { 'VERSION_ID.major': '8' }],
    ['3.18.4_rc1', { 'VERSION_ID.major': '3', 'VERSION_ID.minor': '18' }],
    // The optional minor group gives way so that the trailing group can match.
    ['2024.1-lts', { 'VERSION_ID.major': '2024' }],
    ['rolling', {}],
    ['v1.2', {}],
  ])('VERSION_ID %j -> %j', (versionId, parts) => {
    expect(parseOsRelease(`ID=x\nVERSION_ID="${versionId}"\n`)).toEqual({
      ID: 'x',
      VERSION_ID: versionId,
      ...parts,
    });
  });

  it('stops at a line of 64 KiB or more, as bufio.Scanner does', () => {
    const long = `LONG=${'x'.repeat(65536)}`;
    expect(parseOsRelease(`ID=a\n${long}\nVERSION_ID=1\n`)).toEqual({ ID: 'a' });
    const fits = `LONG=${'x'.repeat(65530)}`;
    expect(Object.keys(parseOsRelease(`ID=a\n${fits}\nVERSION_ID=1\n`))).toEqual([
      'ID',
      'LONG',
      'VERSION_ID',
      'VERSION_ID.major',
    ]);
  });

  it('labels ID, VERSION_ID and its parts only', async () => {
    const { features } = await discover({
      'etc/os-release': 'NAME=Fedora\nID=fedora\nVERSION_ID=40\nVERSION_CODENAME=""\n',
    });
    expect(systemSource.labels(features)).toEqual({
      'os_release.ID': 'fedora',
      'os_release.VERSION_ID': '40',
      'os_release.VERSION_ID.major': '40',
    });
  });

  it('is absent without <etc>/os-release (no /usr/lib/os-release fallback)', async () => {
    const { features, context } = await discover({ 'usr/lib/os-release': 'ID=fallback\n' });
    expect(features.attributes['system.osrelease']).toBeUndefined();
    expect(systemSource.labels(features)).toEqual({});
    expect(context.warnings.some((w) => w.startsWith('failed to get os-release'))).toBe(true);
  });

  it('reads the prefixed etc directory in a pod', async () => {
    host = await tempHost({ 'host-etc/os-release': 'ID=host\n', 'etc/os-release': 'ID=container\n' });
    const pod = await createHostFs({ root: host.root, prefix: '/host-' });
    expect((await systemSource.discover(testContext(pod))).attributes['system.osrelease']).toEqual({
      elements: { ID: 'host' },
    });
  });
});

describe('system.name', () => {
  it('is always present, "" without a node name', async () => {
    const { features } = await discover({});
    expect(features.attributes['system.name']).toEqual({ elements: { nodename: '' } });
  });

  it('takes the node name from the context', async () => {
    const { features } = await discover({}, 'worker-1');
    expect(features.attributes['system.name']).toEqual({ elements: { nodename: 'worker-1' } });
    expect(systemSource.labels(features)).toEqual({});
  });
});

describe('system.dmiid', () => {
  const DMI = 'sys/devices/virtual/dmi/id';

  it('reads the 16 names, trimmed; unreadable ones skipped; serials and UUIDs never read', async () => {
    const entries: Record<string, TreeEntry> = {
      [`${DMI}/sys_vendor`]: '  Dell Inc. \n',
      [`${DMI}/product_name`]: 'PowerEdge XE9680\n',
      [`${DMI}/product_version`]: '\n',
      [`${DMI}/board_name`]: { dir: true },
      [`${DMI}/product_serial`]: 'SECRET\n',
      [`${DMI}/product_uuid`]: '4c4c4544-0000\n',
      [`${DMI}/bios_release`]: '1.6\n',
    };
    const { features, context } = await discover(entries);
    expect(features.attributes['system.dmiid']).toEqual({
      elements: { sys_vendor: 'Dell Inc.', product_name: 'PowerEdge XE9680', product_version: '' },
    });
    expect(context.warnings.filter((w) => w.startsWith('failed to get DMI entry'))).toHaveLength(13);
    // dmiid makes no labels.
    expect(systemSource.labels(features)).toEqual({});
  });

  it('is absent when none can be read', async () => {
    const { features } = await discover({ [`${DMI}/product_serial`]: 'x\n' });
    expect(features.attributes['system.dmiid']).toBeUndefined();
    expect(SYSTEM_DMI_ATTRIBUTES).toHaveLength(16);
  });
});

describe('system source on this machine (root /)', () => {
  it('system.osrelease.ID equals the ID of /etc/os-release', async () => {
    const features = await systemSource.discover(await thisMachineContext());
    const line = readFileSync('/etc/os-release', 'utf8')
      .split('\n')
      .findLast((l) => l.startsWith('ID='));
    const id = line?.slice('ID='.length).replace(/^["']+|["']+$/g, '');
    expect(id).toBeTruthy();
    expect(features.attributes['system.osrelease']?.elements?.ID).toBe(id);
  });
});
