import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from './issue.ts';

/** A parsed YAML (or JSON) document together with what is needed to point into its text. */
export interface SourceDocument {
  document: Document.Parsed;
  lineCounter: LineCounter;
  text: string;
}

/** Path segments as zod and the checks produce them. */
export type FieldPath = readonly (string | number)[];

/**
 * What the strict loader needs of a document's text: where a path is written, the text of a scalar
 * as written, and where a position inside a string scalar is. Built over the YAML library's
 * document (librarySource) or over the fast reader's tree (coreSource).
 */
export interface DocumentSource {
  /** The value node at `path`, or with `at: 'key'` the key of its last segment (see locatePath). */
  locate(path: FieldPath, at?: 'value' | 'key'): SourceLocation;
  /** The text of the scalar at `path` as written, or undefined for anything else. */
  scalarSource(path: FieldPath): string | undefined;
  /** See locateInScalar. */
  locateIn(path: FieldPath, line: number, column: number): SourceLocation;
}

/** A DocumentSource over the YAML library's document. */
export function librarySource(source: SourceDocument): DocumentSource {
  return {
    locate: (path, at) => locatePath(source, path, at),
    scalarSource: (path) => scalarSourceAt(source, path),
    locateIn: (path, line, column) => locateInScalar(source, path, line, column),
  };
}

/**
 * Where a position inside a one-line or quoted scalar written at `at` is: the first line continues
 * after the opening quote, later lines start at column 1 (Go's template columns are 0-based).
 */
export function positionInScalar(
  at: SourceLocation,
  quoted: boolean,
  line: number,
  column: number,
): SourceLocation {
  const quote = quoted ? 1 : 0;
  return line <= 1
    ? { line: at.line, column: at.column + quote + column }
    : { line: at.line + line - 1, column: column + 1 };
}

interface Resolved {
  /** The node at the path, or at the deepest part of it that exists. */
  node: Node;
  /** The key node of the last mapping entry walked, when the whole path was found. */
  key: Node | undefined;
  found: boolean;
}

function resolve(source: SourceDocument, path: FieldPath): Resolved | undefined {
  const { document } = source;
  let node: unknown = document.contents;
  if (node === null) return undefined;
  let current = node as Node;
  let key: Node | undefined;
  for (const segment of path) {
    if (isAlias(current)) {
      const target = current.resolve(document);
      if (target === undefined) return { node: current, key: undefined, found: false };
      current = target;
    }
    key = undefined;
    if (isMap(current)) {
      const pair = current.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) return { node: current, key: undefined, found: false };
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      node = current.items[segment];
    } else {
      return { node: current, key: undefined, found: false };
    }
    // `key:` with nothing after it has no value node; point at the key then.
    if (node === null || node === undefined) return { node: key ?? current, key, found: true };
    current = node as Node;
  }
  return { node: current, key, found: true };
}

/** Converts a character offset into a 1-based line and column. */
export function positionAt(source: SourceDocument, offset: number): SourceLocation {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Where `path` is written: the value node, or with `at: 'key'` the key of the last segment. A path that
 * does not exist (a missing field) points at the deepest mapping or list that does.
 */
export function locatePath(
  source: SourceDocument,
  path: FieldPath,
  at: 'value' | 'key' = 'value',
): SourceLocation {
  const resolved = resolve(source, path);
  if (resolved === undefined) return positionAt(source, source.document.range[0]);
  const node = at === 'key' && resolved.key !== undefined ? resolved.key : resolved.node;
  return positionAt(source, node.range?.[0] ?? 0);
}

/** The text of the scalar at `path` as written (`10`, `true`, `0x1F`), or undefined for anything else. */
export function scalarSourceAt(source: SourceDocument, path: FieldPath): string | undefined {
  const resolved = resolve(source, path);
  if (resolved === undefined || !resolved.found || !isScalar(resolved.node)) return undefined;
  const range = resolved.node.range;
  return range === undefined || range === null ? undefined : source.text.slice(range[0], range[1]);
}

/**
 * Where a position inside the string scalar at `path` is in the file: `line` (1-based) and `column`
 * (0-based, as Go's text/template reports it) of the scalar's own text. Block scalars (`|`, `>`) map
 * line by line onto their content lines; a quoted or plain scalar starts after its quote. Falls back
 * to the scalar's start when the path is not a scalar.
 */
export function locateInScalar(
  source: SourceDocument,
  path: FieldPath,
  line: number,
  column: number,
): SourceLocation {
  const resolved = resolve(source, path);
  if (resolved === undefined || !resolved.found || !isScalar(resolved.node)) return locatePath(source, path);
  const start = resolved.node.range?.[0] ?? 0;
  const at = positionAt(source, start);
  const type = resolved.node.type;
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    const lines = source.text.split('\n');
    // Content starts on the line after the header; its indentation is that of the first non-empty line.
    let first = at.line;
    while (first < lines.length && (lines[first] ?? '').trim() === '') first++;
    const indent = (lines[first] ?? '').length - (lines[first] ?? '').trimStart().length;
    return { line: at.line + line, column: indent + column + 1 };
  }
  return positionInScalar(at, type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE', line, column);
}
