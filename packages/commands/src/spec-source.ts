import type { Option } from '@commander-js/extra-typings';
import { fetchSpec } from '@nfd/oci-artifact';
import { NfdError } from '@nfd/spec';
import type { CommandContext } from './context.ts';
import { machinePlatform, wantedPlatform, withImage } from './image-target.ts';
import { formatSize, type InputLimitFlags, maxSpecSizeOption, specSizeLimit } from './input-limits.ts';
import { readInput } from './read-input.ts';
import type { RegistryFlags } from './registry-options.ts';

/** A spec's text and the name issues are located in (a file, or REF@artifact-digest). */
export interface SpecText {
  source: string;
  file: string;
}

export interface SpecSourceFlags extends RegistryFlags, InputLimitFlags {
  spec?: string;
  image?: string;
  artifact?: string;
}

/** The options of a spec source beyond --spec/--image/--artifact: `--max-spec-size`. */
export function specSourceOptions(): Option[] {
  return [maxSpecSizeOption()];
}

/**
 * The spec of `--spec FILE` or of the image of `--image REF` (its newest compatibility artifact,
 * or `--artifact DIGEST`), exactly one of them.
 */
export async function readSpecText(ctx: CommandContext, flags: SpecSourceFlags): Promise<SpecText> {
  if ((flags.spec === undefined) === (flags.image === undefined)) {
    throw new NfdError('USAGE', 'give exactly one of --spec FILE and --image REF');
  }
  if (flags.spec !== undefined) {
    if (flags.artifact !== undefined) throw new NfdError('USAGE', '--artifact goes with --image');
    return { source: await readInput(ctx.host, flags.spec, specSizeLimit(flags)), file: flags.spec };
  }
  const image = flags.image as string;
  const logger = ctx.logger();
  const platform = wantedPlatform(flags);
  const limit = specSizeLimit(flags);
  const fetched = await withImage(ctx, image, flags, ['pull'], (opened) =>
    fetchSpec(opened.target, {
      image: opened.image,
      maxSpecBytes: limit.bytes,
      ...(platform === undefined ? { machinePlatform: machinePlatform() } : { platform }),
      ...(flags.artifact === undefined ? {} : { artifactDigest: flags.artifact }),
      ...(ctx.host.signal === undefined ? {} : { signal: ctx.host.signal }),
      onWarning: (message) => logger.warn(message),
    }),
  );
  if (fetched.specBytes.length > limit.bytes) {
    const raise = limit.flag === undefined ? '' : `; ${limit.flag} raises it`;
    throw new NfdError(
      'SPEC_INVALID',
      `the spec ${image}@${fetched.artifactDigest} is larger than ${formatSize(limit.bytes)}, the limit for ${limit.what}${raise}`,
    );
  }
  if (fetched.note !== undefined) logger.info(fetched.note);
  logger.debug(`spec ${fetched.artifactDigest} of ${image} (subject ${fetched.subject.descriptor.digest})`);
  return { source: new TextDecoder().decode(fetched.specBytes), file: `${image}@${fetched.artifactDigest}` };
}
