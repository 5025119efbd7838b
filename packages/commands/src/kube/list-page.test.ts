import { describe, expect, it } from 'vitest';
import { scanListPage, skipValue, walkObject } from './list-page.ts';

// The page scanner must find exactly the items and metadata JSON.parse finds, or give up
// (undefined) so that the page is parsed whole: never a wrong split.

let seed = 2403;
const next = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;

const STRINGS = ['', 'a', 'q"uote', 'back\\slash', '\\"', '}]{[', 'é\u2028', 'x\\', '"items":[', '\\\\"'];

function value(depth: number): unknown {
  const roll = next();
  if (depth > 3 || roll < 0.3) return pick([0, -1.5e3, true, false, null, 1234567890123]);
  if (roll < 0.6) return pick(STRINGS);
  if (roll < 0.8) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(next() * 4) }, () => [pick(STRINGS), value(depth + 1)] as const),
  );
}

/** A list as an API server writes it (compact or indented, keys in either order). */
function listText(): { text: string; items: unknown[]; metadata: unknown } {
  const items = Array.from({ length: Math.floor(next() * 6) }, () => ({
    metadata: { name: pick(STRINGS), labels: value(1) },
    spec: value(0),
  }));
  const metadata = next() < 0.5 ? { continue: pick(STRINGS), resourceVersion: '42' } : {};
  const entries: [string, unknown][] = [
    ['apiVersion', 'nfd.k8s-sigs.io/v1alpha1'],
    ['items', items],
    ['kind', 'NodeFeatureList'],
    ['metadata', metadata],
  ];
  if (next() < 0.5) entries.reverse();
  const indent = pick([undefined, 1, '\t']);
  return { text: JSON.stringify(Object.fromEntries(entries), null, indent), items, metadata };
}

describe('scanListPage', () => {
  it('finds each item and the metadata as JSON.parse does, on 3,000 random lists', () => {
    for (let i = 0; i < 3000; i++) {
      const { text, items, metadata } = listText();
      const page = scanListPage(text);
      expect(page, text).toBeDefined();
      expect(page?.items.map(({ start, end }) => JSON.parse(text.slice(start, end)))).toEqual(items);
      expect(JSON.parse(page?.metadata ?? 'null')).toEqual(metadata);
    }
  });

  it('reads null items and an empty object; gives up on what is not a list object', () => {
    expect(scanListPage('{"items":null,"metadata":{}}')).toEqual({ items: [], metadata: '{}' });
    expect(scanListPage(' {} ')).toEqual({ items: [], metadata: undefined });
    for (const text of [
      '[]',
      '{"items":[1,]}',
      '{"items":[{"a":"b}]}',
      '{"items":[]} x',
      '{"it\\u0065ms":[]}',
      '',
    ])
      expect(scanListPage(text), text).toBeUndefined();
  });

  it('lets a later duplicate items key win, as JSON.parse does', () => {
    const text = '{"items":[{"a":1}],"items":[{"b":2},{"c":3}]}';
    const page = scanListPage(text);
    expect(page?.items.map(({ start, end }) => JSON.parse(text.slice(start, end)))).toEqual(
      JSON.parse(text).items,
    );
  });

  it('hands each item to a reader, which may read part of it and skip the rest', () => {
    for (let i = 0; i < 500; i++) {
      const { text, items } = listText();
      // A reader that keeps only metadata.name, walking each item once.
      const page = scanListPage(text, (source, at) => {
        let name: unknown;
        const end = walkObject(source, at, (key, start) => {
          if (key !== 'metadata') return undefined;
          return walkObject(source, start, (inner, value) => {
            if (inner !== 'name') return undefined;
            const after = skipValue(source, value);
            name = JSON.parse(source.slice(value, after));
            return after;
          });
        });
        return end < 0 ? undefined : { value: name, end };
      });
      expect(page?.items.map((item) => item.value)).toEqual(
        items.map((item) => (item as { metadata: { name: string } }).metadata.name),
      );
    }
  });
});
