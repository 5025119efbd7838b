// YAML read the way upstream reads it: sigs.k8s.io/yaml over go-yaml v2 (go.yaml.in/yaml/v2), which
// resolves plain scalars by YAML 1.1 rules, expands `<<` merge keys, lets a later duplicate key win,
// and accepts flow collections whose continuation lines sit at the parent key's indentation.
// The result is a tree of `GoNode`s that keeps each scalar's go-yaml type (for the string coercion
// of ./go-decode.ts) and the YAML node it came from (for file:line:col).
//
// go-yaml v2 resolution (resolve.go), for plain (unquoted, untagged) scalars only:
//   y Y yes Yes YES true True TRUE on On ON           → bool true
//   n N no No NO false False FALSE off Off OFF        → bool false
//   "" ~ null Null NULL                               → null
//   .nan .NaN .NAN, [+-].inf .Inf .INF                → float NaN / ±Inf
//   first char digit or sign: YYYY-MM-DD… timestamp    → kept as the written string (v2.4, interface{} target)
//                             strconv.ParseInt(s without "_", base 0) → int (0755 octal, 0x1F, 0o17, 0b101)
//                             ParseUint                 → int (uint64)
//                             ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ → float
//   first char '.': ParseFloat                          → float
//   anything else (and sexagesimal 1:20, dropped by go-yaml) → string
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Scalar,
} from 'yaml';
import { parseGoYamlFast } from './go-yaml-fast.ts';
import type { SourceLocation } from './issue.ts';
import {
  checkAliases,
  isLimitMessage,
  MAX_YAML_DEPTH,
  oneLine,
  parseDocumentsLimited,
} from './yaml-limits.ts';

/** A scalar as go-yaml typed it. `int` keeps its decimal text (it may not fit a JS number). */
export type GoScalar =
  | { type: 'str'; value: string }
  | { type: 'int'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'null' };

export type GoNode =
  | { kind: 'scalar'; scalar: GoScalar; at: SourceLocation }
  | { kind: 'map'; entries: Map<string, GoEntry>; at: SourceLocation }
  | { kind: 'seq'; items: GoNode[]; at: SourceLocation };

/** A mapping entry: its value, and where its key is written (for unknown-field warnings). */
export interface GoEntry {
  value: GoNode;
  keyAt: SourceLocation;
}

/** One YAML document of a stream, read as go-yaml reads it (null: an empty document). */
export interface GoDocument {
  index: number;
  root: GoNode | null;
  at: SourceLocation;
}

/** A YAML syntax problem, located. */
export interface GoYamlError {
  message: string;
  at: SourceLocation;
  /** A limit of ours (nesting depth, alias expansion), not a syntax error of the text. */
  limit?: boolean;
}

export type GoYamlResult =
  | { ok: true; documents: GoDocument[]; reindented: SourceLocation[] }
  | { ok: false; errors: GoYamlError[] };

const BOOLS = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map(
    (s) => [s, true] as [string, boolean],
  ),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(
    (s) => [s, false] as [string, boolean],
  ),
]);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as [string, number]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map(
    (s) => [s, Number.POSITIVE_INFINITY] as [string, number],
  ),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as [string, number]),
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b, a leading 0 for octal; `_` only after a prefix). */
function parseGoInteger(text: string): bigint | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text);
  if (match === null) return undefined;
  const sign = match[1] === '-' ? -1n : 1n;
  let digits = match[2] ?? '';
  let radix = 10;
  if (/^0[xX]/.test(digits)) radix = 16;
  else if (/^0[oO]/.test(digits)) radix = 8;
  else if (/^0[bB]/.test(digits)) radix = 2;
  else if (digits.length > 1 && digits.startsWith('0')) radix = 8;
  if (radix !== 10 && !/^0[0-7_]*$/.test(digits)) digits = digits.slice(2);
  else if (radix === 8) digits = digits.slice(1);
  // Underscores must separate digits (Go's underscoreOK); go-yaml strips them before parsing anyway.
  digits = digits.replaceAll('_', '');
  if (digits === '') return radix === 8 ? 0n : undefined;
  let value = 0n;
  const big = BigInt(radix);
  for (const char of digits) value = value * big + BigInt(Number.parseInt(char, radix));
  value *= sign;
  if (value < INT64_MIN || value > UINT64_MAX) return undefined;
  return value;
}

