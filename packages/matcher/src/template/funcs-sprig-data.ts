/** sprig v3 number, list, dict, logic/type, JSON and version functions. */

import { atoi, toFloat64, toInt64, wrap64 } from './convert.ts';
import { FuncError } from './errors.ts';
import { formatFloat, printV } from './format.ts';
import { strslice, strval } from './funcs-sprig-strings.ts';
import { type FuncMap, fn } from './funcs-types.ts';
import { parseVersion, semverCompare } from './semver.ts';
import {
  compareStrings,
  deepEqual,
  GoFloat,
  GoInt,
  type GoMap,
  ifaceList,
  ifaceMap,
  isMap,
  isNil,
  kindOf,
  SemverVersion,
  sortedKeys,
  stringList,
  tagType,
  typeName,
} from './values.ts';

const any = 'any' as const;
const int = 'int' as const;
const str = 'string' as const;
const map = 'map' as const;

const int64 = (v: number): GoInt => new GoInt('int64', v);
const float = (v: number): GoFloat => new GoFloat(v);

/** sprig's empty(): the zero value of its type. */
export function empty(v: unknown): boolean {
  if (isNil(v)) return true;
  if (typeof v === 'string') return v.length === 0;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v === 0;
  if (v instanceof GoFloat || v instanceof GoInt) return v.value === 0;
  if (v instanceof SemverVersion) return false;
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  return false;
}

function kindName(v: unknown): string {
  if (isNil(v)) throw new FuncError('runtime error: invalid memory address or nil pointer dereference');
  const k = kindOf(v);
  return k;
}

function requireList(v: unknown, message: (kind: string) => string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new FuncError(message(kindName(v)));
}

// --- shopspring/decimal arithmetic for addf & co (exact decimal, division to 16 places)

interface Dec {
  m: bigint;
  e: number; // value = m × 10^e
}

function decFromFloat(x: number): Dec {
  if (!Number.isFinite(x)) throw new FuncError(`Cannot create a Decimal from ${formatFloat(x, 'g', -1)}`);
  if (x === 0) return { m: 0n, e: 0 };
  const [mant = '0', exp = '0'] = x.toExponential().split('e');
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const e = Number(exp) - (digits.length - 1);
  const m = BigInt(digits);
  return { m: neg ? -m : m, e };
}
function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
}
function decToFloat(d: Dec): number {
  return Number(`${d.m}e${d.e}`);
}
const decOps: Record<string, (a: Dec, b: Dec) => Dec> = {
  add: (a, b) => {
    const [x, y, e] = align(a, b);
    return { m: x + y, e };
  },
  sub: (a, b) => {
    const [x, y, e] = align(a, b);
    return { m: x - y, e };
  },
  mul: (a, b) => ({ m: a.m * b.m, e: a.e + b.e }),
  div: (a, b) => {
    if (b.m === 0n) throw new FuncError('decimal division by 0');
    // DivRound(b, 16): quotient rounded half away from zero to 16 decimal places
    const prec = 16;
    // a/b = (a.m / b.m) × 10^(a.e - b.e); scale to 10^-prec
    const shift = a.e - b.e + prec;
    let num = a.m;
    let den = b.m;
    if (shift >= 0) num *= 10n ** BigInt(shift);
    else den *= 10n ** BigInt(-shift);
    const neg = num < 0n !== den < 0n;
    const an = num < 0n ? -num : num;
    const ad = den < 0n ? -den : den;
    let q = an / ad;
    const r = an % ad;
    if (r * 2n >= ad) q += 1n;
    return { m: neg ? -q : q, e: -prec };
  },
};
function decimalOp(op: string, first: unknown, rest: unknown[]): GoFloat {
  let acc = decFromFloat(toFloat64(first));
  const f = decOps[op];
  if (f === undefined) throw new FuncError(`unknown op ${op}`);
  for (const x of rest) acc = f(acc, decFromFloat(toFloat64(x)));
  return float(decToFloat(acc));
}

// --- lists

