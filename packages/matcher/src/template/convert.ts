/** spf13/cast conversions as sprig uses them (cast v1.7), plus strconv helpers. */
import { GoFloat, GoInt, isNil } from './values.ts';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * A Go integer literal as strconv.ParseInt(s, 0, 64) reads it (sign, 0x/0o/0b prefixes, leading-0
 * octal, underscores between digits), without the range check; undefined when malformed.
 */
export function parseGoIntLiteral(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  if (/^0[xX]/.test(s)) {
    base = 16;
    digits = s.slice(2);
  } else if (/^0[oO]/.test(s)) {
    base = 8;
    digits = s.slice(2);
  } else if (/^0[bB]/.test(s)) {
    base = 2;
    digits = s.slice(2);
  } else if (/^0[0-9_]/.test(s)) {
    base = 8;
    digits = s.slice(1);
  }
  // underscores only between digits (or after a base prefix)
  if (digits.includes('_')) {
    const prefixed = base !== 10;
    if (/__|_$/.test(digits) || (!prefixed && digits.startsWith('_'))) return undefined;
    digits = digits.replace(/_/g, '');
  }
  if (digits === '') return undefined;
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base];
  if (!valid?.test(digits)) return undefined;
  let v = 0n;
  for (const ch of digits) v = v * BigInt(base) + BigInt(Number.parseInt(ch, base));
  return neg ? -v : v;
}

/** strconv.ParseInt(s, 0, 64) as a JS number: the literal, within int64. */
export function parseIntBase0(text: string): number | undefined {
  const v = parseGoIntLiteral(text);
  if (v === undefined || v > INT64_MAX || v < INT64_MIN) return undefined;
  return Number(v);
}

/** strconv.Atoi: optional sign and decimal digits only; out of range clamps (sprig ignores the error). */
export function atoi(s: string): number {
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (!m) return 0;
  let v = BigInt(m[2] ?? '0');
  if (m[1] === '-') v = -v;
  if (v > INT64_MAX) v = INT64_MAX;
  if (v < INT64_MIN) v = INT64_MIN;
  return Number(v);
}

/** strconv.ParseFloat(s, 64); undefined on a syntax or range error. */
export function parseFloatGo(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(lower)) return Number.NaN;
  let s = text;
  if (s.includes('_')) {
    if (!/^[+-]?0[xXbBoO]/.test(s) && !/^[+-]?\d+(_\d+)*(\.\d+(_\d+)*)?([eE][+-]?\d+(_\d+)*)?$/.test(s))
      return undefined;
    s = s.replace(/_/g, '');
  }
  let v: number | undefined;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) v = Number(s);
  else {
    const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
    if (hex) {
      const [, sign, ip = '', fp = '', exp = '0'] = hex;
      if (ip === '' && fp === '') return undefined;
      const mant = Number.parseInt(ip + fp || '0', 16);
      v = mant * 2 ** (Number(exp) - 4 * fp.length);
      if (sign === '-') v = -v;
    }
  }
  if (v === undefined || !Number.isFinite(v)) return undefined;
  return v;
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToInt64 (errors give 0, as sprig discards them). */
export function toInt64(v: unknown): number {
  if (isNil(v)) return 0;
  if (typeof v === 'number') return Math.trunc(v);
  if (v instanceof GoInt) return v.value;
  if (v instanceof GoFloat) return Number.isFinite(v.value) ? Math.trunc(v.value) : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return parseIntBase0(trimZeroDecimal(v)) ?? 0;
  return 0;
}

/** cast.ToFloat64. */
export function toFloat64(v: unknown): number {
  if (isNil(v)) return 0;
  if (typeof v === 'number') return v;
  if (v instanceof GoInt || v instanceof GoFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return parseFloatGo(v) ?? 0;
  return 0;
}

/** Wraps to a signed 64-bit integer like Go's int64 arithmetic (exact up to 2^53). */
export function wrap64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}
