import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mutations, repositoryYamlFiles, SNIPPETS } from '../test/yaml-samples.ts';
import type { GoDocument, GoNode } from './go-yaml.ts';
import { parseGoYaml, parseGoYamlFully } from './go-yaml.ts';
import { parseGoYamlFast } from './go-yaml-fast.ts';

// The fast reader must never disagree with the full one: wherever it answers, the YAML library
// (through parseGoYamlFully) must read the text without error and build the very same tree, types
// and locations included. Checked on every YAML file of the repository and on mutations of them.

type Plain = unknown;

function plainNode(node: GoNode | null): Plain {
  if (node === null) return null;
  const at = { line: node.at.line, column: node.at.column };
  switch (node.kind) {
    case 'scalar':
      return {
        scalar: node.scalar.type === 'int' ? { ...node.scalar, value: `${node.scalar.value}n` } : node.scalar,
        at,
      };
    case 'seq':
      return { seq: node.items.map(plainNode), at };
    case 'map':
      return {
        map: [...node.entries].map(([key, entry]) => [
          key,
          plainNode(entry.value),
          { line: entry.keyAt.line, column: entry.keyAt.column },
        ]),
        at,
      };
  }
}

const plain = (documents: GoDocument[]): Plain =>
  documents.map((document) => ({
    index: document.index,
    root: plainNode(document.root),
    at: { line: document.at.line, column: document.at.column },
  }));

/** The fast reader's answer, checked against the full reader; true when the fast one answered. */
function agrees(text: string): boolean {
  const fast = parseGoYamlFast(text);
  if (fast === undefined) return false;
  const full = parseGoYamlFully(text);
  if (!full.ok)
    throw new Error(`fast reader accepted what the full one rejects (${full.errors[0]?.message}):\n${text}`);
  expect(plain(fast), text).toEqual(plain(full.documents));
  return true;
}

describe('the fast YAML reader', () => {
  const files = repositoryYamlFiles();

  it('reads every YAML file of the repository as the full reader does (or leaves it to it)', () => {
    expect(files.length).toBeGreaterThan(20);
    let answered = 0;
    for (const file of files) if (agrees(readFileSync(file, 'utf8'))) answered++;
    // Most real files are in the subset; the rest fall back.
    expect(answered).toBeGreaterThan(files.length / 2);
  });

  it('answers the hand-written shapes, and they agree', () => {
    for (const snippet of SNIPPETS) expect(agrees(snippet), snippet).toBe(true);
  });

  it('never disagrees on 10,000 mutations (it answers or falls back)', () => {
    let answered = 0;
    for (const text of mutations(files, 13, 10_000)) if (agrees(text)) answered++;
    // The mutations must exercise the fast reader, not only its fallback.
    expect(answered).toBeGreaterThan(2000);
  }, 120_000);

  it('leaves what it does not handle to the full reader, which parseGoYaml then uses', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: |\n  text\n',
      'a: b\n  continued\n',
      '<<: {a: 1}\n',
      'a:\tb\n',
      'a: [1,\n  2]\n',
      '? complex\n: value\n',
      '%YAML 1.1\n---\na: 1\n',
      'a: 1\n...\n',
      '',
      '# only a comment\n',
      'a: b: c\n',
    ]) {
      expect(parseGoYamlFast(text), text).toBeUndefined();
      expect(parseGoYaml(text)).toEqual(parseGoYamlFully(text));
    }
  });
});

describe('the fast YAML reader on large and deep input', () => {
  it('reads a file of 200,000 lines (no argument-spread limits)', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `k${i}:\n  v: ${i}\n`).join('');
    const documents = parseGoYamlFast(text);
    expect(documents?.[0]?.root?.kind === 'map' && documents[0].root.entries.size).toBe(100_000);
  });

  it('leaves deep nesting to the full reader instead of overflowing the stack', () => {
    const depth = 5000;
    const block =
      Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:\n`).join('') + `${' '.repeat(depth)}b: 1\n`;
    expect(parseGoYamlFast(block)).toBeUndefined();
    expect(parseGoYamlFast(`a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`)).toBeUndefined();
  });
});
