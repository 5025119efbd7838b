/** Go's fmt package as far as templates need it: %v printing, Sprint, Sprintln and Sprintf. */
import { GoFloat, GoInt, isMap, isNil, SemverVersion, sortedKeys, toBytes, typeName } from './values.ts';

// ---------------------------------------------------------------------------------------------
// Exact float digits (so rounding is Go's round-half-even on the exact binary value, not JS's).

interface Digits {
  /** Decimal digits without leading zeros ('' for zero). */
  d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  dp: number;
}

function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let digits: string;
  let fracDigits: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    fracDigits = 0;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    fracDigits = -exp;
  }
  let dp = digits.length - fracDigits;
  // strip leading zeros (cannot occur for the integer string) and trailing zeros
  const trimmed = digits.replace(/0+$/, '');
  const lead = trimmed.length - trimmed.replace(/^0+/, '').length;
  dp -= lead;
  return { d: trimmed.slice(lead), dp };
}

function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mant = '', e = '0'] = x.toExponential().split('e');
  const d = mant.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(e) + 1 };
}

/** Rounds to nd digits (round half to even on the exact digits, like Go's decimal.Round). */
function roundDigits(a: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: a.dp };
  if (nd >= a.d.length) return a;
  const next = a.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === a.d.length) up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = next >= 5;
  if (!up) {
    return { d: a.d.slice(0, nd).replace(/0+$/, ''), dp: a.dp };
  }
  const arr = a.d.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && arr[i] === '9') i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  arr[i] = String.fromCharCode((arr[i] ?? '0').charCodeAt(0) + 1);
  return { d: arr.slice(0, i + 1).join(''), dp: a.dp };
}

function digitAt(d: Digits, i: number): string {
  return i >= 0 && i < d.d.length ? (d.d[i] ?? '0') : '0';
}

function fmtE(d: Digits, prec: number, e: string): string {
  let s = d.d === '' ? '0' : digitAt(d, 0);
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.d === '' ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return `${s}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
}

function fmtF(d: Digits, prec: number): string {
  let s = '';
  if (d.dp > 0) for (let i = 0; i < d.dp; i++) s += digitAt(d, i);
  else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) s += digitAt(d, d.dp + i);
  }
  return s;
}

/** strconv.FormatFloat(x, fmt, prec, 64) for fmt in e E f g G; prec -1 = shortest. */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const shortest = prec < 0;
  let digs: Digits;
  if (shortest) {
    digs = shortestDigits(ax);
  } else {
    const exact = exactDigits(ax);
    if (fmt === 'e' || fmt === 'E') digs = roundDigits(exact, prec + 1);
    else if (fmt === 'f') digs = roundDigits(exact, exact.dp + prec);
    else digs = roundDigits(exact, prec === 0 ? 1 : prec);
  }
  let out: string;
  if (fmt === 'e' || fmt === 'E') {
    out = fmtE(digs, shortest ? Math.max(digs.d.length - 1, 0) : prec, fmt);
  } else if (fmt === 'f') {
    out = fmtF(digs, shortest ? Math.max(digs.d.length - digs.dp, 0) : prec);
  } else {
    let p = shortest ? digs.d.length : prec === 0 ? 1 : prec;
    let eprec = p;
    if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
    if (shortest) eprec = 6;
    const exp = digs.dp - 1;
    if (digs.d !== '' && (exp < -4 || exp >= eprec)) {
      if (p > digs.d.length) p = digs.d.length;
      out = fmtE(digs, p - 1, fmt === 'g' ? 'e' : 'E');
    } else {
      if (p > digs.dp) p = digs.d.length;
      out = fmtF(digs, Math.max(p - digs.dp, 0));
    }
  }
  return neg ? `-${out}` : out;
}

// ---------------------------------------------------------------------------------------------
// Quoting

function isPrintRune(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp < 0x7f) return true;
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp === 0xad) return false;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}

/** Go's unicode.IsPrint. */
export function isGoPrint(cp: number): boolean {
  return cp === 0x20 || isPrintRune(cp);
}

/** strconv.Quote (asciiOnly = QuoteToASCII). */
export function quoteGo(s: string, quote = '"', asciiOnly = false): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') {
      out += `\\${ch}`;
      continue;
    }
    if (asciiOnly ? cp < 0x80 && isGoPrint(cp) : isGoPrint(cp)) {
      out += ch;
      continue;
    }
    switch (ch) {
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
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
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + quote;
}

// ---------------------------------------------------------------------------------------------
// Printing values

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

const noFlags: Flags = {
  plus: false,
  minus: false,
  sharp: false,
  space: false,
  zero: false,
  width: undefined,
  prec: undefined,
};

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, f: Flags, zeroOk: boolean): string {
  if (f.width === undefined) return s;
  const n = f.width - runeCount(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  if (f.zero && zeroOk) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? (s[0] ?? '') : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  return ' '.repeat(n) + s;
}

function badVerb(verb: string, arg: unknown): string {
  if (isNil(arg)) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(arg)}=${printV(arg)})`;
}

