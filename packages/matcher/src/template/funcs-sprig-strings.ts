/** sprig v3 string, regex, encoding, hash and path functions. */
import { createHash } from 'node:crypto';
import { compileRegex, RegexSyntaxError } from '../regex.ts';
import { FuncError } from './errors.ts';
import { printV, quoteGo, sprintf } from './format.ts';
import { type FuncMap, fn } from './funcs-types.ts';
import { compareStrings, isMap, isNil, stringList, tagType, toBytes } from './values.ts';

// Byte-level string helpers: Go strings are bytes; we work on a latin1 "binary string".
function bin(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}
function unbin(b: string): string {
  return Buffer.from(b, 'latin1').toString('utf8');
}

function isSpace(cp: number): boolean {
  return /^\s$/u.test(String.fromCodePoint(cp)) && cp !== 0xfeff;
}
function isUpper(ch: string): boolean {
  return /^\p{Lu}$/u.test(ch);
}
function isLower(ch: string): boolean {
  return /^\p{Ll}$/u.test(ch);
}
function isTitle(ch: string): boolean {
  return /^\p{Lt}$/u.test(ch);
}
function isLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}
function isNumber(ch: string): boolean {
  return /^\p{N}$/u.test(ch);
}
function isDigit(ch: string): boolean {
  return /^\p{Nd}$/u.test(ch);
}
function isPunct(ch: string): boolean {
  return /^\p{P}$/u.test(ch);
}
function toUpper(ch: string): string {
  const u = ch.toUpperCase();
  return Array.from(u).length === 1 ? u : ch;
}
function toLower(ch: string): string {
  const l = ch.toLowerCase();
  return Array.from(l).length === 1 ? l : ch;
}

/** Go's strings.TrimSpace. */
export function trimSpace(s: string): string {
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && isSpace(chars[a]?.codePointAt(0) ?? 0)) a++;
  while (b > a && isSpace(chars[b - 1]?.codePointAt(0) ?? 0)) b--;
  return chars.slice(a, b).join('');
}

function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && set.has(chars[a] ?? '')) a++;
  while (b > a && set.has(chars[b - 1] ?? '')) b--;
  return chars.slice(a, b).join('');
}

function sliceBounds(len: number, lo: number, hi: number): void {
  if (hi > len) throw new FuncError(`runtime error: slice bounds out of range [:${hi}] with length ${len}`);
  if (hi < 0) throw new FuncError(`runtime error: slice bounds out of range [:${hi}]`);
  if (lo > hi) throw new FuncError(`runtime error: slice bounds out of range [${lo}:${hi}]`);
  if (lo < 0) throw new FuncError(`runtime error: slice bounds out of range [${lo}:]`);
}

function substring(start: number, end: number, s: string): string {
  const b = bin(s);
  if (start < 0) {
    sliceBounds(b.length, 0, end);
    return unbin(b.slice(0, end));
  }
  if (end < 0 || end > b.length) {
    if (start > b.length)
      throw new FuncError(`runtime error: slice bounds out of range [${start}:${b.length}]`);
    return unbin(b.slice(start));
  }
  sliceBounds(b.length, start, end);
  return unbin(b.slice(start, end));
}

function trunc(c: number, s: string): string {
  const b = bin(s);
  if (c < 0 && b.length + c > 0) return unbin(b.slice(b.length + c));
  if (c >= 0 && b.length > c) return unbin(b.slice(0, c));
  return s;
}

function abbreviateFull(s: string, offsetIn: number, maxWidth: number): string {
  const str = bin(s);
  if (str === '') return '';
  if (maxWidth < 4) return '';
  if (str.length <= maxWidth) return s;
  let offset = offsetIn;
  if (offset > str.length) offset = str.length;
  if (str.length - offset < maxWidth - 3) offset = str.length - (maxWidth - 3);
  if (offset <= 4) return `${unbin(str.slice(0, maxWidth - 3))}...`;
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < str.length)
    return `...${abbreviateFull(unbin(str.slice(offset)), 0, maxWidth - 3)}`;
  return `...${unbin(str.slice(str.length - (maxWidth - 3)))}`;
}

