import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Features } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { createHostFs } from '../host-fs.ts';
import type { Arch, CpuidReader, SourceContext } from '../source.ts';
import { FIXTURE_HOSTS_DIR } from '../test-support.ts';
import { cpuSource } from './cpu-source.ts';
import { filterCpuidLabels } from './labels.ts';
import { loadLeavesFile } from './leaves-reader.ts';

const HOSTS = FIXTURE_HOSTS_DIR;

async function discover(
  host: string,
  arch: Arch,
  cpuid: CpuidReader | undefined,
): Promise<{ features: Features; warnings: string[] }> {
  const warnings: string[] = [];
  const ctx: SourceContext = {
    fs: await createHostFs({ root: join(HOSTS, host) }),
    arch,
    cpuid,
    now: new Date('2026-01-01T00:00:00Z'),
    nodeName: '',
    warn: (message) => warnings.push(message),
  };
  return { features: await cpuSource.discover(ctx), warnings };
}

function json<T>(host: string, file: string): T {
  return JSON.parse(readFileSync(join(HOSTS, host, file), 'utf8')) as T;
}

/** The `cpu.*` entries of each feature type. */
function cpuOnly(features: Features): Features {
  const pick = <T>(map: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(map).filter(([name]) => name.startsWith('cpu.')));
  return {
    flags: pick(features.flags),
    attributes: pick(features.attributes),
    instances: pick(features.instances),
  };
}

const PREFIX = 'feature.node.kubernetes.io/cpu-';

/** The worker's cpu labels (default blacklist) in their published form. */
function workerLabels(features: Features): Record<string, string> {
  const short = filterCpuidLabels(cpuSource.labels(features), features);
  return Object.fromEntries(Object.entries(short).map(([key, value]) => [`${PREFIX}${key}`, value]));
}

function expectedCpuLabels(host: string): Record<string, string> {
  const labels = json<Record<string, string>>(host, 'expected-labels.json');
  return Object.fromEntries(Object.entries(labels).filter(([key]) => key.startsWith(PREFIX)));
}

const thisMachineLeaves = (): Promise<CpuidReader> =>
  loadLeavesFile(join(HOSTS, 'this-machine/cpuid-leaves.json'));

describe('cpu source on the fixture hosts', () => {
  it('this-machine with raw CPUID (leaves dump): features equal expected-features.json', async () => {
    const { features, warnings } = await discover('this-machine', 'amd64', await thisMachineLeaves());
    expect(cpuOnly(features)).toEqual(cpuOnly(json<Features>('this-machine', 'expected-features.json')));
    expect(Object.keys(features.flags['cpu.cpuid']?.elements ?? {})).toHaveLength(73);
    expect(warnings).toEqual([]);
  });

  it('this-machine with raw CPUID: worker labels equal expected-labels.json', async () => {
    const { features } = await discover('this-machine', 'amd64', await thisMachineLeaves());
    expect(workerLabels(features)).toEqual(expectedCpuLabels('this-machine'));
  });

  it('this-machine without CPUID: cpuinfo fallback lacks exactly CETSS MOVU PSFD RDSEED STIBP_ALWAYSON', async () => {
    const { features, warnings } = await discover('this-machine', 'amd64', undefined);
    const expected = json<Features>('this-machine', 'expected-features.json');
    const want = Object.keys(expected.flags['cpu.cpuid']?.elements ?? {});
    const got = Object.keys(features.flags['cpu.cpuid']?.elements ?? {});
    expect(want.filter((name) => !got.includes(name)).sort()).toEqual([
      'CETSS',
      'MOVU',
      'PSFD',
      'RDSEED',
      'STIBP_ALWAYSON',
    ]);
    expect(got.filter((name) => !want.includes(name))).toEqual([]);
    expect(got).toHaveLength(68);
    // Everything else equals, except the hypervisor vendor, which procfs/sysfs cannot name here.
    const rest = cpuOnly(features);
    const wantRest = cpuOnly(expected);
    delete rest.flags['cpu.cpuid'];
    delete wantRest.flags['cpu.cpuid'];
    expect(rest.attributes['cpu.model']?.elements?.hypervisor).toBe('unknown');
    wantRest.attributes['cpu.model'] = {
      elements: { ...wantRest.attributes['cpu.model']?.elements, hypervisor: 'unknown' },
    };
    expect(rest).toEqual(wantRest);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/raw CPUID is not available/);
    // The warning names the flags the fallback cannot know (MOVU, PSFD, STIBP_ALWAYSON) or may miss.
    for (const name of ['CETSS', 'MOVU', 'PSFD', 'RDSEED', 'STIBP_ALWAYSON'])
      expect(warnings[0]).toContain(name);
  });

  it('gpu-node (cpuinfo mapping): features and worker labels equal the expected files', async () => {
    const { features, warnings } = await discover('gpu-node', 'amd64', undefined);
    expect(cpuOnly(features)).toEqual(cpuOnly(json<Features>('gpu-node', 'expected-features.json')));
    expect(Object.keys(features.flags['cpu.cpuid']?.elements ?? {})).toHaveLength(84);
    expect(workerLabels(features)).toEqual(expectedCpuLabels('gpu-node'));
    expect(warnings).toHaveLength(1);
  });

  it('arm-node (HWCAPs from the binary auxv): features and worker labels equal the expected files', async () => {
    const { features, warnings } = await discover('arm-node', 'arm64', undefined);
    expect(cpuOnly(features)).toEqual(cpuOnly(json<Features>('arm-node', 'expected-features.json')));
    expect(features.attributes['cpu.cpuid']).toBeUndefined();
    expect(workerLabels(features)).toEqual(expectedCpuLabels('arm-node'));
    expect(warnings).toEqual([]);
  });

  it('nfd export labels (no filter) also labels the blacklisted flags', async () => {
    const { features } = await discover('gpu-node', 'amd64', undefined);
    const labels = cpuSource.labels(features);
    expect(labels['cpuid.SSE42']).toBe('true');
    expect(labels['cpuid.HTT']).toBe('true');
    expect(labels.hardware_multithreading).toBe('true');
    // rdt and socket_count are never labelled.
    expect(Object.keys(labels).filter((key) => key.startsWith('rdt.') || key.includes('socket'))).toEqual([]);
  });
});
