import { mergeNodeFeatures } from '@nfd/matcher';
import {
  type CompatibilitySpec,
  type Features,
  formatIssue,
  type LoadedDocument,
  loadCompatibilitySpecForEvaluation,
  loadNodeFeaturesForEvaluation,
  NfdError,
  type NodeFeature,
  parseGoYaml,
  type SpecIssue,
} from '@nfd/spec';
import { parseAllDocuments } from 'yaml';
import type { CommandContext } from './context.ts';
import { type InputLimitFlags, nodeFeatureSizeLimit } from './input-limits.ts';
import { readInput } from './read-input.ts';

/** The `kind` of the first document, to tell NodeFeatureRule files from NodeFeatureGroup ones. */
export function documentKind(source: string): string | undefined {
  // Go's reading (its fast reader answers for most files); a file it cannot read is sniffed again.
  const read = parseGoYaml(source);
  if (read.ok) {
    for (const { root } of read.documents) {
      const kind = root?.kind === 'map' ? root.entries.get('kind')?.value : undefined;
      if (kind?.kind === 'scalar' && kind.scalar.type === 'str') return kind.scalar.value;
    }
    return undefined;
  }
  try {
    for (const document of parseAllDocuments(source, { logLevel: 'error' })) {
      if (!('contents' in document)) continue;
      const kind: unknown = document.get('kind');
      if (typeof kind === 'string') return kind;
    }
  } catch {
    // Not even a kind to sniff: the loader reports what is wrong, located.
  }
  return undefined;
}

/** Prints the evaluating loader's warnings (unknown fields, skipped documents, …) on stderr. */
export function reportLoadWarnings(ctx: CommandContext, warnings: readonly SpecIssue[]): void {
  const logger = ctx.logger();
  for (const warning of warnings) logger.warn(formatIssue(warning).replace(': warning: ', ': '));
}

/** An image compatibility spec read for evaluation (matching.md §9.4); warnings go to stderr. */
export function specForEvaluation(
  ctx: CommandContext,
  text: { file: string; source: string },
): CompatibilitySpec {
  const loaded = loadCompatibilitySpecForEvaluation(text.source, { file: text.file });
  reportLoadWarnings(ctx, loaded.warnings);
  return loaded.spec;
}

/**
 * The features of one node from NodeFeature files or bare `nfd export features` documents (both
 * forms, several merged as nfd-master merges them; matching.md §1.2), read as upstream reads them
 * (§9.4). A file that holds no NodeFeature is a usage error. Each file is read up to the
 * `--max-nodefeature-size` of `flags` (the default when the command has no such flag).
 */
export async function loadFeatureFiles(
  ctx: CommandContext,
  files: readonly string[],
  flags: InputLimitFlags = {},
): Promise<Features> {
  const nodeFeatures: NodeFeature[] = [];
  const limit = nodeFeatureSizeLimit(flags);
  for (const file of files) {
    const source = await readInput(ctx.host, file, limit);
    const loaded = loadNodeFeaturesForEvaluation(source, { file });
    reportLoadWarnings(ctx, loaded.warnings);
    nodeFeatures.push(...loaded.nodeFeatures);
  }
  return mergeNodeFeatures(nodeFeatures).spec.features;
}

/**
 * The first document of a rule file: upstream reads only that one (matching.md Q23, §9.3 "one
 * NodeFeatureRule document"); the others are named on stderr, never silently dropped.
 */
export function firstLoaded<T>(
  ctx: CommandContext,
  documents: readonly LoadedDocument<T>[],
  file: string,
  warn = true,
): LoadedDocument<T> {
  const [first] = documents;
  if (first === undefined) throw new NfdError('SPEC_INVALID', `${file} holds no document`);
  if (warn && documents.length > 1) {
    ctx
      .logger()
      .warn(`${file} holds ${documents.length} documents; only the first is used, as upstream does`);
  }
  return first;
}
