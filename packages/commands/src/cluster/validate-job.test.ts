import { dns1123SubdomainErrors, labelValueErrors } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { HOST_MOUNTS, validateJobManifest, validateJobName, validatePodSelector } from './validate-job.ts';

const options = {
  node: 'worker-1',
  image: 'registry.example/app:1.0',
  clientImage: 'registry.example/nfd:0.1',
  namespace: 'nfd-check',
};

// biome-ignore lint/suspicious/noExplicitAny: walking a manifest
type Any = any;

describe('validateJobName', () => {
  it('is deterministic, DNS-valid and at most 63 characters for any node name', () => {
    const names = [
      'worker-1',
      'ip-10-0-12-7.eu-west-1.compute.internal',
      'Node_With.Caps_And_Underscores',
      'a'.repeat(253),
      '---',
      '1.2.3.4',
    ];
    for (const node of names) {
      const name = validateJobName(node, options.image);
      expect(name).toBe(validateJobName(node, options.image));
      expect(name).toMatch(/^nfd-validate-[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(dns1123SubdomainErrors(name)).toEqual([]);
      expect(labelValueErrors(name)).toEqual([]);
    }
    expect(validateJobName('worker-1', options.image)).toMatch(/^nfd-validate-worker-1-[0-9a-f]{10}$/);
  });

  it('differs per node and per image, even where the readable part is the same', () => {
    expect(validateJobName('worker.1', 'a')).not.toBe(validateJobName('worker-1', 'a'));
    expect(validateJobName('worker-1', 'a')).not.toBe(validateJobName('worker-1', 'b'));
  });
});

describe('a run id (compat job --apply)', () => {
  it("labels the Job and its pods, names the Job for the run, and selects only the run's pods", () => {
    const plain: Any = validateJobManifest(options);
    const run: Any = validateJobManifest({ ...options, runId: '0123456789' });
    expect(run.metadata.labels['nfd.k8s-sigs.io/compat-run']).toBe('0123456789');
    expect(run.spec.template.metadata.labels['nfd.k8s-sigs.io/compat-run']).toBe('0123456789');
    expect(plain.metadata.labels['nfd.k8s-sigs.io/compat-run']).toBeUndefined();
    expect(run.metadata.name).not.toBe(plain.metadata.name);
    expect(run.metadata.name).toMatch(/^nfd-validate-worker-1-[0-9a-f]{10}$/);
    expect(validatePodSelector(run.metadata.name, '0123456789')).toBe(
      `app.kubernetes.io/instance=${run.metadata.name},nfd.k8s-sigs.io/compat-run=0123456789`,
    );
  });
});

describe('validateJobManifest', () => {
  const job: Any = validateJobManifest({ ...options, activeDeadlineSeconds: 360 });
  const pod = job.spec.template.spec;
  const [container] = pod.containers;

  it("is upstream's validate-image Job: backoffLimit 1, restartPolicy Never, its command", () => {
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata.namespace).toBe('nfd-check');
    expect(job.spec.backoffLimit).toBe(1);
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(job.spec.activeDeadlineSeconds).toBe(360);
    expect(pod.restartPolicy).toBe('Never');
    expect(container.name).toBe('image-compatibility');
    expect(container.image).toBe('registry.example/nfd:0.1');
    expect(container.command).toEqual([
      'nfd',
      'compat',
      'validate-node',
      '--image',
      'registry.example/app:1.0',
      '--output-json',
    ]);
  });

  it('is pinned to the node and tolerates its taints', () => {
    expect(pod.nodeName).toBe('worker-1');
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it("mounts exactly upstream's host paths, read-only, as hostPath volumes", () => {
    const seed = [
      ['/boot', '/host-boot'],
      ['/etc/os-release', '/host-etc/os-release'],
      ['/sys', '/host-sys'],
      ['/usr/lib', '/host-usr/lib'],
      ['/lib', '/host-lib'],
      ['/proc', '/host-proc'],
    ];
    expect(HOST_MOUNTS.map((m) => [m.hostPath, m.mountPath])).toEqual(seed);
    const hostVolumes = pod.volumes.filter((v: Any) => v.hostPath !== undefined);
    const mounts = new Map(container.volumeMounts.map((m: Any) => [m.name, m]));
    expect(
      hostVolumes.map((v: Any) => {
        const mount: Any = mounts.get(v.name);
        return [v.hostPath.path, mount.mountPath, mount.readOnly, v.hostPath.type];
      }),
    ).toEqual(seed.map(([host, at]) => [host, at, true, '']));
    // Only the scratch /tmp is writable, and it is not on the host.
    const writable = container.volumeMounts.filter((m: Any) => m.readOnly !== true);
    expect(writable).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes.find((v: Any) => v.name === 'tmp')).toHaveProperty('emptyDir');
  });

  it('runs non-root, without privilege escalation or capabilities, on a read-only root', () => {
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).not.toBe(0);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostPID).toBeUndefined();
  });

  it('labels the pods so they are found by name, and fails at once on "incompatible"', () => {
    expect(validatePodSelector(job.metadata.name)).toBe(`app.kubernetes.io/instance=${job.metadata.name}`);
    expect(job.spec.template.metadata.labels['app.kubernetes.io/instance']).toBe(job.metadata.name);
    expect(job.metadata.annotations['compat.nfd.k8s-sigs.io/node']).toBe('worker-1');
    expect(job.spec.podFailurePolicy.rules).toEqual([
      {
        action: 'FailJob',
        onExitCodes: { containerName: 'image-compatibility', operator: 'In', values: [1] },
      },
    ]);
  });

  it('passes registry flags on and leaves the namespace out when none is given', () => {
    const other: Any = validateJobManifest({
      node: 'n',
      image: 'i',
      clientImage: 'c',
      extraArgs: ['--plain-http'],
    });
    expect(other.metadata.namespace).toBeUndefined();
    expect(other.spec.template.spec.containers[0].command.at(-1)).toBe('--plain-http');
    expect(other.spec.activeDeadlineSeconds).toBeUndefined();
  });
});