function fmtInteger(n: number, verb: string, f: Flags, arg: unknown): string {
  const big = BigInt(n);
  const neg = big < 0n;
  const abs = neg ? -big : big;
  let body: string;
  switch (verb) {
    case 'v':
    case 'd':
      body = abs.toString(10);
      break;
    case 'b':
      body = abs.toString(2);
      break;
    case 'o':
    case 'O':
      body = abs.toString(8);
      break;
    case 'x':
      body = abs.toString(16);
      break;
    case 'X':
      body = abs.toString(16).toUpperCase();
      break;
    case 'c':
      return pad(String.fromCodePoint(validRune(n)), f, false);
    case 'q':
      return pad(quoteGo(String.fromCodePoint(validRune(n)), "'", f.plus), f, false);
    case 'U': {
      let s = `U+${abs.toString(16).toUpperCase().padStart(4, '0')}`;
      if (f.sharp && isGoPrint(n)) s += ` '${String.fromCodePoint(n)}'`;
      return pad(s, f, false);
    }
    default:
      return badVerb(verb, arg);
  }
  if (f.prec !== undefined) {
    body = body.padStart(f.prec, '0');
    if (f.prec === 0 && abs === 0n) body = '';
  }
  if (f.sharp) {
    if (verb === 'x') body = `0x${body}`;
    else if (verb === 'X') body = `0X${body}`;
    else if (verb === 'o' && body[0] !== '0') body = `0${body}`;
    else if (verb === 'b') body = `0b${body}`;
  }
  if (verb === 'O') body = `0o${body}`;
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + body, f, f.prec === undefined);
}

function validRune(n: number): number {
  return n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff) ? 0xfffd : n;
}

function fmtFloatVerb(x: number, verb: string, f: Flags, arg: unknown): string {
  let s: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      s = formatFloat(x, verb === 'G' ? 'G' : 'g', f.prec ?? -1);
      break;
    case 'e':
    case 'E':
      s = formatFloat(x, verb, f.prec ?? 6);
      break;
    case 'f':
    case 'F':
      s = formatFloat(x, 'f', f.prec ?? 6);
      break;
    default:
      return badVerb(verb, arg);
  }
  if (f.plus && s[0] !== '-' && s[0] !== '+') s = `+${s}`;
  else if (f.space && s[0] !== '-' && s[0] !== '+') s = ` ${s}`;
  return pad(s, f, Number.isFinite(x));
}

function fmtStringVerb(s: string, verb: string, f: Flags, arg: unknown): string {
  switch (verb) {
    case 'v':
    case 's': {
      let t = s;
      if (f.prec !== undefined) t = Array.from(t).slice(0, f.prec).join('');
      return pad(t, f, true);
    }
    case 'q':
      if (
        f.sharp &&
        !s.includes('`') &&
        Array.from(s).every((c) => c === '\t' || isGoPrint(c.codePointAt(0) ?? 0))
      )
        return pad(`\`${s}\``, f, true);
      return pad(quoteGo(s, '"', f.plus), f, true);
    case 'x':
    case 'X': {
      let bytes = toBytes(s);
      if (f.prec !== undefined) bytes = bytes.slice(0, f.prec);
      const parts = Array.from(bytes, (b) => {
        const h = b.toString(16).padStart(2, '0');
        return verb === 'X' ? h.toUpperCase() : h;
      });
      const prefix = f.sharp ? (verb === 'X' ? '0X' : '0x') : '';
      const body = f.space ? parts.map((p) => prefix + p).join(' ') : prefix + parts.join('');
      return pad(body, f, true);
    }
    default:
      return badVerb(verb, arg);
  }
}

