import { formatIssue, type LoadedDocument, type LoadResult, NfdError } from '@nfd/spec';
import { parseAllDocuments } from 'yaml';
import type { CliHost } from './host.ts';
import { readInput } from './read-input.ts';

/** A loaded input file: its documents and its text (for code frames). */
export interface LoadedFile<T> {
  file: string;
  source: string;
  documents: LoadedDocument<T>[];
}

/**
 * Reads and loads an input document of the given kind; a file that does not load is a usage-level
 * problem of the input, reported as SPEC_INVALID with every located issue.
 */
export async function loadFile<T>(
  host: CliHost,
  file: string,
  what: string,
  load: (text: string, options: { file: string }) => LoadResult<T>,
): Promise<LoadedFile<T>> {
  const source = await readInput(host, file);
  const result = load(source, { file });
  if (!result.ok) {
    const lines = result.issues
      .filter((issue) => issue.severity === 'error')
      .map((issue) => formatIssue(issue));
    throw new NfdError('SPEC_INVALID', `${file} is not a valid ${what}:\n${lines.join('\n')}`);
  }
  return { file, source, documents: result.documents };
}

/** The `kind` of the first document, to tell NodeFeatureRule files from NodeFeatureGroup ones. */
export function documentKind(source: string): string | undefined {
  for (const document of parseAllDocuments(source)) {
    if (!('contents' in document)) continue;
    const kind: unknown = document.get('kind');
    if (typeof kind === 'string') return kind;
  }
  return undefined;
}

/** `--tags a,b --tags c` → [a, b, c]: repeatable and comma-separated, as upstream's StringSlice. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  ];
}
