import { Command } from '@commander-js/extra-typings';
import { listSpecs, removeSpecs } from '@nfd/oci-artifact';
import { NfdError } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { wantedPlatform, withImage } from '../image-target.ts';
import { collectRepeated } from '../option-values.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';

export function compatRemoveSpecCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('remove-spec')
    .description('Remove image compatibility specs from an image')
    .requiredOption('--image <ref>', 'the image (registry reference, or oci:DIR:tag for an OCI layout)')
    .option(
      '--digest <digest>',
      'remove only this spec artifact (repeatable; see list-specs)',
      collectRepeated,
    )
    .option('--yes', 'remove every spec without asking when there are several');
  for (const option of registryOptions()) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Without --digest every NFD compatibility artifact of the image is removed (--yes is required when
there is more than one). On registries without the OCI referrers API the referrers tag is updated
first, then the artifact manifest is deleted. stdout: the removed digests, one per line.

Examples:
  ${name} compat remove-spec --image registry.example/app:1.0 --digest sha256:…
  ${name} compat remove-spec --image registry.example/app:1.0 --yes`,
    )
    .action(async (options) => {
      const flags = options as RegistryFlags;
      const logger = ctx.logger();
      const platform = wantedPlatform(flags);
      const common = {
        ...(platform === undefined ? {} : { platform }),
        ...(ctx.host.signal === undefined ? {} : { signal: ctx.host.signal }),
        onWarning: (message: string) => logger.warn(message),
      };
      const removed = await withImage(
        ctx,
        options.image,
        flags,
        ['pull', 'push', 'delete'],
        async (opened) => {
          if (options.digest === undefined) {
            const listed = await listSpecs(opened.target, { image: opened.image, ...common });
            if (listed.artifacts.length === 0) {
              throw new NfdError('OCI_NOT_FOUND', `no compatibility spec is attached to ${options.image}`);
            }
            if (listed.artifacts.length > 1 && options.yes !== true) {
              throw new NfdError(
                'USAGE',
                `${listed.artifacts.length} compatibility specs are attached to ${options.image}`,
                {
                  hint: 'pass --yes to remove them all, or --digest to pick (see list-specs)',
                },
              );
            }
            return removeSpecs(opened.target, { image: opened.image, all: true, ...common });
          }
          return removeSpecs(opened.target, { image: opened.image, digests: options.digest, ...common });
        },
      );
      for (const digest of removed) ctx.host.stdout.write(`${digest}\n`);
    });
}
