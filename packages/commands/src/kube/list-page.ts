// A page of a Kubernetes list (`{"apiVersion":…,"items":[…],"kind":…,"metadata":{"continue":…}}`)
// split without parsing it: where each item's JSON text is, and the list's metadata. Each item is
// then parsed on its own, so that its objects die young (a page of 100 NodeFeatures parsed at once
// outlives the young generation, and copying it cost a third of `validate-cluster`'s CPU), and
// the next page can be requested before this one is read.

export interface ListPage<T = never> {
  /** Each item: its text's start and end offsets, and what the page's reader made of it, if it could. */
  items: { start: number; end: number; value?: T }[];
  /** The `metadata` object's text, if the list has one. */
  metadata: string | undefined;
}

/**
 * Reads the value that starts at `at` in one pass (descending into what it needs, skipping the
 * rest): what it made of it and where it ends, or undefined to have it skipped and parsed whole.
 */
export type ItemReader<T> = (text: string, at: number) => { value: T; end: number } | undefined;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** The offset just past the string that starts at `at` (a `"`), or -1 when it does not end. */
function skipString(text: string, at: number): number {
  let end = at + 1;
  for (;;) {
    end = text.indexOf('"', end);
    if (end < 0) return -1;
    let backslashes = 0;
    for (let k = end - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if ((backslashes & 1) === 0) return end + 1;
    end++;
  }
}

/**
 * The offset just past the value that starts at `at` (after any space), or -1 when the text
 * does not hold one there. Nested objects and arrays are skipped by bracket depth (strings
 * skipped whole); the value's own syntax is left to JSON.parse.
 */
export function skipValue(text: string, at: number): number {
  let i = at;
  const length = text.length;
  const first = text.charCodeAt(i);
  if (first === QUOTE) return skipString(text, i);
  if (first !== 0x7b && first !== 0x5b) {
    // A number, true, false or null: up to the next delimiter.
    while (i < length) {
      const code = text.charCodeAt(i);
      if (code === 0x2c || code === 0x7d || code === 0x5d || isSpace(code)) break;
      i++;
    }
    return i === at ? -1 : i;
  }
  let depth = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = skipString(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (code === 0x7b || code === 0x5b) depth++;
    else if (code === 0x7d || code === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The items and metadata of a list page, or undefined when the text is not a JSON object whose
 * `items` is an array or null (the caller then parses it whole, and reports what is wrong).
 */
export function scanListPage<T = never>(text: string, read?: ItemReader<T>): ListPage<T> | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  i = skipSpace(text, i + 1);
  const page: ListPage<T> = { items: [], metadata: undefined };
  if (text.charCodeAt(i) === 0x7d) return skipSpace(text, i + 1) === text.length ? page : undefined;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return undefined;
    const key = text.slice(i + 1, keyEnd - 1);
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i = skipSpace(text, i + 1);
    // A key with an escape would need decoding: let JSON.parse read such a page.
    if (key.includes('\\')) return undefined;
    if (key === 'items') {
      // A later duplicate key wins in JSON.parse; so it does here.
      page.items = [];
      if (text.startsWith('null', i)) i += 4;
      else {
        if (text.charCodeAt(i) !== 0x5b) return undefined;
        i = skipSpace(text, i + 1);
        if (text.charCodeAt(i) === 0x5d) i++;
        else
          for (;;) {
            const done = read?.(text, i);
            const end = done?.end ?? skipValue(text, i);
            if (end < 0) return undefined;
            page.items.push(done === undefined ? { start: i, end } : { start: i, end, value: done.value });
            i = skipSpace(text, end);
            const code = text.charCodeAt(i);
            if (code === 0x5d) {
              i++;
              break;
            }
            if (code !== 0x2c) return undefined;
            i = skipSpace(text, i + 1);
          }
      }
    } else {
      const end = skipValue(text, i);
      if (end < 0) return undefined;
      if (key === 'metadata') page.metadata = text.slice(i, end);
      i = end;
    }
    i = skipSpace(text, i);
    const code = text.charCodeAt(i);
    if (code === 0x7d) break;
    if (code !== 0x2c) return undefined;
    i = skipSpace(text, i + 1);
  }
  if (skipSpace(text, i + 1) !== text.length) return undefined;
  return page;
}

/**
 * Walks the object that starts at `at` (after any space) in one pass: `visit` gets each key
 * (decoded) and where its value starts, and returns where the value ends once it has read it, or
 * undefined to have it skipped. Returns the offset past the object, -1 when the text is not one
 * (or a visit failed), and `at + 4` for a null (visited nowhere).
 */
export function walkObject(
  text: string,
  at: number,
  visit: (key: string, value: number) => number | undefined,
): number {
  let i = skipSpace(text, at);
  if (text.startsWith('null', i)) return i + 4;
  if (text.charCodeAt(i) !== 0x7b) return -1;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 0x7d) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return -1;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return -1;
    let key = text.slice(i + 1, keyEnd - 1);
    if (key.includes('\\')) {
      try {
        key = JSON.parse(text.slice(i, keyEnd)) as string;
      } catch {
        return -1;
      }
    }
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) return -1;
    i = skipSpace(text, i + 1);
    const valueEnd = visit(key, i) ?? skipValue(text, i);
    if (valueEnd < 0) return -1;
    i = skipSpace(text, valueEnd);
    const code = text.charCodeAt(i);
    if (code === 0x7d) return i + 1;
    if (code !== 0x2c) return -1;
    i = skipSpace(text, i + 1);
  }
}
