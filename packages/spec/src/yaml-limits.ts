// Limits that keep hostile YAML (and JSON) from exhausting the stack, the memory or the time of a
// loader: nesting at most MAX_YAML_DEPTH levels deep, aliases resolved once each in one pass
// (the YAML library resolves each alias with a scan of the whole document) and their expansion
// bounded (go-yaml's excessive-aliasing rule; for the strict loader also the YAML library's
// maxAliasCount). Every breach is a located problem, reported like a syntax error.
import {
  type Alias,
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  Parser,
  YAMLParseError,
  Document as YamlDocument,
} from 'yaml';

/** How deep mappings and sequences may nest (a root mapping is level 1), in YAML and JSON alike. */
export const MAX_YAML_DEPTH: number = 256;

/**
 * The YAML library's `maxAliasCount` (its default) for the strict loader: how many aliases a
 * document may resolve, those inside aliased nodes counted each time they are expanded.
 */
export const MAX_ALIAS_COUNT: number = 100;

/** The message of a nesting-limit breach (reported without the "invalid YAML" prefix). */
export const NESTING_MESSAGE: string = `nested deeper than ${MAX_YAML_DEPTH} levels (the limit for YAML and JSON input)`;

/** Whether a YAML error message is that of the nesting limit, which is no syntax error of the text. */
export function isLimitMessage(message: string): boolean {
  return message === NESTING_MESSAGE || message === LIBRARY_SIZE_MESSAGE;
}

/**
 * A YAML library error message as one line of text: its first line, control characters escaped (a
 * message may quote the offending character, a carriage return among them).
 */
export function oneLine(message: string): string {
  const first = message.split('\n')[0] ?? '';
  let text = '';
  for (const char of first) {
    const code = char.charCodeAt(0);
    if (code === 0x0d) text += '\\r';
    else if ((code < 0x20 && code !== 0x09) || code === 0x7f || (code >= 0x80 && code <= 0x9f))
      text += `\\u${code.toString(16).padStart(4, '0')}`;
    else text += char;
  }
  return text;
}

type Token = CST.Token;

