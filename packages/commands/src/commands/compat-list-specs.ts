import { Command, Option } from '@commander-js/extra-typings';
import { listSpecs } from '@nfd/oci-artifact';
import { renderTable } from '@nfd/report';
import type { CommandContext } from '../context.ts';
import { machinePlatform, wantedPlatform, withImage } from '../image-target.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';

export function compatListSpecsCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('list-specs')
    .description('List the image compatibility specs attached to an image, newest first')
    .requiredOption('--image <ref>', 'the image (registry reference, or oci:DIR:tag for an OCI layout)')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json'] as const)
        .default('table' as const),
    );
  for (const option of registryOptions()) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
The newest spec (by org.opencontainers.image.created) is the one validate-node uses; pick another
with --artifact DIGEST. Without --platform, specs are looked up on what the reference resolves to
and, for a multi-platform index without any, on this machine's platform child.
Exit status: 0 (also when none is attached), 2 on an error.

Examples:
  ${name} compat list-specs --image registry.example/app:1.0
  ${name} compat list-specs --image registry.example/app:1.0 -o json`,
    )
    .action(async (options) => {
      const flags = options as RegistryFlags;
      const logger = ctx.logger();
      const platform = wantedPlatform(flags);
      const listed = await withImage(ctx, options.image, flags, ['pull'], (opened) =>
        listSpecs(opened.target, {
          image: opened.image,
          ...(platform === undefined ? { machinePlatform: machinePlatform() } : { platform }),
          ...(ctx.host.signal === undefined ? {} : { signal: ctx.host.signal }),
          onWarning: (message) => logger.warn(message),
        }),
      );
      if (listed.note !== undefined) logger.info(listed.note);
      if (options.output === 'json') {
        ctx.host.stdout.write(
          `${JSON.stringify(
            {
              image: options.image,
              subject: { ...listed.subject.descriptor, where: listed.subject.where },
              specs: listed.artifacts.map((artifact) => ({
                digest: artifact.digest,
                size: artifact.size,
                created: artifact.created ?? null,
                annotations: artifact.annotations,
              })),
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      if (listed.artifacts.length === 0) {
        ctx.host.stdout.write(
          `No compatibility spec is attached to ${options.image} (${listed.subject.descriptor.digest}).\n`,
        );
        return;
      }
      ctx.host.stdout.write(
        renderTable({
          title: `${options.image} (${listed.subject.descriptor.digest})`,
          header: ['Digest', 'Created', 'Size'],
          groups: [listed.artifacts.map((a) => [a.digest, a.created ?? '(none)', String(a.size)])],
        }),
      );
    });
}
