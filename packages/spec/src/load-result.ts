import type { SourceLocation, SpecIssue } from './issue.ts';

/** One document of a file that passed its schema, with a way back to the text it came from. */
export interface LoadedDocument<T> {
  /** Position of the document in the file's `---` stream, from 0 (empty documents count too). */
  index: number;
  value: T;
  /** Where a field path is written in the file; a path that does not exist gives its nearest parent. */
  locate(path: readonly (string | number)[]): SourceLocation;
  /** Where a position inside the string at `path` is (a template's own line and 0-based column). */
  locateIn(path: readonly (string | number)[], line: number, column: number): SourceLocation;
}

/** Either every document loaded (with warnings), or every problem of every document, sorted by position. */
export type LoadResult<T> =
  | { ok: true; documents: LoadedDocument<T>[]; warnings: SpecIssue[] }
  | { ok: false; issues: SpecIssue[] };
