// A fast reader for the YAML people write in NodeFeatureRules, specs and NodeFeatures: block
// mappings and sequences indented with spaces, plain and one-line quoted scalars, one-line flow
// collections, comments and `---` separators. It builds the same GoNode tree as parseGoYaml (same
// go-yaml typing, same locations) several times faster and with far less garbage, because it
// builds no YAML document model; typed with the YAML library's core schema instead, it gives the
// strict loader its data and locations (parseCoreYamlFast). It answers only when it is sure: anything outside that subset
// (anchors, aliases, tags, merge keys, block scalars, multi-line scalars or flow collections,
// tabs, complex keys, directives, odd indentation, anything that might be an error) makes it
// return undefined, and the caller parses the text with the full YAML library instead. A test
// compares the two readers on every YAML file of the repository and on thousands of mutations.
import type { GoDocument, GoScalar } from './go-yaml.ts';
import { resolvePlainScalar, scalarText } from './go-yaml.ts';
import type { SourceLocation } from './issue.ts';

/** A node of what the reader builds: scalars as the typing makes them, mappings and sequences. */
export type FastNode<S> =
  | S
  | { kind: 'map'; entries: Map<string, { value: FastNode<S>; keyAt: SourceLocation }>; at: SourceLocation }
  | { kind: 'seq'; items: FastNode<S>[]; at: SourceLocation };

interface ScalarNode {
  kind: 'scalar';
  at: SourceLocation;
}

/**
 * How scalars are typed: go-yaml's YAML 1.1 for the evaluating loader, the YAML library's 1.2 core
 * schema for the strict one. A typing may give up (`out()`) on a scalar or key it cannot be sure of.
 */
interface Typing<S extends ScalarNode> {
  /** A plain scalar, `text` as written. */
  plain(text: string, at: SourceLocation): S;
  /** A quoted scalar: its value and its text as written, quotes included. */
  quoted(value: string, source: string, at: SourceLocation): S;
  /** The null of `key:` with nothing after it. */
  empty(at: SourceLocation): S;
  isNull(scalar: S): boolean;
  /** A mapping key's text, from its scalar. */
  key(scalar: S): string;
  /** A key written twice makes the reader give up (the strict loader reports duplicates). */
  uniqueKeys: boolean;
}

type GoScalarNode = { kind: 'scalar'; scalar: GoScalar; at: SourceLocation };

const GO_TYPING: Typing<GoScalarNode> = {
  plain: (text, at) => ({ kind: 'scalar', scalar: resolvePlainScalar(text), at }),
  quoted: (value, _source, at) => ({ kind: 'scalar', scalar: { type: 'str', value }, at }),
  empty: (at) => ({ kind: 'scalar', scalar: { type: 'null' }, at }),
  isNull: (node) => node.scalar.type === 'null',
  key: (node) => scalarText(node.scalar, true) ?? out(),
  uniqueKeys: false,
};

/** A scalar as the YAML library's core schema gives it to JavaScript, with its text as written. */
export interface CoreScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  /** The scalar as written (quotes included; '' for an empty value). */
  source: string;
  at: SourceLocation;
}

const CORE_NULL = /^(?:~|[Nn]ull|NULL)?$/;
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const CORE_OCT = /^0o[0-7]+$/;
const CORE_INT = /^[-+]?[0-9]+$/;
const CORE_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** A plain scalar's value under the YAML library's core schema (yaml 2: schema/core), tag by tag in its order. */
function corePlainValue(text: string): string | number | boolean | null {
  const first = text.charCodeAt(0);
  // Most plain scalars are words: only these first characters can start a null, bool or number.
  if (!(first <= 0x39 || first === 0x7e || /[tTfFnN.]/.test(text[0] ?? ''))) return text;
  if (CORE_NULL.test(text)) return null;
  if (CORE_BOOL.test(text)) return first === 0x74 || first === 0x54;
  if (CORE_OCT.test(text)) return Number.parseInt(text.slice(2), 8);
  if (CORE_INT.test(text)) return Number.parseInt(text, 10);
  if (CORE_HEX.test(text)) return Number.parseInt(text.slice(2), 16);
  if (CORE_SPECIAL.test(text))
    return text.slice(-3).toLowerCase() === 'nan'
      ? Number.NaN
      : text[0] === '-'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  if (CORE_FLOAT.test(text)) return Number.parseFloat(text);
  return text;
}

