import { readFile } from 'node:fs/promises';
import { isScalar, visit, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { findCompatibilitySpecProblems } from './check-compatibility-spec.ts';
import { type CompatibilitySpec, CompatibilitySpecSchema } from './compatibility-spec.ts';
import { coreData, coreSource } from './core-source.ts';
import { NfdError } from './errors.ts';
import { parseYamlStream } from './go-yaml.ts';
import { parseCoreYamlFast } from './go-yaml-fast.ts';
import { formatIssuePath, type SpecIssue, sortIssues } from './issue.ts';
import type { LoadedDocument, LoadResult } from './load-result.ts';
import { type Features, FeaturesSchema, type NodeFeature, NodeFeatureSchema } from './node-feature.ts';
import { type NodeFeatureGroup, NodeFeatureGroupSchema } from './node-feature-group.ts';
import { type NodeFeatureRule, NodeFeatureRuleSchema } from './node-feature-rule.ts';
import { describeObjectKind } from './object-kind.ts';
import { type Finding, findingsFromZodError } from './schema-issues.ts';
import { templateHint } from './template-hint.ts';
import { checkAliases, documentMerges, isLimitMessage, MAX_ALIAS_COUNT, oneLine } from './yaml-limits.ts';
import {
  type DocumentSource,
  type FieldPath,
  librarySource,
  positionAt,
  type SourceDocument,
} from './yaml-source.ts';

/** Options of every loader. `file` is only used to name the file in issues. */
export interface LoadOptions {
  file: string;
}

/** `check: true` adds the `validate-spec` checks (see `checkCompatibilitySpec`), even for invalid documents. */
export interface LoadCompatibilitySpecOptions extends LoadOptions {
  check?: boolean;
}

interface DocumentKind<T> {
  schema: z.ZodType<T>;
  /** The Kubernetes kind the document must declare, for objects. */
  kind?: string;
  /** Said when the file holds no document at all. */
  expected: string;
  check?: (data: unknown, locate: (path: FieldPath) => { line: number; column: number }) => Finding[];
}

function syntaxIssue(
  source: SourceDocument,
  file: string,
  error: YAMLError,
  severity: SpecIssue['severity'],
): SpecIssue {
  const { line, column } = positionAt(source, error.pos[0]);
  const message =
    error.code === 'DUPLICATE_KEY'
      ? `duplicate key ${duplicateKeyText(source, error.pos[0])}`
      : isLimitMessage(error.message)
        ? error.message
        : `invalid YAML: ${oneLine(error.message)}`;
  return { severity, file, line, column, path: '', message };
}

/** The duplicated key starting at `offset`, quoted. */
function duplicateKeyText(source: SourceDocument, offset: number): string {
  let key = source.text.slice(offset, offset + 1);
  visit(source.document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return JSON.stringify(key);
}

function isEmptyDocument(source: SourceDocument): boolean {
  const { contents } = source.document;
  if (contents === null) return true;
  if (!isScalar(contents) || contents.value !== null) return false;
  const range = contents.range;
  return range === undefined || range === null || source.text.slice(range[0], range[1]).trim() === '';
}

/** The `kind` a document says it is, when it is a mapping with a string `kind`. */
function declaredKind(data: unknown): { kind: string; apiVersion: string } | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const { kind, apiVersion } = data as { kind?: unknown; apiVersion?: unknown };
  if (typeof kind !== 'string') return undefined;
  return { kind, apiVersion: typeof apiVersion === 'string' ? apiVersion : '' };
}

/** The schema, the kind and (with `check`) the extra checks of one parsed document, located. */
function checkDocument<T>(
  index: number,
  data: unknown,
  source: DocumentSource,
  file: string,
  kind: DocumentKind<T>,
  check: boolean,
  issues: SpecIssue[],
  documents: LoadedDocument<T>[],
): void {
  const locate = (path: FieldPath) => source.locate(path);
  const declared = declaredKind(data);
  if (kind.kind !== undefined && declared !== undefined && declared.kind !== kind.kind) {
    // Another kind of object (an OLM ClusterServiceVersion, a ConfigMap): one line, not its fields.
    const { line, column } = locate(['kind']);
    issues.push({
      severity: 'error',
      file,
      line,
      column,
      path: '',
      message: `this document is ${describeObjectKind(declared.kind, declared.apiVersion)}, not ${kind.expected}`,
    });
    return;
  }
  const findings: Finding[] = [];
  const result = kind.schema.safeParse(data, { reportInput: true });
  if (!result.success) {
    findings.push(
      ...findingsFromZodError(result.error, kind.schema, data, (path) => source.scalarSource(path)),
    );
  }
  if (check && kind.check !== undefined) findings.push(...kind.check(data, locate));
  for (const finding of findings) {
    const { line, column } =
      finding.key === undefined ? locate(finding.path) : source.locate([...finding.path, finding.key], 'key');
    const { severity, message } = finding;
    // An unknown field's path names the field itself, so the path always ends at what is wrong.
    const path = finding.key === undefined ? finding.path : [...finding.path, finding.key];
    issues.push({ severity, file, line, column, path: formatIssuePath(path), message });
  }
  if (result.success)
    documents.push({
      index,
      value: result.data,
      locate,
      locateIn: (path, line, column) => source.locateIn(path, line, column),
    });
}

const NO_DATA: unique symbol = Symbol('no data');

/**
 * The document as JavaScript (the YAML library's toJS), its aliases resolved once and bounded
 * first (yaml-limits.ts); a problem with them, or anything toJS throws, is a located issue.
 */
function documentData(
  source: SourceDocument,
  file: string,
  issues: SpecIssue[],
): { value: unknown } | typeof NO_DATA {
  const { document } = source;
  const aliases = checkAliases(document, {
    maxAliasCount: MAX_ALIAS_COUNT,
    merges: documentMerges(document),
    inline: true,
  });
  if (!aliases.ok) {
    const { offset, message, limit } = aliases.problem;
    const { line, column } = positionAt(source, offset);
    issues.push({
      severity: 'error',
      file,
      line,
      column,
      path: '',
      message: limit ? message : `invalid YAML: ${message}`,
    });
    return NO_DATA;
  }
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const { line, column } = positionAt(source, document.contents?.range?.[0] ?? document.range[0]);
    const message = oneLine(error instanceof Error ? error.message : String(error));
    issues.push({ severity: 'error', file, line, column, path: '', message: `invalid YAML: ${message}` });
    return NO_DATA;
  }
}