function title(s: string): string {
  let prev = ' ';
  let out = '';
  const isSep = (ch: string): boolean => {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
    if (isLetter(ch) || isDigit(ch)) return false;
    return isSpace(cp);
  };
  for (const ch of s) {
    out += isSep(prev) ? toUpper(ch) : ch;
    prev = ch;
  }
  return out;
}

function untitle(s: string): string {
  let out = '';
  let next = true;
  for (const ch of s) {
    if (isSpace(ch.codePointAt(0) ?? 0)) {
      out += ch;
      next = true;
    } else if (next) {
      out += toLower(ch);
      next = false;
    } else out += ch;
  }
  return out;
}

function initials(s: string): string {
  let out = '';
  let gap = true;
  for (const ch of s) {
    if (isSpace(ch.codePointAt(0) ?? 0)) gap = true;
    else if (gap) {
      out += ch;
      gap = false;
    }
  }
  return out;
}

/**
 * goutils.DeleteWhiteSpace walks bytes, not runes: when any whitespace byte is present, every
 * remaining byte is re-encoded as the rune of the same value (so non-ASCII text is mangled, as upstream).
 */
function nospace(s: string): string {
  const b = bin(s);
  let out = '';
  let removed = false;
  for (const ch of b) {
    const cp = ch.charCodeAt(0);
    if (isSpace(cp)) removed = true;
    else out += ch;
  }
  return removed ? out : s;
}

function swapcase(s: string): string {
  let out = '';
  for (const ch of s) {
    if (isUpper(ch) || isTitle(ch)) out += toLower(ch);
    else if (isLower(ch)) out += toUpper(ch);
    else out += ch;
  }
  return out;
}

function wrapCustom(s: string, wrapLengthIn: number, newLineStrIn: string, wrapLongWords: boolean): string {
  if (s === '') return '';
  const str = bin(s);
  const newLineStr = newLineStrIn === '' ? '\n' : bin(newLineStrIn);
  const wrapLength = Math.max(wrapLengthIn, 1);
  const len = str.length;
  let offset = 0;
  let out = '';
  while (len - offset > wrapLength) {
    if (str[offset] === ' ') {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    const spaceToWrapAt = str.slice(offset, end).lastIndexOf(' ') + offset;
    if (spaceToWrapAt >= offset) {
      out += str.slice(offset, spaceToWrapAt) + newLineStr;
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out += str.slice(offset, wrapLength + offset) + newLineStr;
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const index = str.slice(e).indexOf(' ');
      if (index === -1) {
        out += str.slice(offset);
        offset = len;
      } else {
        const at = index + e;
        out += str.slice(offset, at) + newLineStr;
        offset = at + 1;
      }
    }
  }
  out += str.slice(offset);
  return unbin(out);
}

// --- huandu/xstrings v1.5 case conversions

function isConnector(ch: string): boolean {
  return ch === '-' || ch === '_' || isSpace(ch.codePointAt(0) ?? 0);
}

function toCamelCase(str: string): string {
  if (str === '') return '';
  const runes = Array.from(str);
  let out = '';
  let i = 0;
  let r0 = '';
  let firstUpper = false;
  while (i < runes.length) {
    r0 = runes[i++] ?? '';
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = toLower(r0);
      break;
    }
    out += r0;
  }
  if (i >= runes.length) {
    // a string of only connectors has already been written whole
    return isConnector(r0) ? out : out + r0;
  }
  while (i < runes.length) {
    const r1 = r0;
    r0 = runes[i++] ?? '';
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = toUpper(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = toLower(r0);
        else firstUpper = false;
      }
      out += r1;
    }
  }
  if (firstUpper) r0 = toLower(r0);
  return out + r0;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

