/**
 * Go values as the template engine sees them.
 *
 * - `string`, `boolean` are Go string and bool.
 * - A JS `number` that is an integer is a Go `int`; a non-integer JS number (only from caller
 *   data) is a `float64`.
 * - `GoFloat` is a `float64` produced by a literal or a function (so `float64 3` prints `3` and
 *   `typeOf` says float64, while `1000000.0` prints `1e+06`).
 * - `GoInt` is a sized integer kind (`int64` from sprig arithmetic, `uint8` from `index` on a string).
 * - `null` / `undefined` are Go nil / an invalid value.
 * - arrays are slices, plain objects are `map[string]…`.
 * - `SemverVersion` is sprig's `*semver.Version`.
 */

export class GoFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

export type IntKind = 'int64' | 'uint8' | 'int32' | 'uint64';

export class GoInt {
  readonly kind: IntKind;
  readonly value: number;
  constructor(kind: IntKind, value: number) {
    this.kind = kind;
    this.value = value;
  }
}

export class SemverVersion {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
  readonly metadata: string;
  readonly original: string;
  constructor(major: bigint, minor: bigint, patch: bigint, pre: string, metadata: string, original: string) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.pre = pre;
    this.metadata = metadata;
    this.original = original;
  }
  toString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre !== '') s += `-${this.pre}`;
    if (this.metadata !== '') s += `+${this.metadata}`;
    return s;
  }
}

export type GoMap = Record<string, unknown>;

/** Go type names of slices and maps created by template functions (data has none). */
const typeNames = new WeakMap<object, string>();

export function tagType<T extends object>(value: T, name: string): T {
  typeNames.set(value, name);
  return value;
}

export function ifaceList(values: unknown[]): unknown[] {
  return tagType(values, '[]interface {}');
}
export function stringList(values: string[]): string[] {
  return tagType(values, '[]string');
}
export function ifaceMap(value: GoMap): GoMap {
  return tagType(value, 'map[string]interface {}');
}
export function isIfaceMap(value: unknown): value is GoMap {
  return isMap(value) && typeNames.get(value) === 'map[string]interface {}';
}

export function isMap(value: unknown): value is GoMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (value instanceof GoFloat || value instanceof GoInt || value instanceof SemverVersion) return false;
  return true;
}

export function isNil(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

export function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Integer value of any Go integer kind, or undefined. */
export function intValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (value instanceof GoInt) return value.value;
  return undefined;
}

/** Float value of a float64, or undefined. */
export function floatValue(value: unknown): number | undefined {
  if (value instanceof GoFloat) return value.value;
  if (typeof value === 'number' && !Number.isInteger(value)) return value;
  return undefined;
}

/** Go's reflect.Kind name. */
export function kindOf(value: unknown): string {
  if (isNil(value)) return 'invalid';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (value instanceof GoFloat) return 'float64';
  if (value instanceof GoInt) return value.kind;
  if (value instanceof SemverVersion) return 'ptr';
  if (Array.isArray(value)) return 'slice';
  if (typeof value === 'object') return 'map';
  return 'invalid';
}

/** Go's %T. Data slices and maps get a structural name (`[]map[string]string`). */
export function typeName(value: unknown): string {
  if (isNil(value)) return '<nil>';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (value instanceof GoFloat) return 'float64';
  if (value instanceof GoInt) return value.kind;
  if (value instanceof SemverVersion) return '*semver.Version';
  if (typeof value !== 'object') return 'interface {}';
  const tagged = typeNames.get(value);
  if (tagged !== undefined) return tagged;
  if (Array.isArray(value)) return `[]${elemTypeName(value)}`;
  return `map[string]${elemTypeName(Object.values(value))}`;
}

function elemTypeName(values: readonly unknown[]): string {
  let name: string | undefined;
  for (const v of values) {
    const n = isNil(v) ? 'interface {}' : typeName(v);
    if (name === undefined) name = n;
    else if (name !== n) return 'interface {}';
  }
  return name ?? 'interface {}';
}

/**
 * The zero value Go's `index` returns for a missing map key: decided by the map's element type,
 * which for caller data is inferred from the other values (NFD data is uniformly typed).
 */
export function zeroOfMapElem(map: GoMap): unknown {
  const tagged = typeNames.get(map);
  if (tagged === 'map[string]string') return '';
  if (tagged !== undefined) return undefined;
  const first = Object.values(map)[0];
  return zeroLike(first);
}

export function zeroLike(value: unknown): unknown {
  if (typeof value === 'string') return '';
  if (typeof value === 'boolean') return false;
  if (typeof value === 'number') return 0;
  if (value instanceof GoFloat) return new GoFloat(0);
  if (value instanceof GoInt) return new GoInt(value.kind, 0);
  if (Array.isArray(value)) return [];
  if (isMap(value)) return {};
  return undefined;
}

/** Go's text/template truth (isTrue). */
export function truth(value: unknown): boolean {
  if (isNil(value)) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (value instanceof GoFloat) return value.value !== 0;
  if (value instanceof GoInt) return value.value !== 0;
  if (value instanceof SemverVersion) return true;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Byte-wise (UTF-8) string order, which is code point order; JS `<` compares UTF-16 units. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

export function sortedKeys(map: GoMap): string[] {
  return Object.keys(map).sort(compareStrings);
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export function toBytes(s: string): Uint8Array {
  return encoder.encode(s);
}
export function fromBytes(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Go's reflect.DeepEqual over our value model (type-sensitive). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (typeName(a) !== typeName(b)) return false;
  if (a instanceof GoFloat && b instanceof GoFloat) return a.value === b.value;
  if (a instanceof GoInt && b instanceof GoInt) return a.value === b.value;
  if (a instanceof SemverVersion && b instanceof SemverVersion) return a.toString() === b.toString();
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return a === b;
}
