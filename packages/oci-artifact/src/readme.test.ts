import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as api from './index.ts';

// The package's public API is what its README documents: every name exported from the entry
// appears (in backticks) in the README's "Exports" section.
it('its README documents every name it exports', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('## Exports');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const named = new Set([...section.matchAll(/`(\w+)/g)].map((match) => match[1]));
  expect(Object.keys(api).filter((name) => !named.has(name))).toEqual([]);
});