function isTimestamp(text: string): boolean {
  // resolve.go's quick check (four digits and a dash), then the formats time.Parse accepts there.
  return /^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text);
}

/** go-yaml v2's `resolve` for a plain scalar. */
export function resolvePlainScalar(text: string): GoScalar {
  const bool = BOOLS.get(text);
  if (bool !== undefined) return { type: 'bool', value: bool };
  if (NULLS.has(text)) return { type: 'null' };
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return { type: 'float', value: special };
  const first = text[0] ?? '';
  if (first === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return { type: 'float', value: Number(text) };
    return { type: 'str', value: text };
  }
  if (/[0-9+-]/.test(first)) {
    if (isTimestamp(text)) return { type: 'str', value: text };
    const plain = text.replaceAll('_', '');
    const integer = parseGoInteger(plain);
    if (integer !== undefined) return { type: 'int', value: integer };
    if (YAML_STYLE_FLOAT.test(plain)) return { type: 'float', value: Number(plain) };
  }
  return { type: 'str', value: text };
}

/**
 * The text with the continuation lines of flow collections indented past the block line that
 * opened them, which go-yaml allows and YAML 1.2 parsers reject ("Flow sequence in block collection
 * must be sufficiently indented"). Quotes and comments are respected; line count is unchanged.
 */
function reindentFlowContinuations(text: string): { text: string; lines: number[] } {
  const lines = text.split('\n');
  const changed: number[] = [];
  let depth = 0;
  let openerIndent = 0;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    if (depth > 0 && quote === undefined) {
      const indent = line.length - line.trimStart().length;
      if (line.trim() !== '' && indent <= openerIndent) {
        line = ' '.repeat(openerIndent + 1 - indent) + line;
        lines[i] = line;
        changed.push(i + 1);
      }
    }
    const lineIndent = line.length - line.trimStart().length;
    for (let j = 0; j < line.length; j++) {
      const char = line[j];
      if (quote !== undefined) {
        if (quote === '"' && char === '\\') j++;
        else if (char === quote) {
          if (quote === "'" && line[j + 1] === "'") j++;
          else quote = undefined;
        }
        continue;
      }
      if (char === '#' && (j === 0 || line[j - 1] === ' ' || line[j - 1] === '\t')) break;
      if ((char === '"' || char === "'") && (j === 0 || /[\s,[{:]/.test(line[j - 1] ?? ''))) quote = char;
      else if (char === '[' || char === '{') {
        if (depth === 0) openerIndent = lineIndent;
        depth++;
      } else if ((char === ']' || char === '}') && depth > 0) depth--;
    }
  }
  return { text: lines.join('\n'), lines: changed };
}

interface Converter {
  lineCounter: LineCounter;
  document: Document.Parsed;
  /** Each alias's node, resolved once for the document (yaml-limits.ts checkAliases). */
  targets: ReadonlyMap<Alias, Node>;
}

/** A position computed on first use: most nodes are never reported, and linePos is a search. */
class LazyLocation implements SourceLocation {
  readonly #lineCounter: LineCounter;
  readonly #offset: number;
  #position: { line: number; col: number } | undefined;
  constructor(lineCounter: LineCounter, offset: number) {
    this.#lineCounter = lineCounter;
    this.#offset = offset;
  }
  get line(): number {
    this.#position ??= this.#lineCounter.linePos(this.#offset);
    return this.#position.line;
  }
  get column(): number {
    this.#position ??= this.#lineCounter.linePos(this.#offset);
    return this.#position.col;
  }
  toJSON(): SourceLocation {
    return { line: this.line, column: this.column };
  }
}

function locationOf(
  lineCounter: LineCounter,
  node: { range?: [number, number, number] | null } | null,
): SourceLocation {
  return new LazyLocation(lineCounter, node?.range?.[0] ?? 0);
}

class ConversionError extends Error {
  readonly at: SourceLocation;
  constructor(message: string, at: SourceLocation) {
    super(message);
    this.at = at;
  }
}

const STR_TAGS = new Set(['tag:yaml.org,2002:str', '!!str', 'tag:yaml.org,2002:binary']);

function scalarOf(node: Scalar): GoScalar {
  const raw = node.value;
  const text = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
  if (node.tag !== undefined && STR_TAGS.has(node.tag)) return { type: 'str', value: text };
  if (node.type !== Scalar.PLAIN) return { type: 'str', value: text };
  return resolvePlainScalar(text);
}

/** go-yaml's key text in sigs.k8s.io/yaml's conversion: strings as they are, others formatted. */
/**
 * The text sigs.k8s.io/yaml gives a scalar where Go wants a string (a string field, a map key): ints
 * in decimal, floats as FormatFloat(v, 'g', -1, 32) (`key`: with go-yaml's .inf/.nan names), bools
 * as "true"/"false"; undefined for null.
 */
export function scalarText(scalar: GoScalar, key = false): string | undefined {
  switch (scalar.type) {
    case 'str':
      return scalar.value;
    case 'int':
      return scalar.value.toString();
    case 'bool':
      return scalar.value ? 'true' : 'false';
    case 'float':
      return formatGoFloat32(scalar.value, key);
    case 'null':
      return undefined;
  }
}

function keyText(scalar: GoScalar, at: SourceLocation): string {
  const text = scalarText(scalar, true);
  if (text === undefined) throw new ConversionError('unsupported map key of type: <nil>, key: <nil>', at);
  return text;
}

function convert(c: Converter, node: unknown, seen: Set<unknown>): GoNode {
  if (isAlias(node)) {
    const target = c.targets.get(node);
    if (target === undefined)
      throw new ConversionError(
        `unknown anchor '${node.source}' referenced`,
        locationOf(c.lineCounter, node),
      );
    if (seen.has(target))
      throw new ConversionError('anchor refers to itself', locationOf(c.lineCounter, node));
    seen.add(target);
    const value = convert(c, target, seen);
    seen.delete(target);
    return value;
  }
  const at = locationOf(c.lineCounter, node as Node);
  if (isScalar(node)) return { kind: 'scalar', scalar: scalarOf(node), at };
  if (isSeq(node)) return { kind: 'seq', items: node.items.map((item) => convert(c, item, seen)), at };
  if (isMap(node)) {
    const entries = new Map<string, GoEntry>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key;
      const keyAt = locationOf(c.lineCounter, keyNode as Node);
      if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && keyNode.value === '<<') {
        mergeInto(c, entries, pair.value, seen, keyAt);
        continue;
      }
      let key: string;
      if (keyNode === null || keyNode === undefined) key = keyText({ type: 'null' }, keyAt);
      else if (isScalar(keyNode)) key = keyText(scalarOf(keyNode), keyAt);
      else if (isAlias(keyNode)) {
        const resolved = convert(c, keyNode, seen);
        if (resolved.kind !== 'scalar') throw new ConversionError('invalid map key: a collection', keyAt);
        key = keyText(resolved.scalar, keyAt);
      } else throw new ConversionError('invalid map key: a collection', keyAt);
      const value: GoNode =
        pair.value === null || pair.value === undefined
          ? { kind: 'scalar', scalar: { type: 'null' }, at: keyAt }
          : convert(c, pair.value, seen);
      // A later duplicate wins (go-yaml v2 without strict mode); Go maps have no order to keep.
      entries.set(key, { value, keyAt });
    }
    return { kind: 'map', entries, at };
  }
  return { kind: 'scalar', scalar: { type: 'null' }, at };
}

