import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GoDocument, GoNode } from './go-yaml.ts';
import { parseGoYaml, parseGoYamlFully } from './go-yaml.ts';
import { parseGoYamlFast } from './go-yaml-fast.ts';

// The fast reader must never disagree with the full one: wherever it answers, the YAML library
// (through parseGoYamlFully) must read the text without error and build the very same tree, types
// and locations included. Checked on every YAML file of the repository and on mutations of them.

const repo = fileURLToPath(new URL('../../../', import.meta.url));

function yamlFiles(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', 'dist', '.turbo', '.test-peers'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yamlFiles(path, found);
    else if (/\.ya?ml$/.test(entry.name)) found.push(path);
  }
  return found;
}

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

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTS = [
  ' ',
  ' ',
  '  ',
  '-',
  '- ',
  ':',
  ': ',
  '#',
  ' #',
  "'",
  '"',
  '[',
  ']',
  '{',
  '}',
  ',',
  '\n',
  '&a ',
  '*a',
  '!',
  '|',
  '>',
  '?',
  'a',
  '1',
  '\t',
  '---\n',
  '\\',
  '~',
  'y',
  '0x1F',
  '.5',
  '<<: ',
];

function mutate(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const lines = text.split('\n');
  const line = Math.floor(next() * lines.length);
  switch (Math.floor(next() * 6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
    case 2:
      return text.slice(0, at) + (INSERTS[Math.floor(next() * INSERTS.length)] ?? '') + text.slice(at);
    case 3:
      lines.splice(line, 0, lines[line] ?? '');
      return lines.join('\n');
    case 4:
      lines[line] = ` ${lines[line] ?? ''}`;
      return lines.join('\n');
    default:
      lines[line] = (lines[line] ?? '').replace(/^ {1,2}/, '');
      return lines.join('\n');
  }
}

const SNIPPETS = [
  'a: 1\nb: [x, "y", \'z\']\nc: {op: In, value: ["1", 2, 0x1F, 0755, 1e3, .5, .inf, ~, null, y, off]}\n',
  '- a\n- b: 1\n  c: 2\n-   d: 3\n    e:\n    - f\n    - g\n',
  '---\nkind: X\n---\nkind: Y\nlist:\n- 1\n- "two"\n',
  'key: value # comment\n# full line\n"quoted key": \'it\'\'s\'\nk2: "esc \\" \\\\ \\n \\u00e9"\n',
  'a:\n  b:\n    c: d\n  e: f\ng: h\n',
  'a:\n  - x\n  -\n    y: 1\n  - [1, [2, 3], {k: v}]\n',
  'url: http://example.com:8080/x\ntime: 12:30\nneg: -5\nstr: -x\n',
  'rules:\n  - name: r\n    matchFeatures:\n      - feature: kernel.loadedmodule\n        matchExpressions:\n          nvidia: {op: Exists}\n',
];

describe('the fast YAML reader', () => {
  const files = yamlFiles(repo);

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
    const next = random(13);
    const small = files.map((file) => readFileSync(file, 'utf8')).filter((text) => text.length < 3000);
    const seeds = [...SNIPPETS, ...small];
    let answered = 0;
    for (let i = 0; i < 10_000; i++) {
      let text = seeds[i % seeds.length] ?? '';
      const rounds = 1 + Math.floor(next() * 3);
      for (let r = 0; r < rounds; r++) text = mutate(text, next);
      if (agrees(text)) answered++;
    }
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