function nextWord(runes: string[], start: number): [WordType, string, number] {
  if (start >= runes.length) return ['invalid', '', start];
  let i = start;
  const r = runes[i++] ?? '';
  let wt: WordType;
  if (isConnector(r)) {
    wt = 'connector';
    while (i < runes.length && isConnector(runes[i] ?? '')) i++;
  } else if (isPunct(r)) {
    wt = 'punct';
    while (i < runes.length && isPunct(runes[i] ?? '')) i++;
  } else if (isUpper(r)) {
    wt = 'upper';
    if (i < runes.length) {
      const n = runes[i] ?? '';
      if (isUpper(n)) {
        i++;
        while (i < runes.length && isUpper(runes[i] ?? '')) i++;
        if (i < runes.length && isLetter(runes[i] ?? '')) i--;
      } else if (isLetter(n)) {
        i++;
        while (i < runes.length && isLetter(runes[i] ?? '') && !isUpper(runes[i] ?? '')) i++;
      }
    }
  } else if (isLetter(r)) {
    wt = 'alphabet';
    while (i < runes.length && isLetter(runes[i] ?? '') && !isUpper(runes[i] ?? '')) i++;
  } else if (isNumber(r)) {
    wt = 'number';
    while (i < runes.length && isNumber(runes[i] ?? '')) i++;
  } else {
    wt = 'other';
    while (i < runes.length) {
      const n = runes[i] ?? '';
      if (isConnector(n) || isLetter(n) || isNumber(n) || isPunct(n)) break;
      i++;
    }
  }
  return [wt, runes.slice(start, i).join(''), i];
}

function camelCaseToLowerCase(str: string, connector: string): string {
  if (str === '') return '';
  const runes = Array.from(str);
  let out = '';
  const lower = (wt: WordType, word: string): void => {
    if (wt !== 'upper' && wt !== 'connector') {
      out += word;
      return;
    }
    for (const ch of word) out += isConnector(ch) ? connector : isUpper(ch) ? toLower(ch) : ch;
  };
  let [wt, word, pos] = nextWord(runes, 0);
  while (pos < runes.length) {
    if (wt !== 'connector') lower(wt, word);
    const prev = wt;
    const last = word;
    [wt, word, pos] = nextWord(runes, pos);
    if (prev === 'number') {
      while (wt === 'alphabet' || wt === 'number') {
        lower(wt, word);
        [wt, word, pos] = nextWord(runes, pos);
      }
      if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
    } else if (prev === 'connector') {
      lower(prev, last);
    } else if (prev === 'punct') {
      // nothing
    } else {
      if (wt !== 'number') {
        if (wt !== 'connector' && wt !== 'punct') out += connector;
        continue;
      }
      if (pos >= runes.length) continue;
      const lastNum = word;
      [wt, word, pos] = nextWord(runes, pos);
      if (wt !== 'alphabet') {
        lower('number', lastNum);
        if (wt !== 'connector' && wt !== 'punct') out += connector;
        continue;
      }
      out += connector;
      lower('number', lastNum);
      while (wt === 'alphabet' || wt === 'number') {
        lower(wt, word);
        [wt, word, pos] = nextWord(runes, pos);
      }
      if (wt !== 'invalid' && wt !== 'connector' && wt !== 'punct') out += connector;
    }
  }
  lower(wt, word);
  return out;
}

// --- strval / strslice

/** sprig's strval: strings unchanged, everything else with %v. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  return printV(v);
}

/** sprig's strslice: nil elements dropped. */
export function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return stringList(v.filter((e) => !isNil(e)).map(strval));
  if (isNil(v)) return stringList([]);
  return stringList([strval(v)]);
}