function fileIssue(file: string, message: string): SpecIssue {
  return { severity: 'error', file, line: 1, column: 1, path: '', message };
}

function loadResult<T>(issues: SpecIssue[], documents: LoadedDocument<T>[]): LoadResult<T> {
  const sorted = sortIssues(issues);
  if (sorted.some((issue) => issue.severity === 'error')) return { ok: false, issues: sorted };
  return { ok: true, documents, warnings: sorted };
}

function loadDocuments<T>(input: string, file: string, kind: DocumentKind<T>, check: boolean): LoadResult<T> {
  const issues: SpecIssue[] = [];
  const documents: LoadedDocument<T>[] = [];
  // The common shapes go through the fast reader, which answers only when the YAML library would
  // read the text without a word (no syntax error, warning, duplicate key or empty document).
  const fast = parseCoreYamlFast(input);
  if (fast !== undefined) {
    for (const { index, root } of fast)
      checkDocument(index, coreData(root), coreSource(root), file, kind, check, issues, documents);
    return loadResult(issues, documents);
  }
  const { text, lineCounter, documents: parsed, reindented } = parseYamlStream(input);
  for (const line of reindented) {
    issues.push({
      severity: 'warning',
      file,
      line,
      column: 1,
      path: '',
      message: 'flow collection continued at its parent key’s indentation: accepted, as Go’s YAML does',
    });
  }
  let nonEmpty = 0;
  const syntaxLines = new Set<number>();
  parsed.forEach((document, index) => {
    const source: SourceDocument = { document, lineCounter, text };
    issues.push(...document.warnings.map((warning) => syntaxIssue(source, file, warning, 'warning')));
    if (document.errors.length > 0) {
      nonEmpty++;
      // One message per line: a token-level parser reports every following token of a broken line.
      for (const error of document.errors) {
        const issue = syntaxIssue(source, file, error, 'error');
        if (syntaxLines.has(issue.line)) continue;
        syntaxLines.add(issue.line);
        issues.push(issue);
      }
      return;
    }
    // An empty document in a stream (a trailing `---`) is skipped, as kubectl does.
    if (isEmptyDocument(source)) return;
    nonEmpty++;
    const data = documentData(source, file, issues);
    if (data === NO_DATA) return;
    checkDocument(index, data.value, librarySource(source), file, kind, check, issues, documents);
  });
  if (nonEmpty === 0) issues.push(fileIssue(file, `the file is empty; expected ${kind.expected}`));
  const hint = syntaxLines.size > 0 ? templateHint(text) : undefined;
  if (hint !== undefined) issues.push(fileIssue(file, hint));
  return loadResult(issues, documents);
}