/** fmt's printValue for one operand and verb. */
function printArg(arg: unknown, verb: string, f: Flags, depth: number): string {
  if (isNil(arg)) {
    if (verb === 'v' || verb === 'T') return pad('<nil>', f, false);
    return badVerb(verb, arg);
  }
  if (verb === 'T') return pad(typeName(arg), f, false);
  if (typeof arg === 'string') return fmtStringVerb(arg, verb, f, arg);
  if (typeof arg === 'boolean') {
    if (verb === 'v' || verb === 't') return pad(arg ? 'true' : 'false', f, false);
    return badVerb(verb, arg);
  }
  if (typeof arg === 'number') {
    if (Number.isInteger(arg)) return fmtInteger(arg, verb, f, arg);
    return fmtFloatVerb(arg, verb, f, arg);
  }
  if (arg instanceof GoFloat) return fmtFloatVerb(arg.value, verb, f, arg);
  if (arg instanceof GoInt) return fmtInteger(arg.value, verb, f, arg);
  if (arg instanceof SemverVersion) {
    // fmt calls the Stringer for every verb but %T / %p.
    return fmtStringVerb(arg.toString(), verb, f, arg.toString());
  }
  if (Array.isArray(arg)) {
    if (depth > 50) return '[...]';
    const inner = arg.map((e) => printArg(e, verb, { ...f, width: f.width }, depth + 1));
    return `[${inner.join(' ')}]`;
  }
  if (isMap(arg)) {
    if (depth > 50) return 'map[...]';
    const parts = sortedKeys(arg).map(
      (k) => `${printArg(k, verb, f, depth + 1)}:${printArg(arg[k], verb, f, depth + 1)}`,
    );
    return `map[${parts.join(' ')}]`;
  }
  return badVerb(verb, arg);
}

/** fmt.Sprint of one value with %v. */
export function printV(value: unknown): string {
  return printArg(value, 'v', noFlags, 0);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += printV(arg);
    prevString = isString;
  });
  return out;
}

/** fmt.Sprintln: always spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map(printV).join(' ')}\n`;
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  const end = format.length;
  let i = 0;
  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct === -1) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = { ...noFlags };
    // flags
    for (; i < end; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = !f.minus;
      else if (c === '+') f.plus = true;
      else if (c === '-') {
        f.minus = true;
        f.zero = false;
      } else if (c === ' ') f.space = true;
      else break;
    }
    // argument index
    const argIndex = (): void => {
      if (format[i] !== '[') return;
      reordered = true;
      const close = format.indexOf(']', i);
      const n = close === -1 ? Number.NaN : Number(format.slice(i + 1, close));
      if (Number.isInteger(n) && n >= 1) {
        argNum = n - 1;
        i = close + 1;
      } else {
        argNum = -1;
        i = close === -1 ? end : close + 1;
      }
    };
    argIndex();
    // width
    let badWidth = false;
    if (format[i] === '*') {
      i++;
      const w = args[argNum];
      argNum++;
      const n = typeof w === 'number' && Number.isInteger(w) ? w : w instanceof GoInt ? w.value : undefined;
      if (n === undefined) badWidth = true;
      else if (n < 0) {
        f.minus = true;
        f.zero = false;
        f.width = -n;
      } else f.width = n;
      argIndex();
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        f.width = Number(m[0]);
        i += m[0].length;
      }
    }
    // precision
    let badPrec = false;
    if (format[i] === '.') {
      i++;
      argIndex();
      if (format[i] === '*') {
        i++;
        const p = args[argNum];
        argNum++;
        const n = typeof p === 'number' && Number.isInteger(p) ? p : p instanceof GoInt ? p.value : undefined;
        if (n === undefined) badPrec = true;
        else if (n < 0) f.prec = undefined;
        else f.prec = n;
        argIndex();
      } else {
        const m = /^\d+/.exec(format.slice(i));
        f.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    if (badWidth) out += '%!(BADWIDTH)';
    if (badPrec) out += '%!(BADPREC)';
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argNum < 0) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum];
    argNum++;
    if (verb === 'w') {
      out += badVerb(verb, arg);
      continue;
    }
    out += printArg(arg, verb, f, 0);
  }
  if (!reordered && argNum < args.length) {
    out += '%!(EXTRA ';
    out += args
      .slice(argNum)
      .map((a) => (isNil(a) ? '<nil>' : `${typeName(a)}=${printV(a)}`))
      .join(', ');
    out += ')';
  }
  return out;
}