const CORE_TYPING: Typing<CoreScalar> = {
  plain: (text, at) => ({ kind: 'scalar', value: corePlainValue(text), source: text, at }),
  quoted: (value, source, at) => ({ kind: 'scalar', value, source, at }),
  empty: (at) => ({ kind: 'scalar', value: null, source: '', at }),
  isNull: (node) => node.value === null,
  // Keys that are not strings (`1:`, `true:`) and `__proto__` become object keys in ways of their own.
  key: (node) => (typeof node.value === 'string' && node.value !== '__proto__' ? node.value : out()),
  uniqueKeys: true,
};

/** Thrown inside the reader when the text leaves the subset; never escapes parseGoYamlFast. */
class OutOfSubset extends Error {}
const OUT = new OutOfSubset('outside the fast subset');
const out = (): never => {
  throw OUT;
};

interface Line {
  /** 1-based line number. */
  number: number;
  indent: number;
  /** The line without its indentation (comments are stripped where a value ends). */
  text: string;
}

const CODE_SPACE = 32;
/** Deeper nesting than this is left to the full reader (no real file comes close). */
const MAX_DEPTH = 64;

/** Characters that open a quoted scalar or a flow collection. */
const QUOTES_AND_FLOWS = new Set(['"', "'", '[', '{']);
/** Characters that start something the reader does not handle, at the start of a value. */
const VALUE_BAILS = new Set(['&', '*', '!', '|', '>', '%', '@', '`', '?', ']', '}', ',', ':', '#']);

/**
 * The documents of a YAML stream as parseGoYaml would return them, or undefined when the text is
 * outside the subset this reader handles (the caller then uses parseGoYaml).
 */
export function parseGoYamlFast(text: string): GoDocument[] | undefined {
  return read(text, GO_TYPING) as GoDocument[] | undefined;
}

/** One document read with the YAML library's core schema, for the strict loader. */
export interface CoreDocument {
  index: number;
  root: FastNode<CoreScalar>;
}

/**
 * The documents of a YAML stream typed as the YAML library's core schema types them (what the strict
 * loader reads), each node with its location and each scalar with its text as written; undefined
 * when the text is outside the subset, or has a key written twice (the full reader reports it).
 */
export function parseCoreYamlFast(text: string): CoreDocument[] | undefined {
  return read(text, CORE_TYPING);
}

function read<S extends ScalarNode>(
  text: string,
  typing: Typing<S>,
): { index: number; root: FastNode<S>; at: SourceLocation }[] | undefined {
  // Control characters (tabs, CR), the BOM, C1 controls and lone surrogates: the full reader decides.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      code < 0x20
        ? code !== 10
        : code >= 0x7f && (code <= 0x9f || code === 0xfeff || (code >= 0xd800 && code <= 0xdfff))
    )
      return undefined;
  }
  try {
    return new Reader(text, typing).documents();
  } catch (error) {
    if (error === OUT) return undefined;
    throw error;
  }
}

class Reader<S extends ScalarNode> {
  readonly #typing: Typing<S>;
  /** The content lines of the document being read. */
  #lines: Line[] = [];
  /** Nesting depth of blocks and flow collections (deep nesting: the full reader decides). */
  #depth = 0;
  /** Index of the next content line of the current document. */
  #next = 0;
  /** Content lines per document. */
  readonly #documents: Line[][] = [];

