import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as api from './index.ts';

// The package's public API is what its README documents: every function exported from the
// entry is named in the README's "Exports" section, and every name there is exported.
it('its README names exactly the functions it exports', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Exports'), readme.indexOf('## Errors'));
  const named = new Set([...section.matchAll(/`(\w+)\(/g)].map((match) => match[1]));
  expect([...named].sort()).toEqual(Object.keys(api).sort());
});
