import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNodeFeatureRule } from '@nfd/spec';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { run } from '../../test/host.ts';

// --apply talks to the cluster through connectWithFlags: a recorder stands in for it here (the
// wire format is the kube client's tests' business).
const created: object[] = [];
const connectFailure: { error?: Error } = {};
vi.mock('../kube/index.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../kube/index.ts')>();
  return {
    ...original,
    connectWithFlags: async () => {
      if (connectFailure.error !== undefined) throw connectFailure.error;
      return {
        namespace: 'default',
        applyNodeFeatureRule: async (rule: object) => {
          created.push(rule);
          return { generation: 1 };
        },
      };
    },
  };
});

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const example = 'examples/image-compatibility.yaml';
const exampleDigest = createHash('sha256')
  .update(readFileSync(join(repo, example)))
  .digest('hex')
  .slice(0, 12);
const scheduling = (...args: string[]) => run(['compat', 'scheduling', ...args], { cwd: repo });

beforeEach(() => {
  created.length = 0;
  delete connectFailure.error;
});

describe('compat scheduling', () => {
  it('prints an applyable NodeFeatureRule, with the affinity and the labels as comments', async () => {
    const result = await scheduling('--spec', example);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const loaded = loadNodeFeatureRule(result.stdout, { file: 'out.yaml' });
    expect(loaded.ok).toBe(true);
    const rule = loaded.ok ? loaded.documents[0]?.value : undefined;
    expect(rule?.metadata?.name).toBe(`nfd-compat-${exampleDigest}`);
    expect(rule?.metadata?.annotations?.['compat.nfd.k8s-sigs.io/source']).toBe(example);
    expect(rule?.spec.rules).toHaveLength(7);
    expect(result.stdout).toContain(
      `#   compat.feature.node.kubernetes.io/${exampleDigest}-set-0: set 0 (preferred), weight 10 — VFIO, kernel >= 5.15 and a ConnectX NIC\n`,
    );
    // The comment block is the affinity in YAML, commented out line by line.
    const comment = result.stdout
      .split('# Pod spec affinity: requires one of the sets, prefers them by weight:\n')[1]
      ?.replace(/^# /gm, '');
    const affinity = parse(comment ?? '').affinity;
    expect(affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        weight: 10,
        preference: {
          matchExpressions: [
            {
              key: `compat.feature.node.kubernetes.io/${exampleDigest}-set-0`,
              operator: 'In',
              values: ['true'],
            },
          ],
        },
      },
      {
        weight: 1,
        preference: {
          matchExpressions: [
            {
              key: `compat.feature.node.kubernetes.io/${exampleDigest}-set-1`,
              operator: 'In',
              values: ['true'],
            },
          ],
        },
      },
    ]);
  });

  it('prints the rule, the affinity and the sets as JSON, or only the affinity', async () => {
    const json = await scheduling('--spec', example, '-o', 'json', '--name', 'my-app');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(Object.keys(doc)).toEqual(['nodeFeatureRule', 'affinity', 'sets']);
    expect(doc.nodeFeatureRule.metadata.name).toBe('my-app');
    expect(doc.sets[1]).toEqual({
      index: 1,
      label: `compat.feature.node.kubernetes.io/${exampleDigest}-set-1`,
      weight: 1,
      tag: 'fallback',
      description: 'any Intel or AMD node with an NVIDIA GPU',
    });
    const affinityOnly = await scheduling('--spec', example, '--affinity-only');
    expect(parse(affinityOnly.stdout)).toEqual({ affinity: doc.affinity });
  });

  it('reads the spec of an image (here an OCI layout) and names the labels after the same digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfd-scheduling-'));
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    const put = (bytes: string): string => {
      const hex = createHash('sha256').update(bytes).digest('hex');
      writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
      return `sha256:${hex}`;
    };
    const config = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}';
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: put(config),
        size: config.length,
      },
      layers: [],
    });
    const digest = put(manifest);
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest,
            size: manifest.length,
            annotations: { 'org.opencontainers.image.ref.name': 'v1' },
          },
        ],
      }),
    );
    const attached = await run(['compat', 'attach-spec', '--image', `oci:${dir}:v1`, '--spec', example], {
      cwd: repo,
    });
    expect(attached.code).toBe(0);
    const fromImage = JSON.parse((await scheduling('--image', `oci:${dir}:v1`, '-o', 'json')).stdout);
    const fromFile = JSON.parse((await scheduling('--spec', example, '-o', 'json')).stdout);
    expect(fromImage.sets).toEqual(fromFile.sets);
    expect(fromImage.nodeFeatureRule.spec).toEqual(fromFile.nodeFeatureRule.spec);
    expect(fromImage.nodeFeatureRule.metadata.annotations['compat.nfd.k8s-sigs.io/source']).toBe(
      `oci:${dir}:v1@${attached.stdout.trim()}`,
    );
  });

  it('--apply creates the NodeFeatureRule and says so on stderr', async () => {
    const result = await scheduling('--spec', example, '--apply', '--affinity-only', '-o', 'json');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`applied NodeFeatureRule nfd-compat-${exampleDigest} (generation 1)\n`);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
      kind: 'NodeFeatureRule',
      metadata: { name: `nfd-compat-${exampleDigest}` },
    });
    expect(JSON.parse(result.stdout)).toHaveProperty('affinity.nodeAffinity');
  });

  it('--apply fails with exit 2 and prints nothing when the cluster refuses', async () => {
    connectFailure.error = new Error('cannot reach the API server at https://127.0.0.1:1');
    const result = await scheduling('--spec', example, '--apply');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: cannot reach the API server at https://127.0.0.1:1\n',
    });
  });

  it('refuses specs with rule.matched backreferences, and warns about left-out vars', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfd-scheduling-'));
    writeFileSync(
      join(dir, 'backref.yaml'),
      `version: v1alpha1
compatibilities:
  - rules:
      - name: gpu
        vars: { gpu: "true" }
        matchFeatures: [{ feature: pci.device, matchExpressions: { vendor: { op: In, value: ["10de"] } } }]
      - name: uses gpu
        matchFeatures: [{ feature: rule.matched, matchExpressions: { gpu: { op: IsTrue } } }]
`,
    );
    const refused = await run(['compat', 'scheduling', '--spec', 'backref.yaml'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      'error: compatibility set 0, rule "uses gpu" matches rule.matched (a backreference to other rules\' vars)',
    );
    expect(refused.stderr).toContain('hint: ');

    writeFileSync(
      join(dir, 'vars.yaml'),
      `version: v1alpha1
compatibilities:
  - rules:
      - name: gpu
        vars: { gpu: "true" }
        matchFeatures: [{ feature: pci.device, matchExpressions: { vendor: { op: In, value: ["10de"] } } }]
`,
    );
    const warned = await run(['compat', 'scheduling', '--spec', 'vars.yaml'], { cwd: dir });
    expect(warned.code).toBe(0);
    expect(warned.stderr).toBe(
      'warning: compatibility set 0, rule "gpu": its vars are left out (nothing in the spec reads them)\n',
    );
  });

  it('needs exactly one of --spec and --image', async () => {
    const result = await scheduling();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give exactly one of --spec FILE and --image REF');
  });
});