  constructor(text: string, typing: Typing<S>) {
    this.#typing = typing;
    let current: Line[] = [];
    let separators = 0;
    const raw = text.split('\n');
    for (let i = 0; i < raw.length; i++) {
      const line = raw[i] ?? '';
      let indent = 0;
      while (indent < line.length && line.charCodeAt(indent) === CODE_SPACE) indent++;
      const body = line.slice(indent);
      if (body === '' || body.startsWith('#')) continue;
      if (indent === 0) {
        if (/^---( +#.*)?$/.test(body)) {
          // A bare separator; the first one, before any content, opens the first document.
          if (separators > 0 || current.length > 0) {
            this.#documents.push(current);
            current = [];
          }
          separators++;
          continue;
        }
        // `--- value`, `...`, directives: the full reader.
        if (/^(---|\.\.\.)( |$)/.test(body) || body.startsWith('%')) out();
      }
      current.push({ number: i + 1, indent, text: body });
    }
    this.#documents.push(current);
  }

  documents(): { index: number; root: FastNode<S>; at: SourceLocation }[] {
    const result: { index: number; root: FastNode<S>; at: SourceLocation }[] = [];
    for (const [index, lines] of this.#documents.entries()) {
      // An empty document (comments only, or `---` with nothing after): the full reader decides.
      if (lines.length === 0) out();
      this.#lines = lines;
      this.#next = 0;
      const first = lines[0] as Line;
      const root = this.#block(first.indent);
      if (this.#next !== this.#lines.length) out();
      if (root.kind === 'scalar' && this.#typing.isNull(root as S)) out();
      result.push({ index, root, at: root.at });
    }
    return result;
  }

  #peek(): Line | undefined {
    return this.#lines[this.#next];
  }

  /** A block node whose first line is the next one, at exactly `indent`. */
  #block(indent: number): FastNode<S> {
    if (++this.#depth > MAX_DEPTH) out();
    try {
      return this.#blockAt(indent);
    } finally {
      this.#depth--;
    }
  }

  #blockAt(indent: number): FastNode<S> {
    const line = this.#peek() ?? out();
    if (line.indent !== indent) out();
    if (isSequenceEntry(line.text)) return this.#sequence(indent);
    if (findMappingColon(line.text) >= 0) return this.#mapping(indent, line.text, 0);
    // A lone scalar or flow collection (a document root, or a value on the line after its key).
    this.#next++;
    const node = valueNode(this.#typing, stripComment(line.text), line.number, line.indent + 1);
    this.#rejectContinuation(indent);
    return node;
  }

  /** After a one-line value: a following line indented past `indent` would continue it. */
  #rejectContinuation(indent: number): void {
    const next = this.#peek();
    if (next !== undefined && next.indent > indent) out();
  }

  /**
   * A block mapping at `indent`; its first entry may be `firstText` on the current line, starting
   * `offset` characters into it (the compact mapping of a `- key: value` sequence entry).
   */
  #mapping(indent: number, firstText: string, offset: number): FastNode<S> {
    const entries = new Map<string, { value: FastNode<S>; keyAt: SourceLocation }>();
    let at: SourceLocation | undefined;
    let text: string | undefined = firstText.slice(offset);
    for (;;) {
      const line = this.#peek();
      if (line === undefined) break;
      if (text === undefined) {
        if (line.indent < indent) break;
        if (line.indent > indent) out();
        if (isSequenceEntry(line.text)) break;
        text = line.text;
      }
      const column = indent + 1;
      const colon = findMappingColon(text);
      if (colon < 0) out();
      const keyAt = { line: line.number, column };
      at ??= keyAt;
      const key = keyOf(this.#typing, text.slice(0, colon), keyAt);
      const rest = text.slice(colon + 1);
      this.#next++;
      text = undefined;
      const valueText = stripComment(rest);
      // Where the value starts (or, when it is empty, where the YAML library places the null).
      const valueColumn = column + colon + 1 + (rest.length - rest.trimStart().length);
      let value: FastNode<S>;
      if (valueText === '') {
        const next = this.#peek();
        if (next !== undefined && next.indent > indent) value = this.#block(next.indent);
        else if (next !== undefined && next.indent === indent && isSequenceEntry(next.text))
          value = this.#sequence(indent);
        else value = this.#typing.empty({ line: line.number, column: valueColumn });
      } else {
        value = valueNode(this.#typing, valueText, line.number, valueColumn);
        this.#rejectContinuation(indent);
      }
      if (this.#typing.uniqueKeys && entries.has(key)) out();
      entries.set(key, { value, keyAt });
    }
    return { kind: 'map', entries, at: at ?? out() };
  }

  /** A block sequence at `indent`: `- item` lines. */
  #sequence(indent: number): FastNode<S> {
    const items: FastNode<S>[] = [];
    let at: SourceLocation | undefined;
    for (;;) {
      const line = this.#peek();
      if (line === undefined || line.indent < indent) break;
      if (line.indent > indent) out();
      if (!isSequenceEntry(line.text)) break;
      at ??= { line: line.number, column: indent + 1 };
      let spaces = 1;
      while (line.text.charCodeAt(spaces) === CODE_SPACE) spaces++;
      const content = line.text.slice(spaces);
      if (content === '' || content.startsWith('#')) {
        // `-` alone: the item is on the following lines, or null.
        this.#next++;
        const next = this.#peek();
        if (next !== undefined && next.indent > indent) items.push(this.#block(next.indent));
        else out();
        continue;
      }
      if (isSequenceEntry(content)) out();
      const itemIndent = indent + spaces;
      if (findMappingColon(content) >= 0) {
        items.push(this.#mapping(itemIndent, line.text, spaces));
        continue;
      }
      this.#next++;
      items.push(valueNode(this.#typing, stripComment(content), line.number, itemIndent + 1));
      this.#rejectContinuation(indent);
    }
    return { kind: 'seq', items, at: at ?? out() };
  }
}

function isSequenceEntry(text: string): boolean {
  return text.charCodeAt(0) === 45 /* - */ && (text.length === 1 || text.charCodeAt(1) === CODE_SPACE);
}

/**
 * Where the `:` of `key: value` (or `key:` at the end) is, for a plain or quoted key on one line;
 * -1 when the line is no mapping entry. Throws for keys outside the subset.
 */
function findMappingColon(text: string): number {
  const first = text[0];
  if (first === '"' || first === "'") {
    const end = quotedEnd(text, 0);
    if (end < 0) out();
    let i = end;
    while (text.charCodeAt(i) === CODE_SPACE) i++;
    if (text[i] === ':' && (i + 1 === text.length || text.charCodeAt(i + 1) === CODE_SPACE)) return i;
    return -1;
  }
  if (first === '[' || first === '{') return -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === ':' && (i + 1 === text.length || text.charCodeAt(i + 1) === CODE_SPACE)) return i;
    if (char === '#' && i > 0 && text.charCodeAt(i - 1) === CODE_SPACE) return -1;
  }
  return -1;
}

/** The index just past the closing quote of the quoted scalar opening at `start`, or -1. */
function quotedEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (quote === '"' && char === '\\') {
      i++;
      continue;
    }
    if (char === quote) {
      if (quote === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}

/** A block mapping key's text, as the typing makes it. */
function keyOf<S extends ScalarNode>(typing: Typing<S>, raw: string, at: SourceLocation): string {
  const text = raw.trimEnd();
  if (text === '') out();
  const first = text[0] ?? '';
  if (first === '"' || first === "'") {
    if (quotedEnd(text, 0) !== text.length) out();
    return typing.key(typing.quoted(unquote(text), text, at));
  }
  if (!plainStartOk(text) || text === '<<') out();
  return typing.key(typing.plain(text, at));
}

/** A plain scalar may start here (block context), as far as this reader is concerned. */
function plainStartOk(text: string): boolean {
  const first = text[0] ?? '';
  if (first === '-') return text.length > 1 && /[0-9A-Za-z._]/.test(text[1] ?? '');
  return !VALUE_BAILS.has(first) && !QUOTES_AND_FLOWS.has(first);
}

/** The value text before a trailing ` # comment`, trimmed; quotes are respected. */
function stripComment(rest: string): string {
  const text = rest.trimStart();
  const first = text[0];
  if (first === '"' || first === "'") {
    const end = quotedEnd(text, 0);
    if (end < 0) out();
    const after = text.slice(end);
    if (after.trim() !== '' && !/^ +#/.test(after)) out();
    return text.slice(0, end);
  }
  if (first === '#') return '';
  let end = text.length;
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '#' && text.charCodeAt(i - 1) === CODE_SPACE) {
      end = i;
      break;
    }
  }
  return text.slice(0, end).trimEnd();
}

/** A one-line value: a quoted or plain scalar, or a flow collection. */
function valueNode<S extends ScalarNode>(
  typing: Typing<S>,
  text: string,
  line: number,
  column: number,
): FastNode<S> {
  const at = { line, column };
  const first = text[0] ?? '';
  if (first === '"' || first === "'") {
    if (quotedEnd(text, 0) !== text.length) out();
    return typing.quoted(unquote(text), text, at);
  }
  if (first === '[' || first === '{') {
    const flow = new FlowReader(typing, text, line, column);
    const node = flow.node();
    flow.end();
    return node;
  }
  if (!plainStartOk(text)) out();
  // `: ` inside a plain value would be a nested mapping (an error); a trailing `:` likewise.
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ':' && (i + 1 === text.length || text.charCodeAt(i + 1) === CODE_SPACE)) out();
  }
  return typing.plain(text, at);
}

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  '"': '"',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
};

/** The value of a complete one-line quoted scalar (quotes included in `text`). */
function unquote(text: string): string {
  const body = text.slice(1, -1);
  if (text[0] === "'") return body.replaceAll("''", "'");
  if (!body.includes('\\')) return body;
  let result = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? '';
    if (char !== '\\') {
      result += char;
      continue;
    }
    const next = body[++i] ?? '';
    const simple = ESCAPES[next];
    if (simple !== undefined) {
      result += simple;
      continue;
    }
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      const code = Number.parseInt(body.slice(i + 1, i + 5), 16);
      if (code >= 0xd800 && code <= 0xdfff) out();
      result += String.fromCharCode(code);
      i += 4;
      continue;
    }
    out();
  }
  return result;
}

