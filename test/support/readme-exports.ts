import { readFileSync } from 'node:fs';

// A library's public API is what its README documents: the names of `api` (its entry's exports)
// that its README's "Exports" section does not mention in backticks. Each library's
// src/readme.test.ts expects none.
export function undocumentedExports(readme: URL, api: Record<string, unknown>): string[] {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf('## Exports');
  if (start < 0) return Object.keys(api);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const named = new Set([...section.matchAll(/`(\w+)/g)].map((match) => match[1]));
  return Object.keys(api).filter((name) => !named.has(name));
}
