import { randomBytes } from 'node:crypto';
import { Command, Option } from '@commander-js/extra-typings';
import type { CompatibilityStatus } from '@nfd/matcher';
import { type CompatibilitySet, NfdError, stringifyForGo } from '@nfd/spec';
import { type ValidateJob, validateJobManifest } from '../cluster/validate-job.ts';
import { type NodeOutcome, runValidateJobs } from '../cluster/validate-jobs.ts';
import type { CommandContext } from '../context.ts';
import { connectKube, type KubeClient, type KubeFlags, kubeOptions, kubeOptionsOf } from '../kube/index.ts';
import { collectRepeated } from '../option-values.ts';
import { colorEnabled } from '../terminal.ts';
import {
  type ClusterReport,
  clusterReport,
  judgeNode,
  renderClusterReport,
  unjudgedNode,
} from './compat-validate-cluster.ts';

const DEFAULT_TIMEOUT = '5m';
/** The Jobs' own deadline is a little later than the client's, so the client sees them finish or time out first. */
const DEADLINE_SLACK_SECONDS = 60;

/**
 * The matrix of `compat validate-cluster` from the pods' reports. The reports carry each set's
 * weight, tag and description, which is all the matrix needs of the spec; nodes sorted by name.
 */
export function jobsReport(outcomes: readonly NodeOutcome[]): {
  report: ClusterReport;
  sets: CompatibilitySet[];
} {
  const setsOf = (statuses: readonly CompatibilityStatus[]): CompatibilitySet[] =>
    statuses.map((status) => ({
      rules: [],
      ...(status.weight === undefined ? {} : { weight: status.weight }),
      ...(status.tag === undefined ? {} : { tag: status.tag }),
      ...(status.description === undefined ? {} : { description: status.description }),
    }));
  const sorted = [...outcomes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const nodes = sorted.map((outcome) =>
    'error' in outcome
      ? unjudgedNode(outcome.name, outcome.error)
      : judgeNode(outcome.name, setsOf(outcome.statuses), outcome.statuses),
  );
  const first = sorted.find((outcome) => 'statuses' in outcome);
  return {
    report: clusterReport(nodes),
    sets: first === undefined || !('statuses' in first) ? [] : setsOf(first.statuses),
  };
}

/** `90`, `90s`, `5m`, `1h30m` → seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (match === null || trimmed === '') {
    throw new NfdError('USAGE', `invalid duration ${JSON.stringify(text)}`, {
      hint: 'e.g. 90s, 5m or 1h30m',
    });
  }
  const [, h, m, s] = match;
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

interface JobFlags extends KubeFlags {
  image: string;
  clientImage: string;
  node?: string[];
  allNodes?: boolean;
  selector?: string;
  apply?: boolean;
  timeout: string;
  plainHttp?: boolean;
  insecure?: boolean;
  output?: 'table' | 'json' | 'yaml';
}

/** The Kubernetes flags, with --namespace saying what it means here. */
function jobKubeOptions(): Option[] {
  return [
    ...kubeOptions().filter((option) => option.long !== '--namespace'),
    new Option(
      '--namespace <ns>',
      "namespace of the Jobs (default: the context's namespace, then default)",
    ).helpGroup('Kubernetes flags:'),
  ];
}

function connect(ctx: CommandContext, flags: KubeFlags): Promise<KubeClient> {
  // No abort signal on the client itself: after Ctrl-C it must still delete the Jobs it created.
  const { signal: _signal, ...options } = kubeOptionsOf(ctx, flags);
  return connectKube(options);
}

async function targetNodes(client: () => Promise<KubeClient>, flags: JobFlags): Promise<string[]> {
  const given = [flags.node !== undefined, flags.allNodes === true, flags.selector !== undefined].filter(
    Boolean,
  );
  if (given.length !== 1) {
    throw new NfdError('USAGE', 'give exactly one of --node NODE, --all-nodes and --selector LABELS');
  }
  if (flags.node !== undefined) return [...new Set(flags.node)];
  const nodes = await (await client()).listNodes(
    flags.selector === undefined ? {} : { labelSelector: flags.selector },
  );
  if (nodes.length === 0) {
    throw new NfdError(
      'USAGE',
      flags.selector === undefined ? 'the cluster has no nodes' : `no node matches ${flags.selector}`,
    );
  }
  return nodes.map((node) => node.name).sort();
}

/**
 * The release's container image (scripts/build-image.ts; the root package.json's config.image,
 * checked by a test): the Jobs run it unless --client-image names another.
 */
export const CLIENT_IMAGE_REPOSITORY = 'ghcr.io/nfd-ts/nfd';

export function compatJobCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const defaultClientImage = `${CLIENT_IMAGE_REPOSITORY}:v${ctx.host.version}`;
  const command = new Command('job')
    .description('Validate cluster nodes without NFD: one validate-node Job per node')
    .requiredOption('--image <ref>', 'the image whose compatibility spec the nodes are validated against')
    .option(
      '--client-image <ref>',
      "an image with the nfd client (nfd on PATH) that the Jobs run (default: this version's image)",
      defaultClientImage,
    )
    .option('--node <name>', 'validate this node (repeatable)', collectRepeated)
    .option('--all-nodes', 'validate every node of the cluster')
    .option('--selector <labels>', 'validate the nodes with these labels (a label selector, e.g. pool=gpu)')
    .option('--apply', 'create the Jobs, wait for the reports, delete the Jobs and print the matrix')
    .option(
      '--timeout <duration>',
      'with --apply: how long to wait for the reports (e.g. 90s, 5m)',
      DEFAULT_TIMEOUT,
    )
    .option('--plain-http', "the pods' validate-node reaches the registry over plain HTTP")
    .option('--insecure', "the pods' validate-node skips registry certificate verification")
    .addOption(
      new Option(
        '-o, --output <format>',
        'manifests: yaml (default) or json (a List); with --apply: table, json or yaml',
      ).choices(['table', 'json', 'yaml'] as const),
    );
  for (const option of jobKubeOptions()) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Each Job is upstream's validate-image Job pinned to one node: the node's /boot, /etc/os-release,
/sys, /usr/lib, /lib and /proc mounted read-only under /host-*, non-root, no capabilities, a
read-only root filesystem; the pod runs "nfd compat validate-node --image REF --output-json".
The pods fetch the spec from the registry themselves: the client image must trust the registry's
certificate (or use --plain-http / --insecure).

Without --apply the manifests are printed (apply them with kubectl apply -f -). With --apply the
Jobs are created, progress goes to stderr, each pod's report is read from its log, the Jobs are
deleted (also on an error or Ctrl-C), and the matrix of "compat validate-cluster" is printed.
Exit status with --apply: 0 when at least one node is compatible, 1 when none is, 2 on an error.

Examples:
  ${name} compat job --image registry.example/app:1.0 --client-image registry.example/nfd:0.1 --node worker-1
  ${name} compat job --image registry.example/app:1.0 --client-image registry.example/nfd:0.1 --all-nodes | kubectl apply -f -
  ${name} compat job --image registry.example/app:1.0 --client-image registry.example/nfd:0.1 --selector pool=gpu --apply -o json`,
    )
    .action(async (options) => {
      const flags = options as JobFlags;
      const timeoutSeconds = parseDuration(flags.timeout);
      if (timeoutSeconds <= 0) throw new NfdError('USAGE', '--timeout must be longer than 0s');
      let client: KubeClient | undefined;
      const getClient = async (): Promise<KubeClient> => {
        client ??= await connect(ctx, flags);
        return client;
      };
      const nodes = await targetNodes(getClient, flags);
      const extraArgs = [
        ...(flags.plainHttp === true ? ['--plain-http'] : []),
        ...(flags.insecure === true ? ['--insecure'] : []),
      ];
      const manifests = (namespace: string | undefined, runId?: string): ValidateJob[] =>
        nodes.map((node) =>
          validateJobManifest({
            ...(runId === undefined ? {} : { runId }),
            node,
            image: flags.image,
            clientImage: flags.clientImage,
            ...(namespace === undefined ? {} : { namespace }),
            extraArgs,
            activeDeadlineSeconds: timeoutSeconds + DEADLINE_SLACK_SECONDS,
          }),
        );

      if (flags.apply !== true) {
        if (flags.output === 'table')
          throw new NfdError('USAGE', '-o table goes with --apply; manifests are yaml or json');
        const jobs = manifests(flags.namespace);
        ctx.host.stdout.write(
          flags.output === 'json'
            ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: jobs }, null, 2)}\n`
            : jobs.map((job) => stringifyForGo(job)).join('---\n'),
        );
        return;
      }

      const kube = await getClient();
      const namespace = flags.namespace ?? kube.namespace;
      const logger = ctx.logger();
      // A run of its own: its Jobs, and only its pods, whatever an earlier run left terminating.
      const runId = randomBytes(5).toString('hex');
      const outcomes = await runValidateJobs(kube, manifests(namespace, runId), {
        namespace,
        timeoutMs: timeoutSeconds * 1000,
        ...(ctx.host.signal === undefined ? {} : { signal: ctx.host.signal }),
        onProgress: (message) => logger.info(message),
        onWarning: (message) => logger.warn(message),
      });
      const { report, sets } = jobsReport(outcomes);
      const format = flags.output ?? 'table';
      const color = format === 'table' && colorEnabled(ctx.host.stdout, ctx.host.env);
      ctx.host.stdout.write(renderClusterReport(report, format, { sets, color }));
      const failed = outcomes.filter((outcome) => 'error' in outcome);
      if (failed.length === outcomes.length) {
        logger.error(`no node could be validated (${failed.length} failed)`);
        ctx.exitCode = 2;
        return;
      }
      ctx.exitCode = report.summary.compatible > 0 ? 0 : 1;
    });
}