function untilStep(start: number, stop: number, step: number, max: number): number[] {
  const v: number[] = [];
  const push = (i: number): void => {
    if (v.length >= max) throw new FuncError(`list exceeds the limit of ${max} elements`);
    v.push(i);
  };
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) push(i);
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) push(i);
  return v;
}

function seq(params: number[], max: number): string {
  let increment = 1;
  let list: number[];
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const start = 1;
      const end = params[0] ?? 0;
      if (end < start) increment = -1;
      list = untilStep(start, end + increment, increment, max);
      break;
    }
    case 2: {
      const start = params[0] ?? 0;
      const end = params[1] ?? 0;
      const step = end < start ? -1 : 1;
      list = untilStep(start, end + step, step, max);
      break;
    }
    case 3: {
      const start = params[0] ?? 0;
      const step = params[1] ?? 0;
      const end = params[2] ?? 0;
      if (end < start) {
        increment = -1;
        if (step > 0) return '';
      }
      list = untilStep(start, end + increment, step, max);
      break;
    }
    default:
      return '';
  }
  return list.join(' ');
}

function toIntIndex(v: unknown): number {
  // cast.ToInt
  return toInt64(v);
}

function sliceList(list: unknown, indices: unknown[]): unknown {
  const l = requireList(list, (k) => `list should be type of slice or array but ${k}`);
  if (l.length === 0) return undefined;
  const start = indices.length > 0 ? toIntIndex(indices[0]) : 0;
  const end = indices.length < 2 ? l.length : toIntIndex(indices[1]);
  if (start < 0 || end < start || end > l.length) throw new FuncError('reflect: slice index out of range');
  return tagType(l.slice(start, end), typeName(l));
}

function chunk(size: number, list: unknown): unknown[][] {
  const l = requireList(list, (k) => `Cannot chunk type ${k}`);
  if (size <= 0) throw new FuncError('runtime error: makeslice: len out of range');
  const cs = Math.floor((l.length - 1) / size) + 1;
  const out: unknown[][] = [];
  for (let i = 0; i < cs; i++) {
    let clen = size;
    if (i === cs - 1) {
      clen = Math.floor(l.length % size);
      if (clen === 0) clen = size;
    }
    out.push(ifaceList(l.slice(i * size, i * size + clen)));
  }
  return tagType(out, '[][]interface {}');
}

// --- dicts

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return tagType(v.map(deepCopy), typeName(v));
  if (isMap(v)) {
    const out: GoMap = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
    return tagType(out, typeName(v));
  }
  return v;
}

/** mergo.Merge (overwrite=false) / mergo.Merge(WithOverride) on map[string]interface{}. */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const k of Object.keys(src)) {
    const s = src[k];
    const d = dst[k];
    const has = Object.hasOwn(dst, k);
    if (isMap(s) && isMap(d) && has) {
      mergeInto(d, s, overwrite);
      continue;
    }
    if (has && !empty(d) && (isMap(s) || Array.isArray(s)) && !overwrite) continue;
    if (overwrite || !has || empty(d)) dst[k] = s;
  }
}

function dig(args: unknown[]): unknown {
  if (args.length < 3) throw new FuncError('dig needs at least three arguments');
  const dict = args[args.length - 1];
  const def = args[args.length - 2];
  const keys = args.slice(0, -2);
  let cur: unknown = dict;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string')
      throw new FuncError(`interface conversion: interface {} is ${typeName(k)}, not string`);
    if (!isMap(cur) || (typeName(cur) !== 'map[string]interface {}' && i > 0))
      throw new FuncError(
        `interface conversion: interface {} is ${typeName(cur)}, not map[string]interface {}`,
      );
    if (i === 0 && typeName(cur) !== 'map[string]interface {}')
      throw new FuncError(
        `interface conversion: interface {} is ${typeName(cur)}, not map[string]interface {}`,
      );
    if (!Object.hasOwn(cur, k)) return def;
    cur = cur[k];
  }
  return cur;
}

// --- JSON (encoding/json)

function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
    }
    if (
      cp < 0x20 ||
      (escapeHTML && (ch === '<' || ch === '>' || ch === '&')) ||
      cp === 0x2028 ||
      cp === 0x2029
    ) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
      continue;
    }
    out += ch;
  }
  return `${out}"`;
}

function jsonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new FuncError(`json: unsupported value: ${formatFloat(x, 'g', -1)}`);
  return JSON.stringify(x);
}

function toJSON(v: unknown, escapeHTML: boolean, indent: string, depth: number): string {
  if (depth > 1000) throw new FuncError('json: unsupported value: encountered a cycle');
  if (isNil(v)) return 'null';
  if (typeof v === 'string') return jsonString(v, escapeHTML);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : jsonFloat(v);
  if (v instanceof GoInt) return String(v.value);
  if (v instanceof GoFloat) return jsonFloat(v.value);
  if (v instanceof SemverVersion) return jsonString(v.toString(), escapeHTML);
  const nl = indent === '' ? '' : `\n${indent.repeat(depth + 1)}`;
  const close = indent === '' ? '' : `\n${indent.repeat(depth)}`;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((e) => nl + toJSON(e, escapeHTML, indent, depth + 1)).join(',')}${close}]`;
  }
  if (isMap(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return '{}';
    const sep = indent === '' ? ':' : ': ';
    return `{${keys.map((k) => nl + jsonString(k, escapeHTML) + sep + toJSON(v[k], escapeHTML, indent, depth + 1)).join(',')}${close}}`;
  }
  return 'null';
}

function fromJSON(s: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch (e) {
    throw new FuncError(e instanceof Error ? e.message : String(e));
  }
  const conv = (x: unknown): unknown => {
    if (typeof x === 'number') return float(x);
    if (Array.isArray(x)) return ifaceList(x.map(conv));
    if (x !== null && typeof x === 'object') {
      const out: GoMap = {};
      for (const [k, val] of Object.entries(x)) out[k] = conv(val);
      return ifaceMap(out);
    }
    return x;
  };
  return conv(parsed);
}

// --- types

function typeIsLike(target: string, v: unknown): boolean {
  const t = typeName(v);
  return target === t || `*${target}` === t;
}

export const sprigDataFuncs: FuncMap = {
  // numbers
  atoi: fn([str], ([s]) => atoi(s as string)),
  int: fn([any], ([v]) => toInt64(v)),
  int64: fn([any], ([v]) => int64(toInt64(v))),
  float64: fn([any], ([v]) => float(toFloat64(v))),
  toDecimal: fn([any], ([v]) => {
    const s = printV(v);
    const m = /^([+-]?)([0-7]+)$/.exec(s);
    if (!m) return int64(0);
    const n = BigInt(`0o${m[2]}`);
    if (n > (1n << 63n) - 1n) return int64(0);
    return int64(Number(m[1] === '-' ? -n : n));
  }),
  add1: fn([any], ([v]) => int64(wrap64(BigInt(toInt64(v)) + 1n))),
  add: fn([], (args) => int64(wrap64(args.reduce<bigint>((a, b) => a + BigInt(toInt64(b)), 0n))), any),
  sub: fn([any, any], ([a, b]) => int64(wrap64(BigInt(toInt64(a)) - BigInt(toInt64(b))))),
  mul: fn(
    [any],
    ([a, ...rest]) =>
      int64(wrap64(rest.reduce<bigint>((x, b) => x * BigInt(toInt64(b)), BigInt(toInt64(a))))),
    any,
  ),
  div: fn([any, any], ([a, b]) => {
    const d = BigInt(toInt64(b));
    if (d === 0n) throw new FuncError('runtime error: integer divide by zero');
    return int64(wrap64(BigInt(toInt64(a)) / d));
  }),
  mod: fn([any, any], ([a, b]) => {
    const d = BigInt(toInt64(b));
    if (d === 0n) throw new FuncError('runtime error: integer divide by zero');
    return int64(wrap64(BigInt(toInt64(a)) % d));
  }),
  max: fn(
    [any],
    ([a, ...rest]) => int64(rest.reduce<number>((m, b) => Math.max(m, toInt64(b)), toInt64(a))),
    any,
  ),
  biggest: fn(
    [any],
    ([a, ...rest]) => int64(rest.reduce<number>((m, b) => Math.max(m, toInt64(b)), toInt64(a))),
    any,
  ),
  min: fn(
    [any],
    ([a, ...rest]) => int64(rest.reduce<number>((m, b) => Math.min(m, toInt64(b)), toInt64(a))),
    any,
  ),
  maxf: fn(
    [any],
    ([a, ...rest]) => float(rest.reduce<number>((m, b) => Math.max(m, toFloat64(b)), toFloat64(a))),
    any,
  ),
  minf: fn(
    [any],
    ([a, ...rest]) => float(rest.reduce<number>((m, b) => Math.min(m, toFloat64(b)), toFloat64(a))),
    any,
  ),
  add1f: fn([any], ([v]) => decimalOp('add', v, [1])),
  addf: fn([], (args) => decimalOp('add', 0, args), any),
  subf: fn([any], ([a, ...rest]) => decimalOp('sub', a, rest), any),
  mulf: fn([any], ([a, ...rest]) => decimalOp('mul', a, rest), any),
  divf: fn([any], ([a, ...rest]) => decimalOp('div', a, rest), any),
  ceil: fn([any], ([v]) => float(Math.ceil(toFloat64(v)))),
  floor: fn([any], ([v]) => float(Math.floor(toFloat64(v)))),
  round: fn(
    [any, int],
    ([a, p, ...opt]) => {
      const roundOn = opt.length > 0 ? (opt[0] as number) : 0.5;
      const val = toFloat64(a);
      const pow = 10 ** (p as number);
      const digit = pow * val;
      const frac = digit - Math.trunc(digit);
      const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
      return float(r / pow);
    },
    'float64',
  ),
  seq: fn([], (args, ctx) => seq(args as number[], ctx.maxBytes), int),
  until: fn([int], ([n], ctx) => {
    const count = n as number;
    return tagType(untilStep(0, count, count < 0 ? -1 : 1, ctx.maxBytes), '[]int');
  }),
  untilStep: fn([int, int, int], ([a, b, c], ctx) =>
    tagType(untilStep(a as number, b as number, c as number, ctx.maxBytes), '[]int'),
  ),

  // lists
  list: fn([], (args) => ifaceList([...args]), any),
  tuple: fn([], (args) => ifaceList([...args]), any),
  append: fn([any, any], ([l, v]) => ifaceList([...requireList(l, (k) => `Cannot push on type ${k}`), v])),
  push: fn([any, any], ([l, v]) => ifaceList([...requireList(l, (k) => `Cannot push on type ${k}`), v])),
  mustAppend: fn([any, any], ([l, v]) =>
    ifaceList([...requireList(l, (k) => `Cannot push on type ${k}`), v]),
  ),
  mustPush: fn([any, any], ([l, v]) => ifaceList([...requireList(l, (k) => `Cannot push on type ${k}`), v])),
  prepend: fn([any, any], ([l, v]) =>
    ifaceList([v, ...requireList(l, (k) => `Cannot prepend on type ${k}`)]),
  ),
  mustPrepend: fn([any, any], ([l, v]) =>
    ifaceList([v, ...requireList(l, (k) => `Cannot prepend on type ${k}`)]),
  ),
  first: fn([any], ([l]) => requireList(l, (k) => `Cannot find first on type ${k}`)[0]),
  mustFirst: fn([any], ([l]) => requireList(l, (k) => `Cannot find first on type ${k}`)[0]),
  last: fn([any], ([l]) => requireList(l, (k) => `Cannot find last on type ${k}`).at(-1)),
  mustLast: fn([any], ([l]) => requireList(l, (k) => `Cannot find last on type ${k}`).at(-1)),
  rest: fn([any], ([l]) => ifaceList(requireList(l, (k) => `Cannot find rest on type ${k}`).slice(1))),
  mustRest: fn([any], ([l]) => ifaceList(requireList(l, (k) => `Cannot find rest on type ${k}`).slice(1))),
  initial: fn([any], ([l]) =>
    ifaceList(requireList(l, (k) => `Cannot find initial on type ${k}`).slice(0, -1)),
  ),
  mustInitial: fn([any], ([l]) =>
    ifaceList(requireList(l, (k) => `Cannot find initial on type ${k}`).slice(0, -1)),
  ),
  reverse: fn([any], ([l]) =>
    ifaceList([...requireList(l, (k) => `Cannot find reverse on type ${k}`)].reverse()),
  ),
  mustReverse: fn([any], ([l]) =>
    ifaceList([...requireList(l, (k) => `Cannot find reverse on type ${k}`)].reverse()),
  ),
  uniq: fn([any], ([l]) => uniq(requireList(l, (k) => `Cannot find uniq on type ${k}`))),
  mustUniq: fn([any], ([l]) => uniq(requireList(l, (k) => `Cannot find uniq on type ${k}`))),
  without: fn(
    [any],
    ([l, ...omit]) =>
      ifaceList(
        requireList(l, (k) => `Cannot find without on type ${k}`).filter(
          (x) => !omit.some((o) => deepEqual(o, x)),
        ),
      ),
    any,
  ),
  mustWithout: fn(
    [any],
    ([l, ...omit]) =>
      ifaceList(
        requireList(l, (k) => `Cannot find without on type ${k}`).filter(
          (x) => !omit.some((o) => deepEqual(o, x)),
        ),
      ),
    any,
  ),
  has: fn([any, any], ([needle, l]) =>
    requireList(l, (k) => `Cannot find has on type ${k}`).some((x) => deepEqual(needle, x)),
  ),
  mustHas: fn([any, any], ([needle, l]) =>
    requireList(l, (k) => `Cannot find has on type ${k}`).some((x) => deepEqual(needle, x)),
  ),
  compact: fn([any], ([l]) =>
    ifaceList(requireList(l, (k) => `Cannot compact on type ${k}`).filter((x) => !empty(x))),
  ),
  mustCompact: fn([any], ([l]) =>
    ifaceList(requireList(l, (k) => `Cannot compact on type ${k}`).filter((x) => !empty(x))),
  ),
  slice: fn([any], ([l, ...idx]) => sliceList(l, idx), any),
  mustSlice: fn([any], ([l, ...idx]) => sliceList(l, idx), any),
  concat: fn(
    [],
    (lists) => {
      const out: unknown[] = [];
      for (const l of lists) out.push(...requireList(l, (k) => `Cannot concat type ${k} as list`));
      return ifaceList(out);
    },
    any,
  ),
  chunk: fn([int, any], ([n, l]) => chunk(n as number, l)),
  mustChunk: fn([int, any], ([n, l]) => chunk(n as number, l)),

  // dicts
  dict: fn(
    [],
    (args) => {
      const d: GoMap = {};
      for (let i = 0; i < args.length; i += 2) d[strval(args[i])] = i + 1 >= args.length ? '' : args[i + 1];
      return ifaceMap(d);
    },
    any,
  ),
  get: fn([map, str], ([d, k]) => {
    const m = (d ?? {}) as GoMap;
    return Object.hasOwn(m, k as string) ? m[k as string] : '';
  }),
  set: fn([map, str, any], ([d, k, v]) => {
    if (d === undefined) throw new FuncError('assignment to entry in nil map');
    (d as GoMap)[k as string] = v;
    return d;
  }),
  unset: fn([map, str], ([d, k]) => {
    if (d !== undefined) delete (d as GoMap)[k as string];
    return d;
  }),
  hasKey: fn([map, str], ([d, k]) => d !== undefined && Object.hasOwn(d as GoMap, k as string)),
  pluck: fn(
    [str],
    ([k, ...ds]) =>
      ifaceList(
        ds
          .filter((d) => d !== undefined && Object.hasOwn(d as GoMap, k as string))
          .map((d) => (d as GoMap)[k as string]),
      ),
    map,
  ),
  // sprig returns keys in Go's random map order; we sort them (byte order) for determinism.
  keys: fn([], (ds) => stringList(ds.flatMap((d) => (d === undefined ? [] : sortedKeys(d as GoMap)))), map),
  pick: fn(
    [map],
    ([d, ...ks]) => {
      const out: GoMap = {};
      const m = (d ?? {}) as GoMap;
      for (const k of ks) if (Object.hasOwn(m, k as string)) out[k as string] = m[k as string];
      return ifaceMap(out);
    },
    str,
  ),
  omit: fn(
    [map],
    ([d, ...ks]) => {
      const out: GoMap = {};
      const m = (d ?? {}) as GoMap;
      for (const k of Object.keys(m)) if (!ks.includes(k)) out[k] = m[k];
      return ifaceMap(out);
    },
    str,
  ),
  // sprig returns values in Go's random map order; we use sorted key order.
  values: fn([map], ([d]) => {
    const m = (d ?? {}) as GoMap;
    return ifaceList(sortedKeys(m).map((k) => m[k]));
  }),
  merge: fn([map], ([dst, ...srcs]) => mergeAll(dst, srcs, false), map),
  mustMerge: fn([map], ([dst, ...srcs]) => mergeAll(dst, srcs, false), map),
  mergeOverwrite: fn([map], ([dst, ...srcs]) => mergeAll(dst, srcs, true), map),
  mustMergeOverwrite: fn([map], ([dst, ...srcs]) => mergeAll(dst, srcs, true), map),
  dig: fn([], (args) => dig(args), any),
  deepCopy: fn([any], ([v]) => {
    if (isNil(v)) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
    return deepCopy(v);
  }),
  mustDeepCopy: fn([any], ([v]) => {
    if (isNil(v)) throw new FuncError('copy: Copy of nil value');
    return deepCopy(v);
  }),

  // logic and types
  default: fn([any], ([d, ...given]) => (given.length === 0 || empty(given[0]) ? d : given[0]), any),
  empty: fn([any], ([v]) => empty(v)),
  coalesce: fn([], (args) => args.find((v) => !empty(v)), any),
  all: fn([], (args) => args.every((v) => !empty(v)), any),
  any: fn([], (args) => args.some((v) => !empty(v)), any),
  ternary: fn([any, any, 'bool'], ([t, f, c]) => (c ? t : f)),
  fail: fn([str], ([msg]) => {
    throw new FuncError(msg as string);
  }),
  typeOf: fn([any], ([v]) => typeName(v)),
  typeIs: fn([str, any], ([t, v]) => t === typeName(v)),
  typeIsLike: fn([str, any], ([t, v]) => typeIsLike(t as string, v)),
  kindOf: fn([any], ([v]) => (isNil(v) ? 'invalid' : kindOf(v))),
  kindIs: fn([str, any], ([t, v]) => t === (isNil(v) ? 'invalid' : kindOf(v))),
  deepEqual: fn([any, any], ([a, b]) => deepEqual(a, b)),

  // JSON
  toJson: fn([any], ([v]) => safeJSON(() => toJSON(v, true, '', 0))),
  mustToJson: fn([any], ([v]) => toJSON(v, true, '', 0)),
  toPrettyJson: fn([any], ([v]) => safeJSON(() => toJSON(v, true, '  ', 0))),
  mustToPrettyJson: fn([any], ([v]) => toJSON(v, true, '  ', 0)),
  toRawJson: fn([any], ([v]) => safeJSON(() => toJSON(v, false, '', 0))),
  mustToRawJson: fn([any], ([v]) => toJSON(v, false, '', 0)),
  fromJson: fn([str], ([s]) => {
    try {
      return fromJSON(s as string);
    } catch {
      return undefined;
    }
  }),
  mustFromJson: fn([str], ([s]) => fromJSON(s as string)),

  // versions
  semver: fn([str], ([s]) => parseVersion(s as string)),
  semverCompare: fn([str, str], ([c, v]) => semverCompare(c as string, v as string)),
};

function safeJSON(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

function uniq(l: unknown[]): unknown[] {
  const dest: unknown[] = [];
  for (const x of l) if (!dest.some((d) => deepEqual(d, x))) dest.push(x);
  return ifaceList(dest);
}

function mergeAll(dst: unknown, srcs: unknown[], overwrite: boolean): unknown {
  if (dst === undefined) throw new FuncError('src and dst must be of same type');
  for (const s of srcs) if (s !== undefined) mergeInto(dst as GoMap, s as GoMap, overwrite);
  return dst;
}

export { compareStrings, strslice };
