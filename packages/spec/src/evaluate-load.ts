// The evaluating loader (matching.md §9.4): files read for a verdict (dryrun, test, validate-node,
// the cluster commands) are decoded as upstream decodes them (sigs.k8s.io/yaml: ./go-yaml.ts,
// ./go-decode.ts), not judged. Unknown fields are ignored, each named once as a warning; each rule
// is decoded on its own, so a rule that does not decode becomes an errored entry while the others
// run; every document of the expected kind is used, others are skipped with a warning. Only a file
// that is not YAML, holds no document of the expected kind, or whose envelope does not decode is
// an error (NfdError SPEC_INVALID, exit 2), one located line per problem.
import type { CompatibilitySpec } from './compatibility-spec.ts';
import { NfdError } from './errors.ts';
import { decodeGo, GoDecodeError, type GoType, jsonKind } from './go-decode.ts';
import {
  GO_COMPATIBILITY_SPEC,
  GO_FEATURES,
  GO_GROUP_RULE,
  GO_NODE_FEATURE_SPEC,
  GO_OBJECT_ENVELOPE,
  GO_RULE,
} from './go-types.ts';
import {
  type GoDocument,
  type GoNode,
  JsonTooDeep,
  parseGoJson,
  parseGoYaml,
  scalarText,
} from './go-yaml.ts';
import { formatIssue, formatIssuePath, type SourceLocation, type SpecIssue } from './issue.ts';
import { NFD_API_VERSION, NFD_API_VERSIONS } from './media-types.ts';
import type { Features, NodeFeature } from './node-feature.ts';
import { describeObjectKind } from './object-kind.ts';
import type { GroupRule, Rule } from './rule.ts';
import { suggestField } from './suggest-field.ts';
import { templateHint } from './template-hint.ts';

/** One rule of a file, decoded, or the reason it could not be (then only its name is known). */
export type EvaluatedRule<R> = { name: string; rule: R } | { name: string; error: string };

export type EvaluatedRuleFile =
  | { kind: 'NodeFeatureRule'; rules: EvaluatedRule<Rule>[]; warnings: SpecIssue[] }
  | { kind: 'NodeFeatureGroup'; rules: EvaluatedRule<GroupRule>[]; warnings: SpecIssue[] };

export interface EvaluationLoadOptions {
  /** Names the file in messages. */
  file: string;
}

interface Envelope {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  spec?: unknown;
}

/** Thrown in the fast (unlocated JSON) pass when something must be reported: the text is read again, located. */
class NeedsLocations extends Error {}

class Collector {
  readonly warnings: SpecIssue[] = [];
  readonly #seen = new Set<string>();
  readonly file: string;
  /** True while reading JSON without locations (./go-yaml.ts parseGoJson). */
  unlocated = false;
  constructor(file: string) {
    this.file = file;
  }

  warn(at: SourceLocation, path: readonly (string | number)[], message: string): void {
    if (this.unlocated) throw new NeedsLocations();
    const issue: SpecIssue = {
      severity: 'warning',
      file: this.file,
      line: at.line,
      column: at.column,
      path: formatIssuePath(path),
      message,
    };
    const key = formatIssue(issue);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.warnings.push(issue);
  }