/** A one-line flow collection: `[a, "b"]`, `{op: In, value: [x]}`, nested. */
class FlowReader<S extends ScalarNode> {
  readonly #typing: Typing<S>;
  #i = 0;
  readonly #text: string;
  readonly #line: number;
  readonly #column: number;
  constructor(typing: Typing<S>, text: string, line: number, column: number) {
    this.#typing = typing;
    this.#text = text;
    this.#line = line;
    this.#column = column;
  }

  end(): void {
    this.#spaces();
    if (this.#i !== this.#text.length) out();
  }

  #spaces(): void {
    while (this.#text.charCodeAt(this.#i) === CODE_SPACE) this.#i++;
  }

  #at(): SourceLocation {
    return { line: this.#line, column: this.#column + this.#i };
  }

  #depth = 0;

  node(): FastNode<S> {
    this.#spaces();
    const char = this.#text[this.#i];
    if (char !== '[' && char !== '{') return this.#scalar();
    if (++this.#depth > MAX_DEPTH) out();
    const node = char === '[' ? this.#sequence() : this.#mapping();
    this.#depth--;
    return node;
  }

  #sequence(): FastNode<S> {
    const at = this.#at();
    this.#i++;
    const items: FastNode<S>[] = [];
    this.#spaces();
    if (this.#text[this.#i] === ']') {
      this.#i++;
      return { kind: 'seq', items, at };
    }
    for (;;) {
      items.push(this.node());
      this.#spaces();
      const char = this.#text[this.#i];
      this.#i++;
      if (char === ']') return { kind: 'seq', items, at };
      if (char !== ',') out();
      this.#spaces();
      // A trailing comma, an empty entry or an implicit mapping inside a sequence: the full reader.
      if (this.#text[this.#i] === ']' || this.#text[this.#i] === ',') out();
    }
  }

  #mapping(): FastNode<S> {
    const at = this.#at();
    this.#i++;
    const entries = new Map<string, { value: FastNode<S>; keyAt: SourceLocation }>();
    this.#spaces();
    if (this.#text[this.#i] === '}') {
      this.#i++;
      return { kind: 'map', entries, at };
    }
    for (;;) {
      this.#spaces();
      const keyAt = this.#at();
      // `<<` merges in go-yaml: the full reader.
      if (this.#text.startsWith('<<', this.#i)) out();
      const key = this.#typing.key(this.#scalar());
      if (this.#text[this.#i] !== ':' || this.#text.charCodeAt(this.#i + 1) !== CODE_SPACE) out();
      this.#i += 2;
      this.#spaces();
      const next = this.#text[this.#i];
      if (next === ',' || next === '}') out();
      if (this.#typing.uniqueKeys && entries.has(key)) out();
      entries.set(key, { value: this.node(), keyAt });
      this.#spaces();
      const char = this.#text[this.#i];
      this.#i++;
      if (char === '}') return { kind: 'map', entries, at };
      if (char !== ',') out();
      this.#spaces();
      if (this.#text[this.#i] === '}' || this.#text[this.#i] === ',') out();
    }
  }

  /** A quoted or plain scalar inside a flow collection. */
  #scalar(): S {
    const at = this.#at();
    const char = this.#text[this.#i] ?? '';
    if (char === '"' || char === "'") {
      const end = quotedEnd(this.#text, this.#i);
      if (end < 0) out();
      const source = this.#text.slice(this.#i, end);
      this.#i = end;
      return this.#typing.quoted(unquote(source), source, at);
    }
    const start = this.#i;
    while (this.#i < this.#text.length) {
      const c = this.#text[this.#i];
      if (c === ',' || c === ']' || c === '}' || c === '[' || c === '{') break;
      if (c === ':') break;
      if (c === '#' && this.#text.charCodeAt(this.#i - 1) === CODE_SPACE) out();
      this.#i++;
    }
    const text = this.#text.slice(start, this.#i).trimEnd();
    if (text === '' || !plainStartOk(text)) out();
    return this.#typing.plain(text, at);
  }
}
