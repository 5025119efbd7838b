// Texts for comparing the fast YAML reader with the YAML library: every YAML file of the
// repository, hand-written shapes and seeded mutations of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

function yamlFilesUnder(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', 'dist', '.turbo', '.test-peers'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yamlFilesUnder(path, found);
    else if (/\.ya?ml$/.test(entry.name)) found.push(path);
  }
  return found;
}

/** Every YAML file of the repository. */
export function repositoryYamlFiles(): string[] {
  return yamlFilesUnder(repo);
}

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
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

export function mutate(text: string, next: () => number): string {
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

export const SNIPPETS: readonly string[] = [
  'a: 1\nb: [x, "y", \'z\']\nc: {op: In, value: ["1", 2, 0x1F, 0755, 1e3, .5, .inf, ~, null, y, off]}\n',
  '- a\n- b: 1\n  c: 2\n-   d: 3\n    e:\n    - f\n    - g\n',
  '---\nkind: X\n---\nkind: Y\nlist:\n- 1\n- "two"\n',
  'key: value # comment\n# full line\n"quoted key": \'it\'\'s\'\nk2: "esc \\" \\\\ \\n \\u00e9"\n',
  'a:\n  b:\n    c: d\n  e: f\ng: h\n',
  'a:\n  - x\n  -\n    y: 1\n  - [1, [2, 3], {k: v}]\n',
  'url: http://example.com:8080/x\ntime: 12:30\nneg: -5\nstr: -x\n',
  'rules:\n  - name: r\n    matchFeatures:\n      - feature: kernel.loadedmodule\n        matchExpressions:\n          nvidia: {op: Exists}\n',
];

/** `count` texts: seeds (snippets and small repository files) mutated one to three times. */
export function* mutations(files: readonly string[], seed: number, count: number): Generator<string> {
  const next = random(seed);
  const small = files.map((file) => readFileSync(file, 'utf8')).filter((text) => text.length < 3000);
  const seeds = [...SNIPPETS, ...small];
  for (let i = 0; i < count; i++) {
    let text = seeds[i % seeds.length] ?? '';
    const rounds = 1 + Math.floor(next() * 3);
    for (let r = 0; r < rounds; r++) text = mutate(text, next);
    yield text;
  }
}
