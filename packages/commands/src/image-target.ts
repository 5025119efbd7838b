import { resolve } from 'node:path';
import {
  type Action,
  createRegistryTransport,
  isLayoutReference,
  LayoutTarget,
  nodePlatform,
  type Platform,
  parsePlatform,
  parseTargetReference,
  RegistryTarget,
  registryEndpoint,
  type Target,
} from '@nfd/oci-artifact';
import { NfdError } from '@nfd/spec';
import type { CommandContext } from './context.ts';
import { credentialCache, type RegistryFlags, registrySecrets } from './registry-options.ts';
import { requestTimeoutMs } from './request-timeout.ts';

/** An image opened for one operation: where it lives, and how the target names it. */
export interface OpenedImage {
  target: Target;
  /** The tag or digest inside the target. */
  image: string;
  /** The image as the user typed it, for messages. */
  display: string;
  close(): Promise<void>;
}

/** The platform of the machine we run on (where specs are looked up when an index has none). */
export function machinePlatform(): Platform {
  return nodePlatform({
    platform: process.platform,
    arch: process.arch,
    armVersion: (process.config.variables as { arm_version?: string | number }).arm_version,
    endianness: 'LE',
  });
}

/** `--platform`, with the architecture defaulting to this machine's as upstream does. */
export function wantedPlatform(flags: RegistryFlags): Platform | undefined {
  if (flags.platform === undefined) return undefined;
  return parsePlatform(flags.platform, machinePlatform().architecture);
}

/**
 * Opens a registry repository (or an OCI layout: `oci:DIR[:tag|@digest]` or `--oci-layout DIR`)
 * with one token scope for every action the operation needs.
 */
export async function openImage(
  ctx: CommandContext,
  text: string,
  flags: RegistryFlags,
  actions: readonly Action[],
): Promise<OpenedImage> {
  const logger = ctx.logger();
  const ref = parseTargetReference(text, flags.ociLayout === undefined ? {} : { ociLayout: flags.ociLayout });
  if (isLayoutReference(ref)) {
    const image = ref.digest ?? ref.tag;
    if (image === undefined) {
      throw new NfdError('USAGE', `${ref.original}: name the image in the layout by tag or digest`, {
        hint: 'e.g. oci:DIR:v1 or --oci-layout DIR --image v1',
      });
    }
    return {
      target: new LayoutTarget({ dir: resolve(ctx.host.cwd, ref.layout) }),
      image,
      display: ref.original,
      close: async () => {},
    };
  }
  const secrets = await registrySecrets(ctx, flags);
  const endpoint = registryEndpoint(ref, flags.plainHttp === true);
  const transport = createRegistryTransport(endpoint, {
    plainHttp: flags.plainHttp === true,
    insecure: flags.insecure === true,
    caFiles: (flags.caFile ?? []).map((file) => resolve(ctx.host.cwd, file)),
    ...(flags.certFile === undefined ? {} : { certFile: resolve(ctx.host.cwd, flags.certFile) }),
    ...(flags.keyFile === undefined ? {} : { keyFile: resolve(ctx.host.cwd, flags.keyFile) }),
    timeoutMs: requestTimeoutMs(flags),
    credentials: { ...secrets, env: ctx.host.env, homeDir: ctx.host.homeDir, cache: credentialCache(ctx) },
    ...(ctx.host.signal === undefined ? {} : { signal: ctx.host.signal }),
    userAgent: `nfd-ts/${ctx.host.version}`,
    onWarning: (message) => logger.warn(message),
    onDebug: (message) => logger.debug(message),
  });
  const image = ref.digest ?? ref.tag;
  if (image === undefined) throw new NfdError('USAGE', `${ref.original}: no tag or digest`);
  return {
    target: new RegistryTarget({
      transport,
      endpoint,
      registry: ref.registry,
      repository: ref.repository,
      referrersMode: flags.referrers ?? 'auto',
      actions,
    }),
    image,
    display: ref.original,
    close: () => transport.close(),
  };
}

/** Runs `work` on an opened image and always closes it. */
export async function withImage<T>(
  ctx: CommandContext,
  text: string,
  flags: RegistryFlags,
  actions: readonly Action[],
  work: (opened: OpenedImage) => Promise<T>,
): Promise<T> {
  const opened = await openImage(ctx, text, flags, actions);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