function splitGo(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = Array.from(s);
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function splitMap(parts: string[]): Record<string, string> {
  const res: Record<string, string> = {};
  parts.forEach((p, i) => {
    res[`_${i}`] = p;
  });
  return tagType(res, 'map[string]string');
}

// --- regex (Go regexp via re2js)

function regex(pattern: string): ReturnType<typeof compileRegex> {
  try {
    return compileRegex(pattern);
  } catch (e) {
    if (e instanceof RegexSyntaxError) throw new FuncError(`error parsing regexp: ${e.reason}`);
    throw e;
  }
}

interface Match {
  start: number;
  end: number;
  groups: (string | null)[];
}

function runeWidth(s: string, i: number): number {
  const cp = s.codePointAt(i);
  return cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
}

/** Go's allMatches: non-overlapping, and no empty match right after a previous match. */
function allMatches(pattern: string, s: string, n: number): Match[] {
  const m = regex(pattern).matcher(s);
  const out: Match[] = [];
  let pos = 0;
  let prevMatchEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    if (!m.find(pos)) break;
    const start = m.start();
    const end = m.end();
    let accept = true;
    if (end === pos) {
      if (start === prevMatchEnd) accept = false;
      const w = runeWidth(s, pos);
      pos += w === 0 ? 1 : w;
    } else pos = end;
    prevMatchEnd = end;
    if (accept) {
      const groups: (string | null)[] = [];
      for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
      out.push({ start, end, groups });
    }
  }
  return out;
}

/** Go's Regexp.Expand for ReplaceAllString templates ($1, ${1}, $name, $$). */
function expand(template: string, m: Match, names: Record<string, number>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d === -1) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const close = template.indexOf('}', i);
      const inner = close === -1 ? '' : template.slice(i + 1, close);
      if (close !== -1 && /^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (mm) {
        name = mm[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    let idx: number | undefined;
    if (/^[0-9]+$/.test(name)) idx = Number(name);
    else idx = names[name];
    if (idx !== undefined && idx < m.groups.length) out += m.groups[idx] ?? '';
  }
  return out;
}

/** Go's Regexp.replaceAll loop (ReplaceAllString / ReplaceAllLiteralString). */
function replaceAll(pattern: string, s: string, repl: string, literal: boolean): string {
  const re = regex(pattern);
  const names = re.namedGroups();
  const m = re.matcher(s);
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    if (!m.find(searchPos)) break;
    const start = m.start();
    const end = m.end();
    out += s.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) {
      if (literal) out += repl;
      else {
        const groups: (string | null)[] = [];
        for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
        out += expand(repl, { start, end, groups }, names);
      }
    }
    lastMatchEnd = end;
    const width = runeWidth(s, searchPos);
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + s.slice(lastMatchEnd);
}

function regexSplit(pattern: string, s: string, n: number): string[] {
  if (n === 0) return stringList([]);
  if (pattern.length > 0 && s.length === 0) return stringList(['']);
  const matches = allMatches(pattern, s, n);
  const strings: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && strings.length === n - 1) break;
    end = m.start;
    if (m.end === 0) continue;
    strings.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) strings.push(s.slice(beg));
  return stringList(strings);
}

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

