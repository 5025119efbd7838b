/** Go text/template's predefined functions (text/template/funcs.go). */
import { FuncError } from './errors.ts';
import { isGoPrint, printV, sprint, sprintf, sprintln } from './format.ts';
import { type FuncMap, fn } from './funcs-types.ts';
import {
  GoFloat,
  GoInt,
  isMap,
  isNil,
  SemverVersion,
  toBytes,
  truth,
  typeName,
  utf8Length,
  zeroOfMapElem,
} from './values.ts';

type BasicKind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: unknown): BasicKind {
  if (isNil(v)) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof GoFloat) return 'float';
  if (v instanceof GoInt) return v.kind === 'uint8' || v.kind === 'uint64' ? 'uint' : 'int';
  return 'other';
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoFloat || v instanceof GoInt) return v.value;
  return 0;
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';

function eqValues(a: unknown, args: unknown[]): boolean {
  if (args.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of args) {
    const k2 = basicKind(b);
    let t = false;
    if (k1 !== k2) {
      if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) t = num(a) === num(b);
      else if (k1 !== 'invalid' && k2 !== 'invalid') throw new FuncError(errBadComparison);
    } else {
      switch (k1) {
        case 'bool':
        case 'string':
          t = a === b;
          break;
        case 'int':
        case 'uint':
        case 'float':
          t = num(a) === num(b);
          break;
        case 'invalid':
          t = true;
          break;
        default:
          if (Array.isArray(a) || isMap(a))
            throw new FuncError(`non-comparable type ${printV(a)}: ${typeName(a)}`);
          if (Array.isArray(b) || isMap(b))
            throw new FuncError(`non-comparable type ${printV(b)}: ${typeName(b)}`);
          t = a === b;
      }
    }
    if (t) return true;
  }
  return false;
}

function ltValues(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other')
    throw new FuncError(errBadComparisonType);
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return num(a) < num(b);
    throw new FuncError(errBadComparison);
  }
  switch (k1) {
    case 'bool':
      throw new FuncError(errBadComparisonType);
    case 'string':
      return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0;
    default:
      return num(a) < num(b);
  }
}

function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

/** template.HTMLEscapeString */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => {
    switch (c) {
      case '\0':
        return '\uFFFD';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

/** template.JSEscapeString */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (cp < 0x20) out += `\\u00${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (cp < 0x80 || isGoPrint(cp)) out += ch;
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** url.QueryEscape */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of toBytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function indexArg(index: unknown, cap: number): number {
  let x: number;
  if (typeof index === 'number' && Number.isInteger(index)) x = index;
  else if (index instanceof GoInt) x = index.value;
  else if (isNil(index)) throw new FuncError('cannot index slice/array with nil');
  else throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
  if (x < 0 || x > cap) throw new FuncError(`index out of range: ${x}`);
  return x;
}

function goLen(v: unknown): number {
  if (typeof v === 'string') return utf8Length(v);
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  if (isNil(v)) throw new FuncError('len of nil pointer');
  throw new FuncError(`len of type ${typeName(v)}`);
}

export function goIndex(item: unknown, indexes: unknown[]): unknown {
  if (isNil(item)) throw new FuncError('index of untyped nil');
  let cur: unknown = item;
  for (const index of indexes) {
    if (isNil(cur)) throw new FuncError('index of nil pointer');
    if (typeof cur === 'string') {
      const bytes = toBytes(cur);
      const x = indexArg(index, bytes.length);
      if (x === bytes.length) throw new FuncError('reflect: string index out of range');
      cur = new GoInt('uint8', bytes[x] ?? 0);
    } else if (Array.isArray(cur)) {
      const x = indexArg(index, cur.length);
      if (x === cur.length) throw new FuncError('reflect: slice index out of range');
      cur = cur[x];
    } else if (isMap(cur)) {
      if (typeof index !== 'string') {
        if (isNil(index)) throw new FuncError('value is nil; should be of type string');
        throw new FuncError(`value has type ${typeName(index)}; should be string`);
      }
      cur = Object.hasOwn(cur, index) ? cur[index] : zeroOfMapElem(cur);
    } else {
      throw new FuncError(`can't index item of type ${typeName(cur)}`);
    }
  }
  return cur;
}

export const builtinFuncs: FuncMap = {
  // and / or are special-cased (lazy) by the executor; these entries give their signatures.
  and: fn(['value'], () => undefined, 'value'),
  or: fn(['value'], () => undefined, 'value'),
  not: fn(['value'], ([a]) => !truth(a)),
  len: fn(['value'], ([a]) => goLen(a)),
  index: fn(['value'], ([item, ...rest]) => goIndex(item, rest), 'value'),
  print: fn([], (args) => sprint(args), 'any'),
  printf: fn(['string'], ([format, ...rest]) => sprintf(format as string, rest), 'any'),
  println: fn([], (args) => sprintln(args), 'any'),
  html: fn([], (args) => htmlEscape(evalArgs(args)), 'any'),
  js: fn([], (args) => jsEscape(evalArgs(args)), 'any'),
  urlquery: fn([], (args) => queryEscape(evalArgs(args)), 'any'),
  eq: fn(['value'], ([a, ...rest]) => eqValues(a, rest), 'value'),
  ne: fn(['value', 'value'], ([a, b]) => !eqValues(a, [b])),
  lt: fn(['value', 'value'], ([a, b]) => ltValues(a, b)),
  le: fn(['value', 'value'], ([a, b]) => ltValues(a, b) || eqValues(a, [b])),
  gt: fn(['value', 'value'], ([a, b]) => !(ltValues(a, b) || eqValues(a, [b]))),
  ge: fn(['value', 'value'], ([a, b]) => !ltValues(a, b)),
};

export function isSemver(v: unknown): v is SemverVersion {
  return v instanceof SemverVersion;
}