function isCollectionToken(token: Token | null | undefined): boolean {
  return (
    token !== null &&
    token !== undefined &&
    (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection')
  );
}

function tooDeep(token: Token): CST.ErrorToken {
  return { type: 'error', offset: token.offset, source: '', message: NESTING_MESSAGE };
}

/**
 * The parser's tokens with every collection nested deeper than MAX_YAML_DEPTH replaced by an error
 * token, which the composer reports at its offset: the composer (recursive) never sees deeper
 * nesting. The parser and lexer themselves are iterative; so is this walk.
 */
function* limitNesting(tokens: Iterable<Token>): Generator<Token> {
  for (const token of tokens) {
    if (token.type === 'document' && isCollectionToken(token.value)) {
      const stack: { token: Token; depth: number }[] = [{ token: token.value as Token, depth: 1 }];
      while (stack.length > 0) {
        const { token: current, depth } = stack.pop() as { token: Token; depth: number };
        if (
          current.type !== 'block-map' &&
          current.type !== 'block-seq' &&
          current.type !== 'flow-collection'
        )
          continue;
        for (const item of current.items as CST.CollectionItem[]) {
          for (const field of ['key', 'value'] as const) {
            const child = item[field];
            if (!isCollectionToken(child)) continue;
            if (depth + 1 > MAX_YAML_DEPTH) item[field] = tooDeep(child as Token);
            else stack.push({ token: child as Token, depth: depth + 1 });
          }
        }
      }
    }
    yield token;
  }
}

/**
 * The largest text given to the YAML library. Its document model costs about 120 times the text
 * (8 MiB: 1.1 GB), so larger files are read only by the fast readers (JSON, and YAML in the plain
 * block form `kubectl -o yaml` and `nfd export` write); in any other form they are refused.
 */
export const MAX_LIBRARY_YAML_BYTES: number = 4 * 1024 * 1024;

/** The message of a file too large for the YAML library (reported without the "invalid YAML" prefix). */
export const LIBRARY_SIZE_MESSAGE: string = `larger than ${MAX_LIBRARY_YAML_BYTES / 1024 / 1024} MiB and not in the plain form read without a YAML document model (JSON, or block YAML as kubectl -o yaml writes it: no anchors, tags or multi-line flow collections); convert it to JSON`;

/** `parseAllDocuments` (same options) with the nesting limit, and the size limit of the library. */
export function parseDocumentsLimited(
  text: string,
  options: ConstructorParameters<typeof Composer>[0] & { lineCounter: LineCounter },
): Document.Parsed[] {
  if (text.length > MAX_LIBRARY_YAML_BYTES) {
    options.lineCounter.addNewLine(0);
    const document = new YamlDocument(null) as Document.Parsed;
    document.errors.push(new YAMLParseError([0, 1], 'IMPOSSIBLE', LIBRARY_SIZE_MESSAGE));
    return [document];
  }
  const parser = new Parser(options.lineCounter.addNewLine);
  const composer = new Composer(options);
  return Array.from(composer.compose(limitNesting(parser.parse(text)))) as Document.Parsed[];
}

/** A limit breach or an alias that cannot be resolved, at an offset of the text. */
export interface AliasProblem {
  offset: number;
  message: string;
  /** A limit of ours (not a YAML error): reported without the "invalid YAML" prefix. */
  limit: boolean;
}

export interface AliasCheckOptions {
  /** Also bound the aliases resolved (the YAML library's maxAliasCount); undefined: go-yaml's rules only. */
  maxAliasCount?: number;
  /** Merge keys (`<<`) are merged: their values must be mappings or lists of them (the YAML library's 1.1 schema). */
  merges?: boolean;
  /** Replace each alias by the node it refers to, so that nothing resolves aliases again. */
  inline?: boolean;
}

export type AliasCheck =
  | { ok: true; targets: ReadonlyMap<Alias, Node> }
  | { ok: false; problem: AliasProblem };

/** What a node amounts to once its aliases are expanded. */
interface Expanded {
  /** Nodes (go-yaml's decode operations), aliases and their expansions included. */
  size: number;
  /** Levels of mappings and sequences. */
  height: number;
  /** Aliases resolved. */
  aliases: number;
}

const SCALAR: Expanded = { size: 1, height: 0, aliases: 0 };

// go-yaml v2's bound (decode.go): once a document has decoded over 1,000 nodes of which over 100
// came from aliases, at most 99% of them may (scaling down to 10% from 400,000 to 4,000,000 nodes).
const RATIO_LOW = 400_000;
const RATIO_HIGH = 4_000_000;

function allowedAliasRatio(decoded: number): number {
  if (decoded <= RATIO_LOW) return 0.99;
  if (decoded >= RATIO_HIGH) return 0.1;
  return 0.99 - (0.89 * (decoded - RATIO_LOW)) / (RATIO_HIGH - RATIO_LOW);
}

class Stop extends Error {
  readonly problem: AliasProblem;
  constructor(problem: AliasProblem) {
    super(problem.message);
    this.problem = problem;
  }
}

const MERGE_TAG = 'tag:yaml.org,2002:merge';

/** Whether the document's schema merges `<<` keys (the YAML library's 1.1 schema, or `merge: true`). */
export function documentMerges(document: Document.Parsed): boolean {
  return document.schema.tags.some(
    (tag) => tag.tag === MERGE_TAG && tag.default !== undefined && tag.default !== false,
  );
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const value = key.value;
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}

/**
 * Resolves every alias of a parsed document in one pass (an alias refers to the last node with its
 * anchor before it, as the YAML library and go-yaml resolve it) and measures what expanding them
 * amounts to, in document order (go-yaml's decoding order). The first problem stops it: an unknown
 * anchor, an alias inside the node it refers to, nesting deeper than MAX_YAML_DEPTH through
 * aliases, go-yaml's excessive aliasing, more than `maxAliasCount` aliases, or (with `merges`) a
 * merge key whose value is no mapping or list of mappings.
 */
export function checkAliases(document: Document.Parsed, options: AliasCheckOptions = {}): AliasCheck {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  const expanded = new Map<Node, Expanded>();
  const open = new Set<Node>();
  let decoded = 1;
  let fromAliases = 0;
  let aliasCount = 0;

  const resolveAlias = (alias: Alias, depth: number): { target: Node; measure: Expanded } => {
    const offset = alias.range?.[0] ?? 0;
    const name = alias.source;
    const target = anchors.get(name);
    if (target === undefined)
      throw new Stop({ offset, message: `unknown anchor '${name}' referenced`, limit: false });
    if (open.has(target))
      throw new Stop({ offset, message: `anchor '${name}' value contains itself`, limit: false });
    const measure = expanded.get(target) ?? SCALAR;
    if (depth + measure.height > MAX_YAML_DEPTH)
      throw new Stop({
        offset,
        message: `alias *${name} nests the document deeper than ${MAX_YAML_DEPTH} levels (the limit for YAML and JSON input)`,
        limit: true,
      });
    decoded += 1 + measure.size;
    fromAliases += measure.size;
    if (fromAliases > 100 && decoded > 1000 && fromAliases / decoded > allowedAliasRatio(decoded))
      throw new Stop({
        offset,
        message: `alias *${name}: the document contains excessive aliasing (${formatCount(decoded)} nodes once expanded, ${formatCount(fromAliases)} of them from aliases)`,
        limit: true,
      });
    aliasCount += 1 + measure.aliases;
    if (options.maxAliasCount !== undefined && aliasCount > options.maxAliasCount)
      throw new Stop({
        offset,
        message: `alias *${name}: more than ${options.maxAliasCount} aliases resolved (those inside aliased nodes counted each time), a guard against resource exhaustion`,
        limit: true,
      });
    targets.set(alias, target);
    return {
      target,
      measure: { size: 1 + measure.size, height: measure.height, aliases: 1 + measure.aliases },
    };
  };

  const merged = (value: unknown): Node | null | undefined =>
    isAlias(value) ? targets.get(value) : (value as Node | null | undefined);

  /** The node's measure; `depth` collections enclose it; `replace` puts its alias target in its place. */
  const walk = (node: unknown, depth: number, replace: (target: Node) => void): Expanded => {
    if (node === null || node === undefined) {
      decoded++;
      return SCALAR;
    }
    if (isAlias(node)) {
      const { target, measure } = resolveAlias(node, depth);
      if (options.inline === true) replace(target);
      return measure;
    }
    const anchored = node as Node & { anchor?: string };
    if (typeof anchored.anchor === 'string' && anchored.anchor !== '') anchors.set(anchored.anchor, anchored);
    if (!isMap(node) && !isSeq(node)) {
      if (anchored.anchor !== undefined) expanded.set(anchored, SCALAR);
      decoded++;
      return SCALAR;
    }
    decoded++;
    open.add(node);
    let size = 1;
    let height = 0;
    let aliases = 0;
    const add = (measure: Expanded): void => {
      size += measure.size;
      height = Math.max(height, measure.height);
      aliases += measure.aliases;
    };
    if (isSeq(node)) {
      const items = node.items as unknown[];
      for (let i = 0; i < items.length; i++)
        add(
          walk(items[i], depth + 1, (target) => {
            items[i] = target;
          }),
        );
    } else {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        add(
          walk(pair.key, depth + 1, (target) => {
            pair.key = target;
          }),
        );
        add(
          walk(pair.value, depth + 1, (target) => {
            pair.value = target;
          }),
        );
        if (options.merges === true && isMergeKey(pair.key)) checkMerge(pair, merged);
      }
    }
    open.delete(node);
    const measure: Expanded = { size, height: height + 1, aliases };
    if (anchored.anchor !== undefined) expanded.set(node, measure);
    return measure;
  };

  try {
    const contents = document.contents;
    walk(contents, 0, (target) => {
      document.contents = target as typeof document.contents;
    });
  } catch (error) {
    if (error instanceof Stop) return { ok: false, problem: error.problem };
    throw error;
  }
  return { ok: true, targets };
}

/** The YAML library merges only mappings, or a list of them (merge.js); it throws otherwise. */
function checkMerge(
  pair: { key: unknown; value: unknown },
  resolve: (value: unknown) => Node | null | undefined,
): void {
  const source = resolve(pair.value);
  const items = isSeq(source) ? (source.items as unknown[]).map(resolve) : [source];
  if (items.every((item) => isMap(item))) return;
  const key = pair.key as Node;
  throw new Stop({
    offset: key.range?.[0] ?? 0,
    message: 'merge key << takes a mapping, an alias of one, or a list of them',
    limit: false,
  });
}

function formatCount(count: number): string {
  return Number.isFinite(count) && count < 1e15 ? Math.round(count).toLocaleString('en-US') : 'too many';
}
