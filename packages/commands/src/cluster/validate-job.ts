// The validate-image Job of upstream's image compatibility docs (docs/usage/image-compatibility.md,
// "Validate the k8s cluster node with the validate-image Job"), one per node: for clusters
// without NFD, the node validates itself with the nfd client and the host's /proc, /sys, … mounted
// read-only under /host-*, which our discovery reads automatically.
import { createHash } from 'node:crypto';

/** The container name, as in upstream's example; the pod failure policy refers to it. */
export const VALIDATE_CONTAINER = 'image-compatibility';
/** Labels of every Job and pod we create. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
/** The run of `compat job --apply` a Job and its pods belong to: each run collects only its own pods. */
export const RUN_LABEL = 'nfd.k8s-sigs.io/compat-run';
export const APP_NAME = 'nfd-validate-node';
/** Annotations saying what a Job validates. */
export const NODE_ANNOTATION = 'compat.nfd.k8s-sigs.io/node';
export const IMAGE_ANNOTATION = 'compat.nfd.k8s-sigs.io/image';

/** Finished Jobs the client never got to delete go away by themselves after this long. */
export const DEFAULT_TTL_SECONDS = 600;

/** The host paths upstream's Job mounts, read-only, and where: `/host-*` is what discovery reads. */
export const HOST_MOUNTS: readonly { name: string; hostPath: string; mountPath: string }[] = [
  { name: 'host-boot', hostPath: '/boot', mountPath: '/host-boot' },
  { name: 'host-os-release', hostPath: '/etc/os-release', mountPath: '/host-etc/os-release' },
  { name: 'host-sys', hostPath: '/sys', mountPath: '/host-sys' },
  { name: 'host-usr-lib', hostPath: '/usr/lib', mountPath: '/host-usr/lib' },
  { name: 'host-lib', hostPath: '/lib', mountPath: '/host-lib' },
  { name: 'host-proc', hostPath: '/proc', mountPath: '/host-proc' },
];

export interface ValidateJobOptions {
  /** The node to validate. */
  node: string;
  /** The image whose compatibility spec is validated. */
  image: string;
  /** An image with the nfd client (`nfd` on PATH). */
  clientImage: string;
  /** Left out when not given: `kubectl apply` then uses the context's namespace. */
  namespace?: string;
  /** Extra flags for the pod's `nfd compat validate-node`, e.g. --plain-http. */
  extraArgs?: readonly string[];
  /** The Job's activeDeadlineSeconds: it gives up by itself when the client stops waiting. */
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  /**
   * The run this Job belongs to (`compat job --apply`): labelled on the Job and its pods, and part
   * of the name's hash, so a run never meets the Jobs or the still-terminating pods of an earlier
   * one. Printed manifests have none: they stay the same for the same input.
   */
  runId?: string;
}

const MAX_NAME = 63;
const PREFIX = 'nfd-validate-';
const HASH_CHARS = 10;

function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0'), 'utf8').digest('hex').slice(0, HASH_CHARS);
}

/**
 * A deterministic, DNS-1123 label name for the Job of (image, node): `nfd-validate-<node>-<hash>`,
 * the node name made label-safe and cut so the whole stays within 63 characters (a Job's name
 * becomes a pod label value). The hash covers image and node, so names never collide.
 */
export function validateJobName(node: string, image: string, runId?: string): string {
  const hash = runId === undefined ? shortHash(image, node) : shortHash(image, node, runId);
  const room = MAX_NAME - PREFIX.length - 1 - HASH_CHARS;
  const slug = node
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
  return slug === '' ? `${PREFIX}${hash}` : `${PREFIX}${slug}-${hash}`;
}

/** The label selector of the pods of one validate Job (of one run, when it has a run id). */
export function validatePodSelector(jobName: string, runId?: string): string {
  return runId === undefined
    ? `${INSTANCE_LABEL}=${jobName}`
    : `${INSTANCE_LABEL}=${jobName},${RUN_LABEL}=${runId}`;
}

/** A batch/v1 Job, as much of it as we write. */
export interface ValidateJob {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** The Job that validates `options.node` against the spec of `options.image`. */
export function validateJobManifest(options: ValidateJobOptions): ValidateJob {
  const name = validateJobName(options.node, options.image, options.runId);
  const labels: Record<string, string> = {
    [NAME_LABEL]: APP_NAME,
    [INSTANCE_LABEL]: name,
    [MANAGED_BY_LABEL]: 'nfd',
  };
  if (options.runId !== undefined) labels[RUN_LABEL] = options.runId;
  const annotations = { [NODE_ANNOTATION]: options.node, [IMAGE_ANNOTATION]: options.image };
  const spec: Record<string, unknown> = {
    backoffLimit: 1,
    ...(options.activeDeadlineSeconds === undefined
      ? {}
      : { activeDeadlineSeconds: options.activeDeadlineSeconds }),
    ttlSecondsAfterFinished: options.ttlSecondsAfterFinished ?? DEFAULT_TTL_SECONDS,
    // Exit status 1 is "incompatible", a result: fail the Job at once instead of validating again.
    // Other failures (2: the spec could not be fetched, …) get the one retry of backoffLimit.
    podFailurePolicy: {
      rules: [
        {
          action: 'FailJob',
          onExitCodes: { containerName: VALIDATE_CONTAINER, operator: 'In', values: [1] },
        },
      ],
    },
    template: {
      // Copies, so YAML output repeats them instead of using anchors.
      metadata: { labels: { ...labels }, annotations: { ...annotations } },
      spec: {
        // Pinned to the node by name: the scheduler is bypassed, so NoSchedule taints do not keep
        // the pod away; the tolerations cover NoExecute ones too.
        nodeName: options.node,
        tolerations: [{ operator: 'Exists' }],
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 65534,
          runAsGroup: 65534,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: VALIDATE_CONTAINER,
            image: options.clientImage,
            command: [
              'nfd',
              'compat',
              'validate-node',
              '--image',
              options.image,
              '--output-json',
              ...(options.extraArgs ?? []),
            ],
            env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
            },
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
            volumeMounts: [
              ...HOST_MOUNTS.map((mount) => ({
                name: mount.name,
                mountPath: mount.mountPath,
                readOnly: true,
              })),
              // Node writes its compile cache and temporary files here; the root stays read-only.
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          ...HOST_MOUNTS.map((mount) => ({ name: mount.name, hostPath: { path: mount.hostPath, type: '' } })),
          { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        ],
      },
    },
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      labels,
      annotations,
    },
    spec,
  };
}