// --- encodings

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Go's encoding/base64 StdEncoding.DecodeString, with Go's error positions. */
function decodeBase(
  src: string,
  alphabet: string,
  quantum: number,
  bits: number,
  name: string,
): Uint8Array | string {
  const bytes = Buffer.from(src, 'latin1');
  const out: number[] = [];
  let si = 0;
  const corrupt = (pos: number): string => `illegal ${name} data at input byte ${pos}`;
  for (;;) {
    const dbuf: number[] = [];
    let dlen = quantum;
    let done = false;
    let j = 0;
    while (j < quantum) {
      if (si === bytes.length) {
        if (j === 0) return new Uint8Array(out);
        return corrupt(si - j);
      }
      const c = bytes[si] ?? 0;
      si++;
      const ch = String.fromCharCode(c);
      const v = alphabet.indexOf(ch);
      if (v >= 0 && c < 128) {
        dbuf.push(v);
        j++;
        continue;
      }
      if (ch === '\n' || ch === '\r') continue;
      if (ch !== '=') return corrupt(si - 1);
      // padding
      if (quantum === 4) {
        if (j < 2) return corrupt(si - 1);
        if (j === 2) {
          while (si < bytes.length && (bytes[si] === 10 || bytes[si] === 13)) si++;
          if (si === bytes.length) return corrupt(bytes.length);
          if (bytes[si] !== 61) return corrupt(si - 1);
          si++;
        }
      } else {
        // base32: the padding run must complete the 8-byte quantum
        if (![2, 4, 5, 7].includes(j)) return corrupt(si - 1);
        for (let k = 0; k < quantum - 1 - j; k++) {
          while (si < bytes.length && (bytes[si] === 10 || bytes[si] === 13)) si++;
          if (si >= bytes.length) return corrupt(bytes.length);
          if (bytes[si] !== 61) return corrupt(si);
          si++;
        }
      }
      while (si < bytes.length && (bytes[si] === 10 || bytes[si] === 13)) si++;
      if (si < bytes.length) return corrupt(si);
      dlen = j;
      done = true;
      break;
    }
    let acc = 0n;
    for (let k = 0; k < quantum; k++) acc = (acc << BigInt(bits)) | BigInt(dbuf[k] ?? 0);
    const totalBytes = (quantum * bits) / 8;
    const nbytes = Math.floor((dlen * bits) / 8);
    for (let k = 0; k < nbytes; k++) out.push(Number((acc >> BigInt(8 * (totalBytes - 1 - k))) & 0xffn));
    if (done) return new Uint8Array(out);
  }
}

function b32enc(s: string): string {
  const bytes = toBytes(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.slice(i, i + 5);
    let acc = 0n;
    for (let k = 0; k < 5; k++) acc = (acc << 8n) | BigInt(chunk[k] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++)
      out += k < chars ? (B32[Number((acc >> BigInt(35 - 5 * k)) & 31n)] ?? '') : '=';
  }
  return out;
}

