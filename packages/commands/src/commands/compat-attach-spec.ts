import { basename } from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { attachSpec, type ProgressEvent } from '@nfd/oci-artifact';
import { renderSpecValidation } from '@nfd/report';
import { NfdError } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { wantedPlatform, withImage } from '../image-target.ts';
import { type InputLimitFlags, maxSpecSizeOption, specSizeLimit } from '../input-limits.ts';
import { collectRepeated } from '../option-values.ts';
import { readInput } from '../read-input.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';
import { validateSpecSource } from './compat-validate-spec.ts';

/** `k=v` annotations; the key must be non-empty. */
export function parseAnnotations(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new NfdError('USAGE', `--annotation ${JSON.stringify(value)}: expected key=value`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

/** One stderr line per upload step, as oras prints them. */
export function describeProgress(event: ProgressEvent): string {
  const short = (digest: string): string => digest.slice(0, 19);
  switch (event.type) {
    case 'blob-exists':
      return `Exists    ${short(event.descriptor.digest)} ${event.title ?? event.descriptor.mediaType}`;
    case 'blob-uploaded':
      return `Uploaded  ${short(event.descriptor.digest)} ${event.title ?? event.descriptor.mediaType}`;
    case 'manifest-pushed':
      return `Pushed    ${short(event.descriptor.digest)} ${event.tag === undefined ? event.descriptor.mediaType : `tag ${event.tag}`}`;
    default:
      return `Updated   referrers index`;
  }
}

export function compatAttachSpecCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('attach-spec')
    .description('Attach an image compatibility spec to an image as an OCI artifact')
    .requiredOption('--image <ref>', 'the image (registry reference, or oci:DIR:tag for an OCI layout)')
    .requiredOption('--spec <file>', 'the spec file; it is validated first (- reads stdin)')
    .option(
      '--annotation <key=value>',
      'an annotation of the artifact manifest (repeatable)',
      collectRepeated,
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'] as const)
        .default('text' as const),
    );
  for (const option of [maxSpecSizeOption(), ...registryOptions()]) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
The artifact is what \`oras attach --artifact-type application/vnd.nfd.image-compatibility.v1alpha1\`
makes (an OCI image manifest with an empty config, the spec as its one layer, the image as subject,
a created annotation), so oras and NFD find it. On registries without the OCI referrers API the
referrers tag (sha256-<digest>) is updated too. Attaching is idempotent; if a step fails, the error
says what was pushed and how to remove it. stdout: the artifact digest.

Examples:
  ${name} compat attach-spec --image registry.example/app:1.0 --spec spec.yaml
  ${name} compat attach-spec --image localhost:5000/app:1.0 --spec spec.yaml --plain-http
  ${name} compat attach-spec --image oci:./layout:1.0 --spec spec.yaml`,
    )
    .action(async (options) => {
      const flags = options as RegistryFlags;
      if (
        options.spec === '-' &&
        (flags.registryPasswordStdin === true || flags.registryTokenStdin === true)
      ) {
        throw new NfdError('USAGE', 'stdin cannot carry both the spec and a registry secret');
      }
      const source = await readInput(ctx.host, options.spec, specSizeLimit(options as InputLimitFlags));
      const validation = validateSpecSource(source, options.spec, false);
      if (!validation.valid) {
        ctx.host.stderr.write(renderSpecValidation(validation, 'text'));
        throw new NfdError('SPEC_INVALID', `${options.spec} is not a valid spec; nothing was attached`);
      }
      const logger = ctx.logger();
      const annotations = parseAnnotations(options.annotation ?? []);
      const platform = wantedPlatform(flags);
      const result = await withImage(ctx, options.image, flags, ['pull', 'push'], (opened) =>
        attachSpec(opened.target, {
          image: opened.image,
          specBytes: new TextEncoder().encode(source),
          ...(platform === undefined ? {} : { platform }),
          annotations,
          title: options.spec === '-' ? 'spec.yaml' : basename(options.spec),
          ...(ctx.host.signal === undefined ? {} : { signal: ctx.host.signal }),
          onWarning: (message) => logger.warn(message),
          // Progress only where a person watches (stderr is a terminal).
          ...(ctx.host.stderr.isTTY === true
            ? { onProgress: (event: ProgressEvent) => logger.info(describeProgress(event)) }
            : {}),
        }),
      );
      if (result.subject.description !== undefined) logger.info(`Attached to ${result.subject.description}`);
      if (options.output === 'json') {
        ctx.host.stdout.write(
          `${JSON.stringify(
            {
              reference: options.image,
              digest: result.artifactDigest,
              mediaType: result.artifact.mediaType,
              size: result.artifact.size,
              artifactType: result.artifact.artifactType,
              subject: result.subject.descriptor,
              pushed: result.pushed,
            },
            null,
            2,
          )}\n`,
        );
      } else {
        ctx.host.stdout.write(`${result.artifactDigest}\n`);
      }
    });
}
