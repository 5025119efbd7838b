import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import type { CommandContext } from '../context.ts';
import { type RequestTimeoutFlags, requestTimeoutMs, requestTimeoutOption } from '../request-timeout.ts';
import { connectKube, type KubeClient, type KubeOptions } from './client.ts';

// The Kubernetes flags (krew's best practices; STYLE §16): the plugin parses them itself, since
// kubectl passes none of its global flags on. `-k` only where upstream has it (`test`).

const GROUP = 'Kubernetes flags:';

export interface KubeFlags extends RequestTimeoutFlags {
  /** `--chunk-size`: objects per list request; 0 = no paging. */
  chunkSize?: number;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

/** The Kubernetes flags (help group "Kubernetes flags:"): --kubeconfig (and -k where upstream has it), --context, --namespace. */
export function kubeOptions(options: { shortKubeconfig?: boolean } = {}): Option[] {
  return [
    new Option(
      `${options.shortKubeconfig === true ? '-k, ' : ''}--kubeconfig <file>`,
      'kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account)',
    ).helpGroup(GROUP),
    new Option('--context <name>', 'kubeconfig context to use (default: its current-context)').helpGroup(
      GROUP,
    ),
    new Option(
      '--namespace <ns>',
      'namespace of the NodeFeature objects (default: all namespaces)',
    ).helpGroup(GROUP),
    new Option(
      '--chunk-size <n>',
      "list in pages of N objects, as kubectl's flag (0: all at once; default: 500, and 100 NodeFeatures)",
    )
      .argParser(parseChunkSize)
      .helpGroup(GROUP),
    requestTimeoutOption(GROUP),
  ];
}

function parseChunkSize(text: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw new InvalidArgumentError('expected a number of objects (0: no paging)');
  return Number(text.trim());
}

/** The KubeOptions of a command's flags and the host (environment, cwd, Ctrl-C signal). */
export function kubeOptionsOf(ctx: CommandContext, flags: KubeFlags): KubeOptions {
  return {
    env: ctx.host.env,
    homeDir: ctx.host.homeDir,
    cwd: ctx.host.cwd,
    userAgent: `nfd-ts/${ctx.host.version}`,
    stdinIsTerminal: process.getBuiltinModule('node:tty').isatty(0),
    requestTimeoutMs: requestTimeoutMs(flags),
    ...(flags.chunkSize === undefined ? {} : { pageSize: flags.chunkSize }),
    ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    ...(ctx.host.signal === undefined ? {} : { signal: ctx.host.signal }),
  };
}

/** Connects with the command's Kubernetes flags. */
export async function connectWithFlags(ctx: CommandContext, flags: KubeFlags): Promise<KubeClient> {
  return connectKube(kubeOptionsOf(ctx, flags));
}
