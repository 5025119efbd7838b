// Every loader of the package, and the property the fuzz suites hold them to: a loader returns, or
// throws an NfdError; every problem it reports is located in the text (file:line:col, or the whole
// file), and nothing else ever escapes.
import { readFileSync } from 'node:fs';
import { badLocation, type FuzzStats, unlocatedLine } from '../../../../test/support/fuzz-inputs.ts';
import {
  type LoadResult,
  loadCompatibilitySpec,
  loadCompatibilitySpecForEvaluation,
  loadNodeFeature,
  loadNodeFeatureGroup,
  loadNodeFeatureRule,
  loadNodeFeaturesForEvaluation,
  loadRuleFileForEvaluation,
  NfdError,
  type SpecIssue,
} from '../../src/index.ts';
import { loadFeatures } from '../../src/load.ts';

export const FILE = 'fuzz.yaml';

export type Kind = 'spec' | 'rule' | 'nodefeature';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** Real files of each kind, small enough to mutate quickly. */
export const SEEDS: Readonly<Record<Kind, readonly string[]>> = {
  spec: [
    fixture('fuzz/spec.yaml'),
    fixture('fuzz/spec.json'),
    fixture('seeds/002-blog-spec.yaml'),
    fixture('seeds/003-docs-spec.yaml'),
    fixture('seeds/004-kep-spec.yaml'),
  ],
  rule: [
    fixture('node-feature-rule.yaml'),
    fixture('node-feature-group.yaml'),
    fixture('fuzz/rule-anchors.yaml'),
    fixture('fuzz/rule.json'),
  ],
  nodefeature: [
    fixture('node-feature.yaml'),
    fixture('fuzz/nodefeature.json'),
    fixture('fuzz/features.yaml'),
  ],
};

interface Loader {
  name: string;
  /** Strict loaders return issues; evaluating ones throw an NfdError. */
  strict: boolean;
  load: (text: string) => unknown;
}

const opts = { file: FILE };

/** The strict loader a command would pick for the text, and the evaluating one, per kind. */
export const LOADERS: Readonly<Record<Kind, (text: string) => Loader[]>> = {
  spec: () => [
    {
      name: 'loadCompatibilitySpec',
      strict: true,
      load: (t) => loadCompatibilitySpec(t, { ...opts, check: true }),
    },
    {
      name: 'loadCompatibilitySpecForEvaluation',
      strict: false,
      load: (t) => loadCompatibilitySpecForEvaluation(t, opts),
    },
  ],
  rule: (text) => [
    /NodeFeatureGroup/.test(text)
      ? { name: 'loadNodeFeatureGroup', strict: true, load: (t) => loadNodeFeatureGroup(t, opts) }
      : { name: 'loadNodeFeatureRule', strict: true, load: (t) => loadNodeFeatureRule(t, opts) },
    { name: 'loadRuleFileForEvaluation', strict: false, load: (t) => loadRuleFileForEvaluation(t, opts) },
  ],
  nodefeature: (text) => [
    /kind/.test(text)
      ? { name: 'loadNodeFeature', strict: true, load: (t) => loadNodeFeature(t, opts) }
      : { name: 'loadFeatures', strict: true, load: (t) => loadFeatures(t, opts) },
    {
      name: 'loadNodeFeaturesForEvaluation',
      strict: false,
      load: (t) => loadNodeFeaturesForEvaluation(t, opts),
    },
  ],
};

/** Every loader, whatever the text is. */
export function allLoaders(text: string): Loader[] {
  return [...LOADERS.spec(text), ...LOADERS.rule(text), ...LOADERS.nodefeature(text)];
}

function fail(loader: Loader, why: string, text: string): never {
  throw new Error(`${loader.name}: ${why}\n--- input (${text.length} chars) ---\n${text.slice(0, 2000)}`);
}

function checkIssues(loader: Loader, issues: readonly SpecIssue[], text: string): void {
  for (const issue of issues) {
    if (issue.file !== FILE) fail(loader, `issue names ${issue.file}`, text);
    const bad = badLocation(text, issue.line, issue.column);
    if (bad !== undefined) fail(loader, `issue ${bad}: ${issue.message}`, text);
    // One issue, one line: file:line:col: severity: path: message.
    if (/[\n\r]/.test(issue.message))
      fail(loader, `issue of several lines: ${JSON.stringify(issue.message)}`, text);
  }
}

/** Runs the loaders on one input and checks what they do; counts into `stats`. */
export function checkInput(loaders: readonly Loader[], text: string, stats: FuzzStats): void {
  stats.time(() => {
    for (const loader of loaders) {
      stats.calls++;
      let result: unknown;
      try {
        result = loader.load(text);
      } catch (error) {
        if (loader.strict) fail(loader, `a strict loader threw ${describe(error)}`, text);
        if (!(error instanceof NfdError)) fail(loader, `threw ${describe(error)}`, text);
        const why = unlocatedLine(error.message, FILE, text);
        if (why !== undefined) fail(loader, `rejection ${why}`, text);
        stats.rejections++;
        continue;
      }
      if (loader.strict) {
        const loaded = result as LoadResult<unknown>;
        if (!loaded.ok) stats.rejections++;
        checkIssues(loader, loaded.ok ? loaded.warnings : loaded.issues, text);
      } else checkIssues(loader, (result as { warnings: SpecIssue[] }).warnings, text);
    }
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`;
  return String(error);
}
