import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mutations, repositoryYamlFiles, SNIPPETS } from '../test/yaml-samples.ts';
import { coreData, coreSource } from './core-source.ts';
import { parseYamlStream } from './go-yaml.ts';
import { parseCoreYamlFast } from './go-yaml-fast.ts';
import { type FieldPath, librarySource } from './yaml-source.ts';

// Wherever the fast reader answers for the strict loader, the YAML library must read the text
// without an error or a warning and give the same data (toJS) and the same locations for every
// path: values, keys, scalars as written, positions inside strings and paths that do not exist.

function paths(value: unknown, prefix: FieldPath = [], found: FieldPath[] = []): FieldPath[] {
  found.push(prefix);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths(item, [...prefix, index], found);
  } else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], found);
  return found;
}

/** True when the fast reader answered (and agreed). */
function agrees(text: string): boolean {
  const fast = parseCoreYamlFast(text);
  if (fast === undefined) return false;
  const library = parseYamlStream(text);
  const problems = library.documents.flatMap((document) => [...document.errors, ...document.warnings]);
  if (problems.length > 0 || library.reindented.length > 0)
    throw new Error(`fast reader accepted what the library reports (${problems[0]?.message}):\n${text}`);
  expect(fast.map((document) => document.index)).toEqual(library.documents.map((_, index) => index));
  for (const { index, root } of fast) {
    const document = library.documents[index];
    if (document === undefined) throw new Error('document missing');
    const data = coreData(root);
    expect(data, text).toEqual(document.toJS());
    const mine = coreSource(root);
    const theirs = librarySource({ document, lineCounter: library.lineCounter, text });
    // Large files: an even sample of their paths (each probe walks from the root).
    const all = paths(data);
    const step = Math.ceil(all.length / 1500);
    for (const path of all.filter((_, i) => i % step === 0)) {
      for (const probe of [path, [...path, 'absent'], [...path, 999]]) {
        const where = `${JSON.stringify(probe)} in:\n${text}`;
        expect(mine.locate(probe), where).toEqual(theirs.locate(probe));
        expect(mine.locate(probe, 'key'), where).toEqual(theirs.locate(probe, 'key'));
        expect(mine.scalarSource(probe), where).toEqual(theirs.scalarSource(probe));
        expect(mine.locateIn(probe, 1, 3), where).toEqual(theirs.locateIn(probe, 1, 3));
      }
    }
  }
  return true;
}

const CORE_SNIPPETS = [
  'a: [1, -2, +3, 007, 0o17, 0x1F, 0755, 1.5, 1., .5, -.5e3, 1e3, .inf, -.Inf, .NaN, ~, null, Null, NULL]\n',
  'b: [true, True, TRUE, false, False, FALSE, yes, no, on, off, y, n, tRue, 0b11, 1_000, -0]\n',
  'c: [99999999999999999999, 0x, 0o8, +.inf, ".5", \'true\', "", \'\']\n',
  'empty:\nnext: x\n"quoted key": 1\n\'single\': 2\n',
  'k: "a \\"q\\" \\u00e9" # comment\nl: \'it\'\'s\'\nm: plain text   # comment\n',
];

describe('the fast reader, typed for the strict loader', () => {
  const files = repositoryYamlFiles();

  it('reads every YAML file of the repository as the YAML library does (or leaves it to it)', () => {
    let answered = 0;
    for (const file of files) if (agrees(readFileSync(file, 'utf8'))) answered++;
    expect(answered).toBeGreaterThan(files.length / 2);
  }, 60_000);

  it('answers the hand-written shapes, and they agree', () => {
    for (const snippet of [...SNIPPETS, ...CORE_SNIPPETS]) expect(agrees(snippet), snippet).toBe(true);
  });

  it('never disagrees on 3,000 mutations', () => {
    let answered = 0;
    for (const text of mutations(files, 17, 3000)) if (agrees(text)) answered++;
    expect(answered).toBeGreaterThan(600);
  }, 120_000);

  it('leaves keys the library would report or type to it', () => {
    for (const text of [
      'a: 1\na: 2\n',
      'a: 1\n"a": 2\n',
      '{a: 1, a: 2}\n',
      '1: x\n',
      'true: x\n',
      '__proto__: x\n',
      'x: {<<: {a: 1}}\n',
    ])
      expect(parseCoreYamlFast(text), text).toBeUndefined();
  });
});
