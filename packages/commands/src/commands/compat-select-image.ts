import { Command, Option } from '@commander-js/extra-typings';
import {
  type CompatibilityStatus,
  compileCompatibilitySpec,
  type FeatureIndex,
  indexFeatures,
  isSetCompatible,
} from '@nfd/matcher';
import { fetchSpec, SpecNotFoundError } from '@nfd/oci-artifact';
import { renderTable } from '@nfd/report';
import { type CompatibilitySpec, loadCompatibilitySpecForEvaluation, NfdError } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { type DiscoveryFlags, discoverHost, discoveryOptions } from '../discovery.ts';
import { loadFeatureFiles } from '../documents.ts';
import { machinePlatform, wantedPlatform, withImage } from '../image-target.ts';
import { type InputLimitFlags, maxNodeFeatureSizeOption } from '../input-limits.ts';
import { collectRepeated } from '../option-values.ts';
import { readInput } from '../read-input.ts';
import { type RegistryFlags, registryOptions } from '../registry-options.ts';

/** How many images are fetched at once. */
const CONCURRENCY = 4;

export interface BestSet {
  index: number;
  tag: string | null;
  weight: number;
  description: string | null;
}

export interface ImageChoice {
  image: string;
  /** The digest of what the reference resolved to (the spec's subject's image), or null. */
  digest: string | null;
  compatible: boolean;
  bestSet: BestSet | null;
  /** Why the image could not be judged (e.g. no spec attached); absent when it was evaluated. */
  error?: string;
}

/** The fully matching set with the highest weight (the first of equals), or null. */
export function bestSet(spec: CompatibilitySpec, statuses: readonly CompatibilityStatus[]): BestSet | null {
  let best: BestSet | null = null;
  for (const [index, status] of statuses.entries()) {
    if (!isSetCompatible(status)) continue;
    const set = spec.compatibilities[index];
    const weight = set?.weight ?? 0;
    if (best === null || weight > best.weight) {
      best = { index, tag: set?.tag ?? null, weight, description: set?.description ?? null };
    }
  }
  return best;
}

/** Compatible images first, by their best set's weight (descending), then in the order given. */
export function rankImages(choices: readonly ImageChoice[]): ImageChoice[] {
  return choices
    .map((choice, order) => ({ choice, order }))
    .sort(
      (a, b) =>
        Number(b.choice.compatible) - Number(a.choice.compatible) ||
        (b.choice.bestSet?.weight ?? 0) - (a.choice.bestSet?.weight ?? 0) ||
        a.order - b.order,
    )
    .map(({ choice }) => choice);
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Image references from a file: one per line, blank lines and # comments skipped. */
export function parseImagesFile(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

export function compatSelectImageCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('select-image')
    .description('Rank a build matrix of images by how well their compatibility specs fit this node')
    .option('--image <ref>', 'an image to consider (repeatable)', collectRepeated)
    .option('--images-file <file>', 'a file with one image reference per line (# comments allowed)')
    .option(
      '--features <file>',
      "the node's features instead of this host's (NodeFeature or export features file)",
      collectRepeated,
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json'] as const)
        .default('table' as const),
    );
  for (const option of [maxNodeFeatureSizeOption(), ...registryOptions(), ...discoveryOptions()])
    command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Fetches each image's newest compatibility spec (concurrently), evaluates it on this node, and ranks
the images: compatible ones first, by the weight of their best fully matching compatibility set.
An image without a spec is listed as such. JSON: {"images":[{"image","digest","compatible",
"bestSet":{"index","tag","weight","description"} or null}],"best": REF or null}.
Exit status: 0 when some image is compatible, 1 when none is, 2 on an error.

Examples:
  ${name} compat select-image --image registry.example/app:1.0-v3 --image registry.example/app:1.0-generic
  ${name} compat select-image --images-file matrix.txt -o json`,
    )
    .action(async (options) => {
      const images = [
        ...(options.image ?? []),
        ...(options.imagesFile === undefined
          ? []
          : parseImagesFile(await readInput(ctx.host, options.imagesFile))),
      ];
      if (images.length === 0) throw new NfdError('USAGE', 'give at least one --image or an --images-file');
      const flags = options as RegistryFlags & DiscoveryFlags;
      const features =
        options.features === undefined
          ? (await discoverHost(ctx, flags)).features
          : await loadFeatureFiles(ctx, options.features, options as InputLimitFlags);
      const index = indexFeatures(features);
      const choices = await mapLimited(images, CONCURRENCY, (image) => judge(ctx, image, flags, index));
      const ranked = rankImages(choices);
      const best = ranked.find((choice) => choice.compatible)?.image ?? null;
      if (options.output === 'json') {
        ctx.host.stdout.write(`${JSON.stringify({ images: ranked, best }, null, 2)}\n`);
      } else {
        ctx.host.stdout.write(
          renderTable({
            header: ['Image', 'Compatible', 'Best set', 'Weight', 'Digest'],
            groups: [
              ranked.map((choice) => [
                choice.image,
                choice.error ?? (choice.compatible ? 'yes' : 'no'),
                choice.bestSet === null
                  ? ''
                  : `#${choice.bestSet.index + 1}${choice.bestSet.tag === null ? '' : ` (${choice.bestSet.tag})`}`,
                choice.bestSet === null ? '' : String(choice.bestSet.weight),
                choice.digest ?? '',
              ]),
            ],
          }) + (best === null ? 'No image is compatible with this node.\n' : `Best: ${best}\n`),
        );
      }
      ctx.exitCode = best === null ? 1 : 0;
    });
}

async function judge(
  ctx: CommandContext,
  image: string,
  flags: RegistryFlags,
  index: FeatureIndex,
): Promise<ImageChoice> {
  const logger = ctx.logger();
  const platform = wantedPlatform(flags);
  let fetched: Awaited<ReturnType<typeof fetchSpec>>;
  try {
    fetched = await withImage(ctx, image, flags, ['pull'], (opened) =>
      fetchSpec(opened.target, {
        image: opened.image,
        ...(platform === undefined ? { machinePlatform: machinePlatform() } : { platform }),
        ...(ctx.host.signal === undefined ? {} : { signal: ctx.host.signal }),
        onWarning: (message) => logger.warn(`${image}: ${message}`),
      }),
    );
  } catch (error) {
    // An image without a spec is an answer about that image, not a failure of the command.
    // Only "no spec attached": a missing image, a listed artifact gone, a corrupted answer are errors.
    if (error instanceof SpecNotFoundError) {
      return { image, digest: null, compatible: false, bestSet: null, error: 'no compatibility spec' };
    }
    throw error;
  }
  const file = `${image}@${fetched.artifactDigest}`;
  const digest = fetched.subject.image.digest;
  let spec: CompatibilitySpec;
  try {
    spec = loadCompatibilitySpecForEvaluation(new TextDecoder().decode(fetched.specBytes), { file }).spec;
  } catch (error) {
    if (!(error instanceof NfdError)) throw error;
    return { image, digest, compatible: false, bestSet: null, error: 'invalid compatibility spec' };
  }
  let statuses: CompatibilityStatus[];
  try {
    statuses = compileCompatibilitySpec(spec).evaluate(index);
  } catch (cause) {
    throw new NfdError('EVALUATION', `${image}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
  const best = bestSet(spec, statuses);
  return { image, digest, compatible: best !== null, bestSet: best };
}