function fromBytesLossy(b: Uint8Array): string {
  return Buffer.from(b).toString('utf8');
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of toBytes(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// --- paths (Go's path package; filepath on Linux is the same)

export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

function basePath(p: string): string {
  if (p === '') return '.';
  const s = p.replace(/\/+$/, '');
  if (s === '') return '/';
  const i = s.lastIndexOf('/');
  return i >= 0 ? s.slice(i + 1) : s;
}

function dirPath(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

const str = 'string' as const;
const int = 'int' as const;
const any = 'any' as const;

export const sprigStringFuncs: FuncMap = {
  hello: fn([], () => 'Hello!'),
  abbrev: fn([int, str], ([w, s]) => ((w as number) < 4 ? s : abbreviateFull(s as string, 0, w as number))),
  abbrevboth: fn([int, int, str], ([l, r, s]) => {
    const left = l as number;
    const right = r as number;
    if (right < 4 || (left > 0 && right < 7)) return s;
    return abbreviateFull(s as string, left, right);
  }),
  trunc: fn([int, str], ([c, s]) => trunc(c as number, s as string)),
  trim: fn([str], ([s]) => trimSpace(s as string)),
  upper: fn([str], ([s]) => (s as string).toUpperCase()),
  lower: fn([str], ([s]) => (s as string).toLowerCase()),
  title: fn([str], ([s]) => title(s as string)),
  untitle: fn([str], ([s]) => untitle(s as string)),
  substr: fn([int, int, str], ([a, b, s]) => substring(a as number, b as number, s as string)),
  repeat: fn([int, str], ([c, s], ctx) => {
    const count = c as number;
    const text = s as string;
    if (count < 0) throw new FuncError('strings: negative Repeat count');
    if (count * Buffer.byteLength(text) > ctx.maxBytes)
      throw new FuncError(`result exceeds the limit of ${ctx.maxBytes} bytes`);
    return text.repeat(count);
  }),
  trimall: fn([str, str], ([a, b]) => trimCutset(b as string, a as string)),
  trimAll: fn([str, str], ([a, b]) => trimCutset(b as string, a as string)),
  trimSuffix: fn([str, str], ([a, b]) => {
    const s = b as string;
    const suf = a as string;
    return suf !== '' && s.endsWith(suf) ? s.slice(0, s.length - suf.length) : s;
  }),
  trimPrefix: fn([str, str], ([a, b]) => {
    const s = b as string;
    const pre = a as string;
    return s.startsWith(pre) ? s.slice(pre.length) : s;
  }),
  nospace: fn([str], ([s]) => nospace(s as string)),
  initials: fn([str], ([s]) => initials(s as string)),
  swapcase: fn([str], ([s]) => swapcase(s as string)),
  snakecase: fn([str], ([s]) => camelCaseToLowerCase(s as string, '_')),
  camelcase: fn([str], ([s]) => toCamelCase(s as string)),
  kebabcase: fn([str], ([s]) => camelCaseToLowerCase(s as string, '-')),
  wrap: fn([int, str], ([l, s]) => wrapCustom(s as string, l as number, '', false)),
  wrapWith: fn([int, str, str], ([l, sep, s]) => wrapCustom(s as string, l as number, sep as string, true)),
  contains: fn([str, str], ([sub, s]) => (s as string).includes(sub as string)),
  hasPrefix: fn([str, str], ([p, s]) => (s as string).startsWith(p as string)),
  hasSuffix: fn([str, str], ([p, s]) => (s as string).endsWith(p as string)),
  quote: fn(
    [],
    (args) =>
      args
        .filter((a) => !isNil(a))
        .map((a) => quoteGo(strval(a)))
        .join(' '),
    any,
  ),
  squote: fn(
    [],
    (args) =>
      args
        .filter((a) => !isNil(a))
        .map((a) => `'${printV(a)}'`)
        .join(' '),
    any,
  ),
  cat: fn(
    [],
    (args) => {
      const v = args.filter((a) => !isNil(a));
      return sprintf(trimSpace('%v '.repeat(v.length)), v);
    },
    any,
  ),
  indent: fn([int, str], ([n, s]) => {
    const pad = ' '.repeat(Math.max(n as number, 0));
    return pad + (s as string).split('\n').join(`\n${pad}`);
  }),
  nindent: fn([int, str], ([n, s]) => {
    const pad = ' '.repeat(Math.max(n as number, 0));
    return `\n${pad}${(s as string).split('\n').join(`\n${pad}`)}`;
  }),
  replace: fn([str, str, str], ([o, n, s]) => replaceGo(s as string, o as string, n as string)),
  plural: fn([str, str, int], ([one, many, c]) => (c === 1 ? one : many)),
  toString: fn([any], ([v]) => strval(v)),
  toStrings: fn([any], ([v]) => strslice(v)),
  split: fn([str, str], ([sep, s]) => splitMap(splitGo(s as string, sep as string))),
  splitList: fn([str, str], ([sep, s]) => stringList(splitGo(s as string, sep as string))),
  splitn: fn([str, int, str], ([sep, n, s]) => splitMap(splitGo(s as string, sep as string, n as number))),
  join: fn([str, any], ([sep, v]) => strslice(v).join(sep as string)),
  sortAlpha: fn([any], ([v]) => {
    if (Array.isArray(v)) return stringList([...strslice(v)].sort(compareStrings));
    return stringList([strval(v)]);
  }),

  // regex
  regexMatch: fn([str, str], ([re, s]) => {
    try {
      return regex(re as string)
        .matcher(s as string)
        .find();
    } catch {
      return false;
    }
  }),
  mustRegexMatch: fn([str, str], ([re, s]) =>
    regex(re as string)
      .matcher(s as string)
      .find(),
  ),
  regexFindAll: fn([str, str, int], ([re, s, n]) =>
    matchesOrNil(allMatches(re as string, s as string, n as number).map((m) => m.groups[0] ?? '')),
  ),
  mustRegexFindAll: fn([str, str, int], ([re, s, n]) =>
    matchesOrNil(allMatches(re as string, s as string, n as number).map((m) => m.groups[0] ?? '')),
  ),
  regexFind: fn([str, str], ([re, s]) => allMatches(re as string, s as string, 1)[0]?.groups[0] ?? ''),
  mustRegexFind: fn([str, str], ([re, s]) => allMatches(re as string, s as string, 1)[0]?.groups[0] ?? ''),
  regexReplaceAll: fn([str, str, str], ([re, s, r]) =>
    replaceAll(re as string, s as string, r as string, false),
  ),
  mustRegexReplaceAll: fn([str, str, str], ([re, s, r]) =>
    replaceAll(re as string, s as string, r as string, false),
  ),
  regexReplaceAllLiteral: fn([str, str, str], ([re, s, r]) =>
    replaceAll(re as string, s as string, r as string, true),
  ),
  mustRegexReplaceAllLiteral: fn([str, str, str], ([re, s, r]) =>
    replaceAll(re as string, s as string, r as string, true),
  ),
  regexSplit: fn([str, str, int], ([re, s, n]) => regexSplit(re as string, s as string, n as number)),
  mustRegexSplit: fn([str, str, int], ([re, s, n]) => regexSplit(re as string, s as string, n as number)),
  regexQuoteMeta: fn([str], ([s]) => quoteMeta(s as string)),

  // encoding
  b64enc: fn([str], ([s]) => Buffer.from(s as string, 'utf8').toString('base64')),
  b64dec: fn([str], ([s]) => {
    const r = decodeBase(s as string, B64, 4, 6, 'base64');
    return typeof r === 'string' ? r : fromBytesLossy(r);
  }),
  b32enc: fn([str], ([s]) => b32enc(s as string)),
  b32dec: fn([str], ([s]) => {
    const r = decodeBase(s as string, B32, 8, 5, 'base32');
    return typeof r === 'string' ? r : fromBytesLossy(r);
  }),

  // hashes
  sha1sum: fn([str], ([s]) =>
    createHash('sha1')
      .update(s as string, 'utf8')
      .digest('hex'),
  ),
  sha256sum: fn([str], ([s]) =>
    createHash('sha256')
      .update(s as string, 'utf8')
      .digest('hex'),
  ),
  sha512sum: fn([str], ([s]) =>
    createHash('sha512')
      .update(s as string, 'utf8')
      .digest('hex'),
  ),
  adler32sum: fn([str], ([s]) => String(adler32(s as string))),

  // paths
  base: fn([str], ([p]) => basePath(p as string)),
  dir: fn([str], ([p]) => dirPath(p as string)),
  clean: fn([str], ([p]) => cleanPath(p as string)),
  ext: fn([str], ([p]) => extPath(p as string)),
  isAbs: fn([str], ([p]) => (p as string).startsWith('/')),
  osBase: fn([str], ([p]) => basePath(p as string)),
  osDir: fn([str], ([p]) => dirPath(p as string)),
  osClean: fn([str], ([p]) => cleanPath(p as string)),
  osExt: fn([str], ([p]) => extPath(p as string)),
  osIsAbs: fn([str], ([p]) => (p as string).startsWith('/')),
};

/** FindAllString returns nil (prints `[]`) when nothing matches. */
function matchesOrNil(list: string[]): string[] {
  return stringList(list);
}

/** strings.Replace(s, old, new, -1), including Go's empty-old behaviour (insert between runes). */
function replaceGo(s: string, old: string, repl: string): string {
  if (old === '') {
    const chars = Array.from(s);
    return repl + chars.map((c) => c + repl).join('');
  }
  return s.split(old).join(repl);
}

export function isStringMap(v: unknown): boolean {
  return isMap(v);
}
