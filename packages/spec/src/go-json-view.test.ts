import { describe, expect, it } from 'vitest';
import { random } from '../test/yaml-samples.ts';
import { type GoNode, parseGoJson, parseGoYaml } from './go-yaml.ts';

// parseGoJson reads JSON through JSON.parse and hands out nodes as they are read; it must give
// the tree go-yaml gives for the same text (JSON is YAML): every number typed by its source text
// (1.0 a float, 12345678901234567890 an exact int, -0 a float), later duplicate keys winning. Maps
// are compared without their order: a JSON object lists integer-like keys first.

/** A node as data: maps as sorted [key, value] pairs, scalars as their go-yaml type and value. */
function plain(node: GoNode | null | undefined): unknown {
  if (node === null || node === undefined) return null;
  if (node.kind === 'seq') return node.items.map(plain);
  if (node.kind === 'map')
    return [...node.entries]
      .map(([key, entry]) => [key, plain(entry.value)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const scalar = node.scalar;
  return 'value' in scalar ? [scalar.type, String(scalar.value)] : [scalar.type];
}

function agree(text: string): void {
  const json = parseGoJson(text);
  const yaml = parseGoYaml(text);
  if (!yaml.ok) throw new Error(`${text}: ${yaml.errors.map((e) => e.message).join('; ')}`);
  expect(json, text).toBeDefined();
  expect(plain(json?.[0]?.root), text).toEqual(plain(yaml.documents[0]?.root));
}

const NUMBERS = [
  '0',
  '-0',
  '7',
  '-42',
  '1.0',
  '0.5',
  '-0.0',
  '1e3',
  '1E-2',
  '2.5e+10',
  '123456789012345',
  '1234567890123456',
  '9007199254740993',
  '12345678901234567890',
  '-9223372036854775808',
  '1e400',
];
const STRINGS = ['', 'a', '6.1.0-18-amd64', 'a:1.5', 'x,1e3', '[-0]', 'yes', '0755', 'é\u2028', 'null'];
const KEYS = ['a', 'b', '10', '2', '__proto__', 'constructor', 'FLAG_1', 'x.y/z', '0'];

function value(next: () => number, depth: number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const roll = next();
  if (depth > 3 || roll < 0.3) return pick(NUMBERS);
  if (roll < 0.55) return JSON.stringify(pick(STRINGS));
  if (roll < 0.6) return pick(['true', 'false', 'null']);
  const count = Math.floor(next() * 5);
  const items = Array.from({ length: count }, () => value(next, depth + 1));
  if (roll < 0.75) return `[${items.join(', ')}]`;
  return `{${items.map((item) => `${JSON.stringify(pick(KEYS))}: ${item}`).join(',\n ')}}`;
}

describe('parseGoJson', () => {
  it('types each number by its source text, as go-yaml does', () => {
    for (const number of NUMBERS) agree(`{"n": ${number}, "list": [${number}]}`);
  });

  it('reads plain integers without the reviver and still types them by go-yaml rules', () => {
    agree('{"generation": 1, "spec": {"counts": [0, -3, 123456789012345], "s": "6.1.0"}}');
  });

  it('lets a later duplicate key win, as go-yaml does', () => {
    agree('{"a": 1, "a": "two", "b": {"c": 1.5, "c": [true]}}');
  });

  it('gives go-yaml’s tree for 2,000 random JSON documents', () => {
    const next = random(1845);
    for (let i = 0; i < 2000; i++) agree(`{"root": ${value(next, 0)}}`);
  });

  it('hands out the same tree each time a node is read', () => {
    const [document] = parseGoJson('{"a": {"b": [1, "x", null, 2.5]}}') ?? [];
    const root = document?.root ?? null;
    expect(plain(root)).toEqual(plain(root));
  });

  it('is undefined for a text that is not JSON', () => {
    expect(parseGoJson('a: 1')).toBeUndefined();
    expect(parseGoJson('{"a": 1,}')).toBeUndefined();
    expect(parseGoJson('7')).toBeUndefined();
  });
});