const COMPATIBILITY_SPEC: DocumentKind<CompatibilitySpec> = {
  schema: CompatibilitySpecSchema,
  expected: 'an image compatibility spec with `version` and `compatibilities`',
  check: findCompatibilitySpecProblems,
};
const NODE_FEATURE_RULE: DocumentKind<NodeFeatureRule> = {
  schema: NodeFeatureRuleSchema,
  kind: 'NodeFeatureRule',
  expected: 'a NodeFeatureRule object',
};
const NODE_FEATURE_GROUP: DocumentKind<NodeFeatureGroup> = {
  schema: NodeFeatureGroupSchema,
  kind: 'NodeFeatureGroup',
  expected: 'a NodeFeatureGroup object',
};
const NODE_FEATURE: DocumentKind<NodeFeature> = {
  schema: NodeFeatureSchema,
  kind: 'NodeFeature',
  expected: 'a NodeFeature object',
};
const FEATURES: DocumentKind<Features> = {
  schema: FeaturesSchema,
  expected: 'a features document ({flags, attributes, instances}, as `nfd export features` prints it)',
};

/** Loads every document of a YAML or JSON text as an image compatibility spec. */
export function loadCompatibilitySpec(
  text: string,
  options: LoadCompatibilitySpecOptions,
): LoadResult<CompatibilitySpec> {
  return loadDocuments(text, options.file, COMPATIBILITY_SPEC, options.check ?? false);
}

/** Loads every document of a YAML or JSON text as a NodeFeatureRule. */
export function loadNodeFeatureRule(text: string, options: LoadOptions): LoadResult<NodeFeatureRule> {
  return loadDocuments(text, options.file, NODE_FEATURE_RULE, false);
}

/** Loads every document of a YAML or JSON text as a NodeFeatureGroup. */
export function loadNodeFeatureGroup(text: string, options: LoadOptions): LoadResult<NodeFeatureGroup> {
  return loadDocuments(text, options.file, NODE_FEATURE_GROUP, false);
}

/** Loads every document of a YAML or JSON text as a NodeFeature. */
export function loadNodeFeature(text: string, options: LoadOptions): LoadResult<NodeFeature> {
  return loadDocuments(text, options.file, NODE_FEATURE, false);
}

/** Loads a bare features document, the output of `nfd export features`. */
export function loadFeatures(text: string, options: LoadOptions): LoadResult<Features> {
  return loadDocuments(text, options.file, FEATURES, false);
}

/** Reads `path` as UTF-8; a failure becomes FILE_UNREADABLE naming the file and the OS reason. */
export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new NfdError('FILE_UNREADABLE', `cannot read ${path}: ${osReason(cause)}`, { cause });
  }
}

/** "no such file or directory (ENOENT)" out of Node's "ENOENT: no such file or directory, open '…'". */
function osReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (code === undefined) return error.message;
  const reason = error.message.replace(`${code}: `, '').replace(/, \w+( '.*')?$/s, '');
  return `${reason} (${code})`;
}

/** Reads and loads a compatibility spec file (see `loadCompatibilitySpec`). */
export async function readCompatibilitySpecFile(
  path: string,
  options: { check?: boolean } = {},
): Promise<LoadResult<CompatibilitySpec>> {
  return loadCompatibilitySpec(await readTextFile(path), { file: path, ...options });
}

/** Reads and loads a NodeFeatureRule file. */
export async function readNodeFeatureRuleFile(path: string): Promise<LoadResult<NodeFeatureRule>> {
  return loadNodeFeatureRule(await readTextFile(path), { file: path });
}

/** Reads and loads a NodeFeatureGroup file. */
export async function readNodeFeatureGroupFile(path: string): Promise<LoadResult<NodeFeatureGroup>> {
  return loadNodeFeatureGroup(await readTextFile(path), { file: path });
}

/** Reads and loads a NodeFeature file. */
export async function readNodeFeatureFile(path: string): Promise<LoadResult<NodeFeature>> {
  return loadNodeFeature(await readTextFile(path), { file: path });
}