/** `<<: *a` or `<<: [*a, *b]`: the merged maps' keys, earlier maps of a list taking precedence. */
function mergeInto(
  c: Converter,
  entries: Map<string, GoEntry>,
  value: unknown,
  seen: Set<unknown>,
  at: SourceLocation,
): void {
  const wantMap = (): never => {
    throw new ConversionError('map merge requires map or sequence of maps as the value', at);
  };
  const sources = isSeq(value) ? [...value.items].reverse() : [value];
  if (!isSeq(value) && !isMap(value) && !isAlias(value)) wantMap();
  for (const source of sources) {
    const merged = convert(c, source, seen);
    if (merged.kind !== 'map') wantMap();
    else
      for (const [key, entry] of merged.entries) {
        entries.delete(key);
        entries.set(key, entry);
      }
  }
}

/**
 * Parses every document of a YAML stream as go-yaml does. Syntax errors are reported once each
 * (the first error of each line), located.
 */
export function parseGoYaml(text: string): GoYamlResult {
  // The common shapes go through the fast reader, which answers only when it is sure.
  const fast = parseGoYamlFast(text);
  if (fast !== undefined) return { ok: true, documents: fast, reindented: [] };
  return parseGoYamlFully(text);
}

/** parseGoYaml through the YAML library, for every text (the reference the fast reader is tested against). */
export function parseGoYamlFully(text: string): GoYamlResult {
  // Failsafe: every scalar stays a string, resolved here by go-yaml's rules; no merge handling by the library.
  const stream = parseYamlStream(text, { schema: 'failsafe', uniqueKeys: false });
  const { lineCounter } = stream;
  const parsed = stream.documents.map((document) => ({ document, lineCounter }));
  const reindented = stream.reindented.map((line) => ({ line, column: 1 }));
  const errors: GoYamlError[] = [];
  const seenLines = new Set<number>();
  for (const { document, lineCounter } of parsed) {
    for (const error of document.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      if (seenLines.has(line)) continue;
      seenLines.add(line);
      const message = firstLine(error.message);
      errors.push({
        message,
        at: { line, column: col },
        ...(isLimitMessage(message) ? { limit: true } : {}),
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const documents: GoDocument[] = [];
  for (const [index, { document, lineCounter }] of parsed.entries()) {
    // Every alias resolved once, and what expanding them costs bounded, before anything expands them.
    const aliases = checkAliases(document);
    if (!aliases.ok) {
      const { line, col } = lineCounter.linePos(aliases.problem.offset);
      const { message, limit } = aliases.problem;
      return { ok: false, errors: [{ message, at: { line, column: col }, ...(limit ? { limit } : {}) }] };
    }
    const c: Converter = { lineCounter, document, targets: aliases.targets };
    const at = locationOf(lineCounter, document.contents as Node | null);
    try {
      const root = document.contents === null ? null : convert(c, document.contents, new Set());
      documents.push({
        index,
        root: root !== null && root.kind === 'scalar' && root.scalar.type === 'null' ? null : root,
        at,
      });
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      return { ok: false, errors: [{ message: error.message, at: error.at }] };
    }
  }
  return { ok: true, documents, reindented };
}

/**
 * `parseAllDocuments` with go-yaml's tolerance for flow collections continued at their parent key's
 * column: when the text fails only that way, it is parsed again re-indented (line numbers unchanged;
 * `reindented` lists the lines moved). Shared by the strict and the evaluating loader.
 */
export function parseYamlStream(
  input: string,
  options: { schema?: 'failsafe'; uniqueKeys?: boolean } = {},
): { text: string; lineCounter: LineCounter; documents: Document.Parsed[]; reindented: number[] } {
  const parse = (text: string) => {
    const lineCounter = new LineCounter();
    return {
      lineCounter,
      // Nesting limited (yaml-limits.ts); the library's console warnings (collection keys) silenced.
      documents: parseDocumentsLimited(text, {
        ...options,
        lineCounter,
        prettyErrors: false,
        logLevel: 'error',
      }),
    };
  };
  const first = parse(input);
  if (first.documents.some((document) => document.errors.some((error) => error.code === 'BAD_INDENT'))) {
    const fixed = reindentFlowContinuations(input);
    const retry = parse(fixed.text);
    if (retry.documents.every((document) => document.errors.length === 0))
      return { text: fixed.text, ...retry, reindented: fixed.lines };
  }
  return { text: input, ...first, reindented: [] };
}

function firstLine(message: string): string {
  return oneLine(message).replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Go's strconv.FormatFloat(v, 'g', -1, 32): the shortest decimal that reads back as the same
 * float32, in %e form when the exponent is < -4 or >= 6 (ftoa.go: "if shortest { eprec = 6 }"), as
 * sigs.k8s.io/yaml writes a float for a string field. `key`: the same, with go-yaml's key names
 * for the specials (.inf, -.inf, .nan).
 */
export function formatGoFloat32(value: number, key = false): string {
  if (Number.isNaN(value)) return key ? '.nan' : 'NaN';
  if (value === Number.POSITIVE_INFINITY) return key ? '.inf' : '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return key ? '-.inf' : '-Inf';
  const f = Math.fround(value);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  let digits = '';
  let exponent = 0;
  for (let precision = 1; precision <= 9; precision++) {
    const text = Math.abs(f).toExponential(precision - 1);
    if (Math.fround(Number(text)) === Math.abs(f)) {
      const [mantissa = '', exp = '0'] = text.split('e');
      digits = mantissa.replace('.', '');
      exponent = Number(exp);
      break;
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  const sign = f < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const abs = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

const UNLOCATED: SourceLocation = Object.freeze({ line: 1, column: 1 });

/**
 * A JSON text (what kubectl -o json and `nfd export` write) read as go-yaml reads it, through
 * JSON.parse: each number is typed by go-yaml's rules from its source text, like a plain YAML
 * scalar. Nodes carry no location (1:1): callers that need to report something read the text again
 * with parseGoYaml. Undefined when the text is not JSON.
 *
 * The nodes are a view over JSON.parse's result, made as they are read (a mapping's entries each
 * time `entries` is read): a decoder walking the tree once leaves short-lived garbage, not a second
 * copy of the document (a 20,000-element NodeFeature: 13 MB of nodes alive at once before).
 */
export function parseGoJson(text: string): GoDocument[] | undefined {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  let value: unknown;
  try {
    // A number whose source text String() would not give back (a fraction, an exponent, -0, or
    // more digits than a double keeps) needs the reviver's source text; the test may also match
    // inside a string, which only costs the slower parse.
    value = LOSSY_NUMBER.test(text)
      ? JSON.parse(text, (_key, item: unknown, context?: { source?: string }) =>
          typeof item === 'number' && context?.source !== undefined ? new JsonNumber(context.source) : item,
        )
      : JSON.parse(text);
  } catch {
    return undefined;
  }
  return [{ index: 0, root: jsonNode(value, 1), at: UNLOCATED }];
}

/**
 * Thrown while reading the nodes of parseGoJson when the JSON nests deeper than MAX_YAML_DEPTH: the
 * caller reads the text again as YAML, which reports where (JSON.parse itself has no depth limit).
 */
export class JsonTooDeep extends Error {
  constructor() {
    super(`JSON nested deeper than ${MAX_YAML_DEPTH} levels`);
    this.name = 'JsonTooDeep';
  }
}

/** Where a JSON number that String() may not write back as its source can start. */
const LOSSY_NUMBER = /[:,[]\s*(?:-0|-?\d+[.eE]|-?\d{16})/;

/** A JSON number with its source text (from JSON.parse's reviver context). */
class JsonNumber {
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
}

const JSON_NULL: GoNode = Object.freeze({
  kind: 'scalar',
  scalar: Object.freeze({ type: 'null' }),
  at: UNLOCATED,
});
const JSON_TRUE: GoNode = Object.freeze({
  kind: 'scalar',
  scalar: Object.freeze({ type: 'bool', value: true }),
  at: UNLOCATED,
});
const JSON_FALSE: GoNode = Object.freeze({
  kind: 'scalar',
  scalar: Object.freeze({ type: 'bool', value: false }),
  at: UNLOCATED,
});

/** The node of a JSON value at nesting level `level` (a collection at the root is level 1). */
function jsonNode(value: unknown, level: number): GoNode {
  if (value === null) return JSON_NULL;
  switch (typeof value) {
    case 'string':
      return { kind: 'scalar', scalar: { type: 'str', value }, at: UNLOCATED };
    case 'boolean':
      return value ? JSON_TRUE : JSON_FALSE;
    case 'number':
      return { kind: 'scalar', scalar: resolvePlainScalar(String(value)), at: UNLOCATED };
    default:
      break;
  }
  if (value instanceof JsonNumber)
    return { kind: 'scalar', scalar: resolvePlainScalar(value.source), at: UNLOCATED };
  if (level > MAX_YAML_DEPTH) throw new JsonTooDeep();
  if (Array.isArray(value)) return new JsonSeq(value, level);
  return new JsonMap(value as Record<string, unknown>, level);
}

class JsonSeq {
  readonly kind = 'seq';
  readonly at: SourceLocation = UNLOCATED;
  readonly #values: readonly unknown[];
  readonly #level: number;
  constructor(values: readonly unknown[], level: number) {
    this.#values = values;
    this.#level = level;
  }
  get items(): GoNode[] {
    const level = this.#level + 1;
    return this.#values.map((value) => jsonNode(value, level));
  }
}

class JsonMap {
  readonly kind = 'map';
  readonly at: SourceLocation = UNLOCATED;
  readonly #object: Record<string, unknown>;
  readonly #level: number;
  constructor(object: Record<string, unknown>, level: number) {
    this.#object = object;
    this.#level = level;
  }
  get entries(): Map<string, GoEntry> {
    const object = this.#object;
    const level = this.#level + 1;
    const entries = new Map<string, GoEntry>();
    for (const key of Object.keys(object))
      entries.set(key, { value: jsonNode(object[key], level), keyAt: UNLOCATED });
    return entries;
  }
}