  /** The decode context that names each unknown field once. */
  unknownFields(): {
    onUnknown: (
      path: readonly (string | number)[],
      field: string,
      at: SourceLocation,
      known: readonly string[],
    ) => void;
  } {
    return {
      onUnknown: (path, field, at, known) => {
        const suggestion = suggestField(field, known);
        this.warn(
          at,
          [...path, field],
          `unknown field ${JSON.stringify(field)} ignored, as upstream does${suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`}`,
        );
      },
    };
  }
}

function fileError(
  file: string,
  problems: { at: SourceLocation; message: string }[],
  hint?: string,
  code: 'SPEC_INVALID' | 'USAGE' = 'SPEC_INVALID',
): NfdError {
  // The logger says "error:"; a message about the whole file at its start names the file as its subject.
  const lines = problems.map(({ at, message }) =>
    message.startsWith('is ')
      ? at.line === 1 && at.column === 1
        ? `${file} ${message}`
        : `${file}:${at.line}:${at.column}: the document ${message}`
      : `${file}:${at.line}:${at.column}: ${message}`,
  );
  return new NfdError(code, lines.join('\n'), hint === undefined ? {} : { hint });
}

/**
 * Runs a loader on a JSON text through JSON.parse first (no locations; several times faster than a
 * YAML parser), and again on the YAML path, located, as soon as it has anything to report.
 */
function twoPass<R>(file: string, load: (collector: Collector, fast: boolean) => R): R {
  const fast = new Collector(file);
  try {
    return load(fast, true);
  } catch (error) {
    // Only the unlocated JSON pass is worth repeating; a YAML text was read located the first time.
    const again =
      fast.unlocated &&
      (error instanceof NeedsLocations ||
        error instanceof NfdError ||
        error instanceof GoDecodeError ||
        error instanceof JsonTooDeep);
    if (!again) throw error;
  }
  return load(new Collector(file), false);
}

/** Parses the stream; a syntax error is a file-level error (each reported once, with a Helm hint when it applies). */
function documentsOf(text: string, file: string, collector: Collector, fast = false): GoDocument[] {
  if (fast) {
    const json = parseGoJson(text);
    if (json !== undefined) {
      collector.unlocated = true;
      return json;
    }
  }
  const parsed = parseGoYaml(text);
  if (!parsed.ok) {
    const problems = parsed.errors.map((error) => ({
      at: error.at,
      message: error.limit === true ? error.message : `invalid YAML: ${error.message}`,
    }));
    throw fileError(file, problems, templateHint(text));
  }
  for (const at of parsed.reindented)
    collector.warn(
      at,
      [],
      'flow collection continued at its parent key’s indentation: accepted, as Go’s YAML does',
    );
  return parsed.documents;
}

function envelopeOf(document: GoDocument, file: string, collector: Collector): Envelope {
  const root = document.root as GoNode;
  try {
    return decodeGo(root, GO_OBJECT_ENVELOPE, collector.unknownFields()) as Envelope;
  } catch (error) {
    if (error instanceof GoDecodeError) throw fileError(file, [{ at: error.at, message: error.message }]);
    throw error;
  }
}

function describeKind(envelope: Envelope): string {
  return describeObjectKind(envelope.kind, envelope.apiVersion);
}

function checkApiVersion(envelope: Envelope, document: GoDocument, collector: Collector): void {
  const api = envelope.apiVersion ?? '';
  if ((NFD_API_VERSIONS as readonly string[]).includes(api)) return;
  collector.warn(
    entryAt(document.root, 'apiVersion') ?? document.at,
    ['apiVersion'],
    `apiVersion ${api === '' ? '(none)' : JSON.stringify(api)} is not ${NFD_API_VERSIONS.map((v) => `"${v}"`).join(' or ')}; read as ${NFD_API_VERSION}, as upstream does`,
  );
}

function entryAt(node: GoNode | null, key: string): SourceLocation | undefined {
  return node?.kind === 'map' ? node.entries.get(key)?.value.at : undefined;
}

function specNode(document: GoDocument): GoNode | undefined {
  const root = document.root;
  if (root?.kind !== 'map') return undefined;
  for (const [key, entry] of root.entries) if (key.toLowerCase() === 'spec') return entry.value;
  return undefined;
}

/** The list under spec.<field>: a mapping key matched as encoding/json matches it. */
function ruleNodes(
  document: GoDocument,
  field: string,
  specType: string,
  elemType: string,
  file: string,
): GoNode[] {
  const spec = specNode(document);
  if (spec === undefined || (spec.kind === 'scalar' && spec.scalar.type === 'null')) return [];
  if (spec.kind !== 'map')
    throw fileError(file, [
      {
        at: spec.at,
        message: `json: cannot unmarshal ${jsonKind(spec)} into Go struct field ${specType.replace('Spec', '')}.spec of type v1alpha1.${specType}`,
      },
    ]);
  let list: GoNode | undefined;
  for (const [key, entry] of spec.entries) if (key.toLowerCase() === field.toLowerCase()) list = entry.value;
  if (list === undefined || (list.kind === 'scalar' && list.scalar.type === 'null')) return [];
  if (list.kind !== 'seq')
    throw fileError(file, [
      {
        at: list.at,
        message: `json: cannot unmarshal ${jsonKind(list)} into Go struct field ${specType}.spec.${field} of type []v1alpha1.${elemType}`,
      },
    ]);
  return list.items;
}

function ruleName(node: GoNode, index: number): string {
  if (node.kind === 'map') {
    for (const [key, entry] of node.entries) {
      if (key.toLowerCase() !== 'name' || entry.value.kind !== 'scalar') continue;
      const name = scalarText(entry.value.scalar);
      if (name !== undefined) return name;
    }
  }
  return `rule #${index + 1}`;
}

function decodeRules<R>(
  nodes: GoNode[],
  type: GoType,
  specType: string,
  field: string,
  collector: Collector,
  offset: number,
): EvaluatedRule<R>[] {
  return nodes.map((node, i) => {
    try {
      const rule = decodeGo(node, type, collector.unknownFields(), {
        struct: specType,
        fields: ['spec', field],
        path: ['spec', field, offset + i],
      }) as (R & { name?: string }) | undefined;
      const value = (rule ?? {}) as R & { name?: string };
      return { name: value.name ?? '', rule: { ...value, name: value.name ?? '' } as R };
    } catch (error) {
      if (!(error instanceof GoDecodeError)) throw error;
      if (collector.unlocated) throw new NeedsLocations();
      const at = `${collector.file}:${error.at.line}:${error.at.column}`;
      return { name: ruleName(node, offset + i), error: `cannot decode the rule (${at}): ${error.message}` };
    }
  });
}

/** The rule file in one pass (see loadRuleFileForEvaluation). */
function ruleFile(text: string, file: string, collector: Collector, fast: boolean): EvaluatedRuleFile {
  const documents = documentsOf(text, file, collector, fast).filter((document) => document.root !== null);
  let kind: 'NodeFeatureRule' | 'NodeFeatureGroup' | undefined;
  const ruleDocuments: { document: GoDocument; envelope: Envelope }[] = [];
  const others: { document: GoDocument; envelope: Envelope | undefined }[] = [];
  for (const document of documents) {
    if (document.root?.kind !== 'map') {
      others.push({ document, envelope: undefined });
      continue;
    }
    // Kind first, without warnings: a document that is skipped is not checked field by field.
    let envelope = envelopeOf(document, file, new Collector(file));
    const documentKind =
      envelope.kind === 'NodeFeatureRule' || envelope.kind === 'NodeFeatureGroup' ? envelope.kind : undefined;
    if (documentKind !== undefined && (kind === undefined || kind === documentKind)) {
      kind = documentKind;
      envelope = envelopeOf(document, file, collector);
      ruleDocuments.push({ document, envelope });
    } else others.push({ document, envelope });
  }
  if (kind === undefined) {
    const first = others[0];
    if (first === undefined)
      throw fileError(file, [
        {
          at: { line: 1, column: 1 },
          message: 'the file is empty; expected a NodeFeatureRule or NodeFeatureGroup object',
        },
      ]);
    const what = first.envelope === undefined ? 'not a mapping' : describeKind(first.envelope);
    throw fileError(
      file,
      [{ at: first.document.at, message: `is ${what}, not a NodeFeatureRule or NodeFeatureGroup` }],
      templateHint(text),
    );
  }
  for (const { document, envelope } of others) {
    const what = envelope === undefined ? 'not a mapping' : describeKind(envelope);
    collector.warn(document.at, [], `document ${document.index + 1} is ${what}, not a ${kind}: skipped`);
  }
  const group = kind === 'NodeFeatureGroup';
  const rules: EvaluatedRule<Rule | GroupRule>[] = [];
  for (const { document, envelope } of ruleDocuments) {
    checkApiVersion(envelope, document, collector);
    const nodes = group
      ? ruleNodes(document, 'featureGroupRules', 'NodeFeatureGroupSpec', 'GroupRule', file)
      : ruleNodes(document, 'rules', 'NodeFeatureRuleSpec', 'Rule', file);
    rules.push(
      ...decodeRules<Rule | GroupRule>(
        nodes,
        group ? GO_GROUP_RULE : GO_RULE,
        group ? 'NodeFeatureGroupSpec' : 'NodeFeatureRuleSpec',
        group ? 'featureGroupRules' : 'rules',
        collector,
        0,
      ),
    );
  }
  return group
    ? { kind: 'NodeFeatureGroup', rules: rules as EvaluatedRule<GroupRule>[], warnings: collector.warnings }
    : { kind: 'NodeFeatureRule', rules: rules as EvaluatedRule<Rule>[], warnings: collector.warnings };
}

/** The spec in one pass (see loadCompatibilitySpecForEvaluation). */
function compatibilitySpec(
  text: string,
  file: string,
  collector: Collector,
  fast: boolean,
): { spec: CompatibilitySpec; warnings: SpecIssue[] } {
  const documents = documentsOf(text, file, collector, fast).filter((document) => document.root !== null);
  const [first, ...rest] = documents;
  if (first === undefined)
    throw fileError(file, [
      { at: { line: 1, column: 1 }, message: 'the file is empty; expected an image compatibility spec' },
    ]);
  for (const document of rest)
    collector.warn(
      document.at,
      [],
      `document ${document.index + 1} ignored: a spec is the first document, as upstream reads it`,
    );
  const root = first.root as GoNode;
  if (
    root.kind === 'map' &&
    !root.entries.has('compatibilities') &&
    (root.entries.has('kind') || root.entries.has('apiVersion'))
  ) {
    const envelope = envelopeOf(first, file, new Collector(file));
    throw fileError(file, [
      { at: first.at, message: `is ${describeKind(envelope)}, not an image compatibility spec` },
    ]);
  }
  let spec: CompatibilitySpec;
  try {
    spec = decodeGo(root, GO_COMPATIBILITY_SPEC, collector.unknownFields()) as CompatibilitySpec;
  } catch (error) {
    if (error instanceof GoDecodeError)
      throw fileError(file, [{ at: error.at, message: error.message }], templateHint(text));
    throw error;
  }
  const version = (spec.version as string | undefined) ?? '';
  if (version !== 'v1alpha1')
    collector.warn(
      entryAt(root, 'version') ?? first.at,
      ['version'],
      `version ${version === '' ? '(none)' : JSON.stringify(version)} is not "v1alpha1"; evaluated anyway, as upstream does`,
    );
  const sets = (spec.compatibilities ?? []).map((set) => ({
    ...set,
    rules: (set.rules ?? []).map((rule) => ({ ...rule, name: rule.name ?? '' })),
  }));
  return { spec: { version: spec.version, compatibilities: sets }, warnings: collector.warnings };
}

const EMPTY_FEATURES = (): Features => ({ flags: {}, attributes: {}, instances: {} });

function withFeatureDefaults(features: Partial<Features> | undefined): Features {
  return {
    flags: features?.flags ?? {},
    attributes: features?.attributes ?? {},
    instances: features?.instances ?? {},
  };
}

/** The NodeFeature file in one pass (see loadNodeFeaturesForEvaluation). */
function nodeFeatureFile(
  text: string,
  file: string,
  collector: Collector,
  fast: boolean,
): { nodeFeatures: NodeFeature[]; warnings: SpecIssue[] } {
  const documents = documentsOf(text, file, collector, fast).filter((document) => document.root !== null);
  const nodeFeatures: NodeFeature[] = [];
  const refused: { at: SourceLocation; message: string }[] = [];
  for (const document of documents) {
    const root = document.root as GoNode;
    if (root.kind !== 'map') {
      refused.push({ at: document.at, message: 'is not a NodeFeature (not a mapping)' });
      continue;
    }
    const keys = [...root.entries.keys()];
    const bare =
      !keys.includes('kind') &&
      !keys.includes('apiVersion') &&
      keys.some((key) => ['flags', 'attributes', 'instances'].includes(key));
    try {
      if (bare) {
        const features = decodeGo(root, GO_FEATURES, collector.unknownFields()) as Partial<Features>;
        nodeFeatures.push({
          apiVersion: NFD_API_VERSION,
          kind: 'NodeFeature',
          spec: { features: withFeatureDefaults(features), labels: {} },
        });
        continue;
      }
      const envelope = envelopeOf(document, file, collector);
      if (envelope.kind !== 'NodeFeature') {
        const what =
          envelope.kind === undefined || envelope.kind === ''
            ? 'it has no `kind`/`spec.features`'
            : `it is ${describeKind(envelope)}`;
        refused.push({ at: document.at, message: `is not a NodeFeature (${what})` });
        continue;
      }
      checkApiVersion(envelope, document, collector);
      const spec = specNode(document);
      const decoded = (
        spec === undefined
          ? undefined
          : decodeGo(spec, GO_NODE_FEATURE_SPEC, collector.unknownFields(), {
              struct: 'NodeFeature',
              fields: ['spec'],
              path: ['spec'],
            })
      ) as { features?: Partial<Features>; labels?: Record<string, string> } | undefined;
      nodeFeatures.push({
        apiVersion: NFD_API_VERSION,
        kind: 'NodeFeature',
        ...(envelope.metadata === undefined ? {} : { metadata: envelope.metadata }),
        spec: {
          features:
            decoded?.features === undefined ? EMPTY_FEATURES() : withFeatureDefaults(decoded.features),
          labels: decoded?.labels ?? {},
        },
      });
    } catch (error) {
      if (error instanceof GoDecodeError) throw fileError(file, [{ at: error.at, message: error.message }]);
      throw error;
    }
  }
  if (nodeFeatures.length === 0) {
    if (refused.length === 0)
      refused.push({ at: { line: 1, column: 1 }, message: 'the file is empty; expected a NodeFeature' });
    // Given where a NodeFeature is expected: a usage error (exit 2), never an empty node (§9.4).
    throw fileError(file, refused, templateHint(text), 'USAGE');
  }
  for (const problem of refused) collector.warn(problem.at, [], `${problem.message}: skipped`);
  return { nodeFeatures, warnings: collector.warnings };
}

/**
 * Loads a NodeFeatureRule or NodeFeatureGroup file for evaluation: every document of the kind of
 * the first NFD rule document, in order, each rule decoded on its own. Throws NfdError
 * (SPEC_INVALID) for a file with no such document, a YAML syntax error, or an envelope
 * (apiVersion, kind, metadata, spec) that does not decode.
 */
export function loadRuleFileForEvaluation(text: string, options: EvaluationLoadOptions): EvaluatedRuleFile {
  return twoPass(options.file, (collector, fast) => ruleFile(text, options.file, collector, fast));
}

/**
 * Loads an image compatibility spec for evaluation (the first document; others are named in a
 * warning). A set without rules and a spec without sets are kept as they are (matching.md §9.3).
 */
export function loadCompatibilitySpecForEvaluation(
  text: string,
  options: EvaluationLoadOptions,
): { spec: CompatibilitySpec; warnings: SpecIssue[] } {
  return twoPass(options.file, (collector, fast) => compatibilitySpec(text, options.file, collector, fast));
}

/**
 * Loads the NodeFeature objects (or bare `nfd export features` documents) of a `--features`/`-n`
 * file for evaluation. Anything else is a usage-level error (exit 2), never a node without features.
 */
export function loadNodeFeaturesForEvaluation(
  text: string,
  options: EvaluationLoadOptions,
): { nodeFeatures: NodeFeature[]; warnings: SpecIssue[] } {
  return twoPass(options.file, (collector, fast) => nodeFeatureFile(text, options.file, collector, fast));
}
