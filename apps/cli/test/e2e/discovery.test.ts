import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
// The fixture hosts, in the repository (test/fixtures/hosts); a missing host fails its tests.
const hosts = join(repo, 'test', 'fixtures', 'hosts');

function nfd(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(bin, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const fixture = (host: string, file: string) => readFileSync(join(hosts, host, file), 'utf8');
const leaves = join(hosts, 'this-machine', 'cpuid-leaves.json');
const hostArgs = (host: string) => [
  '--host-root',
  join(hosts, host),
  ...(host === 'this-machine' ? ['--cpuid-leaves', leaves] : []),
];

describe('export on the fixture hosts', () => {
  it.each(['this-machine', 'gpu-node', 'arm-node'])(
    '%s: export features is expected-features.json byte for byte',
    (host) => {
      const result = nfd(['export', 'features', ...hostArgs(host)]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(fixture(host, 'expected-features.json'));
    },
  );

  it.each(['this-machine', 'gpu-node', 'arm-node'])(
    '%s: the NodeFeature carries the worker labels of expected-labels.json',
    (host) => {
      const result = nfd(['export', 'features', '--nodefeature', '--node-name', host, ...hostArgs(host)]);
      expect(result.code).toBe(0);
      const nodeFeature = JSON.parse(result.stdout);
      expect(nodeFeature.apiVersion).toBe('nfd.k8s-sigs.io/v1alpha1');
      expect(nodeFeature.kind).toBe('NodeFeature');
      expect(nodeFeature.metadata).toEqual({
        name: host,
        labels: { 'nfd.node.kubernetes.io/node-name': host },
      });
      expect(nodeFeature.spec.features).toEqual(JSON.parse(fixture(host, 'expected-features.json')));
      expect(nodeFeature.spec.labels).toEqual(JSON.parse(fixture(host, 'expected-labels.json')));
    },
  );

  it('export labels adds the cpuid flags the worker blacklists, and nothing else', () => {
    const result = nfd(['export', 'labels', ...hostArgs('gpu-node')]);
    expect(result.code).toBe(0);
    const labels: Record<string, string> = JSON.parse(result.stdout);
    const expected: Record<string, string> = JSON.parse(fixture('gpu-node', 'expected-labels.json'));
    for (const [key, value] of Object.entries(expected)) expect(labels[key]).toBe(value);
    const extra = Object.keys(labels).filter((key) => !(key in expected));
    expect(extra.length).toBeGreaterThan(0);
    for (const key of extra)
      expect(key).toMatch(
        /^feature\.node\.kubernetes\.io\/cpu-cpuid\.(BMI1|BMI2|CLMUL|CMOV|CX16|ERMS|F16C|HTT|LZCNT|MMX|MMXEXT|NX|POPCNT|RDRAND|RDSEED|RDTSCP|SGX|SGXLC|SSE|SSE2|SSE3|SSE4|SSE42|SSSE3|AVX10|TDX_GUEST)$/,
      );
  });

  it('honours the /host-* layout of a pod (hostPath mounts), unprefixed /proc paths staying put', () => {
    const root = mkdtempSync(join(tmpdir(), 'nfd-pod-'));
    const gpu = join(hosts, 'gpu-node');
    for (const dir of ['sys', 'etc', 'boot', 'lib', 'usr']) {
      if (existsSync(join(gpu, dir))) symlinkSync(join(gpu, dir), join(root, `host-${dir}`));
    }
    symlinkSync(join(gpu, 'proc'), join(root, 'host-proc'));
    symlinkSync(join(gpu, 'proc'), join(root, 'proc'));
    symlinkSync(join(gpu, 'etc'), join(root, 'etc'));
    // The resctrl mount is read from the process's own /sys (features.md §1.2).
    symlinkSync(join(gpu, 'sys'), join(root, 'sys'));
    const result = nfd(['export', 'features', '--host-root', root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(fixture('gpu-node', 'expected-features.json'));
  });

  it('reports a failing source on stderr and still gives the others', () => {
    const root = mkdtempSync(join(tmpdir(), 'nfd-broken-'));
    symlinkSync(join(hosts, 'gpu-node', 'proc'), join(root, 'proc'));
    symlinkSync(join(hosts, 'gpu-node', 'etc'), join(root, 'etc'));
    const result = nfd(['export', 'features', '--host-root', root, '--sources', 'pci,system']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('feature source failed, its features are missing: pci:');
    const features = JSON.parse(result.stdout);
    expect(features.instances['pci.device']).toBeUndefined();
    expect(features.attributes['system.osrelease'].elements.ID).toBe('ubuntu');
  });

  it('rejects an unknown source name as a usage error', () => {
    const result = nfd(['export', 'features', '--sources', 'cpu,gpu']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown feature source "gpu"');
  });
});

describe('features files in both forms', () => {
  it('dryrun -n and validate-node --features read export features output and NodeFeature objects alike', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfd-forms-'));
    const bare = join(dir, 'features.json');
    const wrapped = join(dir, 'nodefeature.json');
    writeFileSync(bare, nfd(['export', 'features', ...hostArgs('gpu-node')]).stdout);
    writeFileSync(
      wrapped,
      nfd(['export', 'features', '--nodefeature', '--node-name', 'g', ...hostArgs('gpu-node')]).stdout,
    );
    const spec = 'examples/image-compatibility.yaml';
    const fromBare = nfd(['compat', 'validate-node', '--spec', spec, '--features', bare, '--output-json']);
    const fromWrapped = nfd([
      'compat',
      'validate-node',
      '--spec',
      spec,
      '--features',
      wrapped,
      '--output-json',
    ]);
    expect(fromBare.code).toBe(0);
    expect(fromBare.stdout).toBe(fromWrapped.stdout);
    const rule = join(repo, 'packages', 'commands', 'test', 'fixtures', 'nodefeaturerule.yaml');
    expect(nfd(['dryrun', '-f', rule, '-n', bare, '-o', 'json']).stdout).toBe(
      nfd(['dryrun', '-f', rule, '-n', wrapped, '-o', 'json']).stdout,
    );
  });
});

/** Facts about this machine read directly, independently of our sources. */
function hostFacts() {
  const osrelease = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  const modules = existsSync('/proc/modules')
    ? readFileSync('/proc/modules', 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => line.split(' ')[0])
    : undefined;
  const osId = /^ID=("?)([^"\n]*)\1$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[2];
  const pciDevices = existsSync('/sys/bus/pci/devices') ? readdirSync('/sys/bus/pci/devices').length : 0;
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const kconfig = existsSync('/proc/config.gz')
    ? gunzipSync(readFileSync('/proc/config.gz')).toString('utf8')
    : '';
  return { osrelease, modules, osId, pciDevices, cpuinfo, kconfig };
}

describe('export features on this machine', () => {
  const facts = hostFacts();
  const result = nfd(['export', 'features']);
  const features = JSON.parse(result.stdout);

  it('runs cleanly and finds every default source’s features', () => {
    expect(result.code).toBe(0);
    for (const name of ['cpu.model', 'kernel.version', 'system.osrelease', 'memory.numa', 'local.label']) {
      expect(features.attributes[name], name).toBeDefined();
    }
    for (const name of ['pci.device', 'network.virtual', 'storage.block', 'usb.device', 'memory.nv']) {
      expect(features.instances[name], name).toBeDefined();
    }
  });

  it('agrees with the kernel release, loaded modules, os-release and PCI devices read directly', () => {
    expect(features.attributes['kernel.version'].elements.full).toBe(facts.osrelease);
    if (facts.modules === undefined) expect(features.flags['kernel.loadedmodule']).toBeUndefined();
    else
      expect(Object.keys(features.flags['kernel.loadedmodule'].elements).sort()).toEqual(
        [...facts.modules].sort(),
      );
    expect(features.attributes['system.osrelease'].elements.ID).toBe(facts.osId);
    expect(features.instances['pci.device'].elements.length).toBeLessThanOrEqual(facts.pciDevices);
    expect(features.instances['pci.device'].elements.length).toBeGreaterThan(0);
  });

  it('reads the CPU as /proc/cpuinfo describes it', () => {
    const vendor = /^vendor_id\s*:\s*(\S+)/m.exec(facts.cpuinfo)?.[1];
    const names: Record<string, string> = {
      GenuineIntel: 'Intel',
      AuthenticAMD: 'AMD',
      HygonGenuine: 'Hygon',
    };
    if (vendor !== undefined && vendor in names) {
      expect(features.attributes['cpu.model'].elements.vendor_id).toBe(names[vendor]);
    }
    const flags = new Set(/^flags\s*:(.*)$/m.exec(facts.cpuinfo)?.[1]?.trim().split(/\s+/) ?? []);
    const cpuid = features.flags['cpu.cpuid'].elements;
    for (const [cpuinfoFlag, nfdFlag] of [
      ['avx2', 'AVX2'],
      ['sse4_2', 'SSE42'],
      ['aes', 'AESNI'],
      ['avx512f', 'AVX512F'],
    ]) {
      if (flags.has(cpuinfoFlag as string)) expect(cpuid[nfdFlag as string], nfdFlag).toEqual({});
    }
  });
});

describe('the main job on this machine', () => {
  it('validate-node --spec examples/container-runtime.yaml reports what this host has', () => {
    const facts = hostFacts();
    const result = nfd([
      'compat',
      'validate-node',
      '--spec',
      'examples/container-runtime.yaml',
      '--output-json',
    ]);
    const report = JSON.parse(result.stdout);
    const [optimized, portable] = report;
    const flags = new Set(/^flags\s*:(.*)$/m.exec(facts.cpuinfo)?.[1]?.trim().split(/\s+/) ?? []);
    const v3 = ['avx2', 'bmi1', 'bmi2', 'fma', 'movbe', 'f16c'].every((flag) => flags.has(flag));
    expect(optimized.rules[0].isMatch).toBe(v3);
    const [major = 0, minor = 0] = facts.osrelease.split(/[.-]/).map(Number);
    const kernelOk =
      (major > 5 || (major === 5 && minor >= 10)) &&
      ['IO_URING', 'BPF_SYSCALL', 'MEMCG'].every((option) => facts.kconfig.includes(`CONFIG_${option}=y`));
    expect(optimized.rules[1].isMatch).toBe(kernelOk);
    expect(portable.rules[0].isMatch).toBe(flags.has('lm'));
    expect(result.code).toBe(
      report.some((set: { rules: { isMatch: boolean }[] }) => set.rules.every((r) => r.isMatch)) ? 0 : 1,
    );
  });

  it('test -f runs a NodeFeatureRule against this host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfd-test-'));
    const rule = join(dir, 'rule.yaml');
    writeFileSync(
      rule,
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata: {name: r}\nspec:\n  rules:\n  - name: kernel\n    labelsTemplate: "{{ range .kernel.version }}vendor.io/kernel-{{ .Name }}={{ .Value }}\\n{{ end }}"\n    matchFeatures:\n    - feature: kernel.version\n      matchName: {op: In, value: [major, minor]}\n',
    );
    const result = nfd(['test', '-f', rule, '-o', 'json']);
    expect(result.code).toBe(0);
    const [major, minor] = hostFacts().osrelease.split('.');
    expect(JSON.parse(result.stdout).labels).toEqual({
      'vendor.io/kernel-major': major,
      'vendor.io/kernel-minor': minor,
    });
  });
});

describe('a hostile host root (issue 15)', () => {
  it('skips FIFOs, devices, link loops and huge files with a warning each, in bounded time and memory', () => {
    const root = mkdtempSync(join(tmpdir(), 'nfd-hostile-'));
    cpSync(join(hosts, 'gpu-node'), root, { recursive: true });
    // A FIFO where cpuinfo is (a blocking open would wait for a writer forever).
    rmSync(join(root, 'proc', 'cpuinfo'), { force: true });
    expect(spawnSync('mkfifo', [join(root, 'proc', 'cpuinfo')]).status).toBe(0);
    // /dev/zero behind a link where the module list is (an endless read).
    rmSync(join(root, 'proc', 'modules'), { force: true });
    symlinkSync('/dev/zero', join(root, 'proc', 'modules'));
    // A 1 GB sparse file as the os-release, a link loop as the kernel release.
    const osRelease = join(root, 'etc', 'os-release');
    rmSync(osRelease, { force: true });
    writeFileSync(osRelease, '');
    truncateSync(osRelease, 1024 ** 3);
    const release = join(root, 'proc', 'sys', 'kernel', 'osrelease');
    rmSync(release, { force: true });
    symlinkSync('osrelease.loop', release);
    symlinkSync('osrelease', join(root, 'proc', 'sys', 'kernel', 'osrelease.loop'));
    const started = Date.now();
    const result = spawnSync('/usr/bin/time', ['-f', '%M', bin, 'export', 'features', '--host-root', root], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 20_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).attributes['kernel.version']).toBeUndefined();
    const peakKiB = Number(result.stderr.trim().split('\n').at(-1));
    expect(peakKiB).toBeLessThan(512 * 1024);
    expect(result.stderr).toContain('warning: cpu: skipped /proc/cpuinfo: a FIFO, not a file\n');
    expect(result.stderr).toContain(
      'warning: kernel: skipped /proc/modules: a character device, not a file\n',
    );
    expect(result.stderr).toContain('warning: system: skipped /etc/os-release: larger than 4 MiB');
    expect(result.stderr).toContain(
      'warning: kernel: skipped /proc/sys/kernel/osrelease: a symbolic link loop\n',
    );
    expect(result.stderr).not.toMatch(/ {4}at |Error:/);
    rmSync(root, { recursive: true, force: true });
  });

  it('is a usage error (exit 2) when the host root does not exist or is not a directory', () => {
    const missing = nfd(['export', 'features', '--host-root', join(tmpdir(), 'nfd-no-such-root')]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toBe(
      `error: --host-root ${join(tmpdir(), 'nfd-no-such-root')}: no such directory\n`,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'nfd-root-file-')), 'file');
    writeFileSync(file, 'x');
    expect(nfd(['export', 'features', '--host-root', file])).toMatchObject({
      code: 2,
      stderr: `error: --host-root ${file}: not a directory\n`,
    });
  });
});
