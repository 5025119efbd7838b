/** Masterminds/semver v3: NewVersion (coercing), Compare, NewConstraint and Check, as sprig uses them. */
import { compileRegex } from '../regex.ts';
import { SemverVersion } from './values.ts';

const UINT64_MAX = (1n << 64n) - 1n;
const VERSION_RE =
  /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export class SemverError extends Error {}

/** semver.NewVersion (matching.md §2.2). */
export function parseVersion(s: string): SemverVersion {
  const m = VERSION_RE.exec(s);
  if (!m) throw new SemverError('Invalid Semantic Version');
  const seg = (x: string | undefined): bigint => {
    const v = BigInt(x ?? '0');
    if (v > UINT64_MAX) throw new SemverError('Invalid Semantic Version');
    return v;
  };
  const pre = m[4] ?? '';
  if (pre !== '') {
    for (const id of pre.split('.')) {
      if (/^[0-9]+$/.test(id) && id.length > 1 && id.startsWith('0'))
        throw new SemverError('Version segment starts with 0');
    }
  }
  return new SemverVersion(seg(m[1]), seg(m[2]), seg(m[3]), pre, m[5] ?? '', s);
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return s !== '' ? 1 : -1;
  const sNum = /^[0-9]+$/.test(s) && BigInt(s) <= UINT64_MAX;
  const oNum = /^[0-9]+$/.test(o) && BigInt(o) <= UINT64_MAX;
  if (!sNum && !oNum) return Buffer.compare(Buffer.from(s), Buffer.from(o)) > 0 ? 1 : -1;
  if (!oNum) return -1;
  if (!sNum) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split('.');
  const op = o.split('.');
  const l = Math.max(sp.length, op.length);
  for (let i = 0; i < l; i++) {
    const d = comparePrePart(sp[i] ?? '', op[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

export function compareVersions(v: SemverVersion, o: SemverVersion): number {
  const d = cmp(v.major, o.major) || cmp(v.minor, o.minor) || cmp(v.patch, o.patch);
  if (d !== 0) return d;
  if (v.pre === '' && o.pre === '') return 0;
  if (v.pre === '') return 1;
  if (o.pre === '') return -1;
  return comparePrerelease(v.pre, o.pre);
}

interface Constraint {
  op: string;
  con: SemverVersion;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const OPS = ['>=', '=>', '<=', '=<', '!=', '~>', '>', '<', '=', '~', '^', ''];
const OPS_RE = OPS.map((o) => o.replace(/[\^]/g, '\\^')).join('|');
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const constraintRe = (): ReturnType<typeof compileRegex> =>
  compileRegex(String.raw`^\s*(${OPS_RE})\s*(${CV})\s*$`);
const rangeRe = (): ReturnType<typeof compileRegex> => compileRegex(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`);
const findRe = (): ReturnType<typeof compileRegex> => compileRegex(String.raw`(${OPS_RE})\s*(${CV})`);
const validRe = (): ReturnType<typeof compileRegex> =>
  compileRegex(String.raw`^(\s*(${OPS_RE})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS_RE})\s*(${CV})\s*)*$`);

function isX(s: string): boolean {
  return s === 'x' || s === 'X' || s === '*';
}

function findAll(
  re: ReturnType<typeof compileRegex>,
  s: string,
): { text: string; groups: (string | null)[] }[] {
  const out: { text: string; groups: (string | null)[] }[] = [];
  const m = re.matcher(s);
  let from = 0;
  while (from <= s.length && m.find(from)) {
    const groups: (string | null)[] = [];
    for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
    const text = groups[0] ?? '';
    out.push({ text, groups });
    const end = m.end();
    from = end === m.start() ? end + 1 : end;
  }
  return out;
}

function rewriteRange(s: string): string {
  let o = s;
  for (const { text, groups } of findAll(rangeRe(), s)) {
    o = o.replace(text, `>= ${groups[1] ?? ''}, <= ${groups[11] ?? ''} `);
  }
  return o;
}

function parseConstraint(c: string): Constraint {
  const m = constraintRe().matcher(c);
  if (!m.find()) throw new SemverError(`improper constraint: ${c}`);
  const g = (i: number): string => m.group(i) ?? '';
  let ver = g(2);
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(g(3)) || g(3) === '') {
    ver = `0.0.0${g(6)}`;
    dirty = true;
  } else if (isX(g(4).replace(/^\./, '')) || g(4) === '') {
    minorDirty = true;
    dirty = true;
    ver = `${g(3)}.0.0${g(6)}`;
  } else if (isX(g(5).replace(/^\./, '')) || g(5) === '') {
    dirty = true;
    patchDirty = true;
    ver = `${g(3)}${g(4)}.0${g(6)}`;
  }
  let con: SemverVersion;
  try {
    con = parseVersion(ver);
  } catch {
    throw new SemverError('constraint Parser Error');
  }
  return { op: g(1), con, minorDirty, patchDirty, dirty };
}

/** semver.NewConstraint: OR groups of AND constraints. */
export function parseConstraints(input: string): Constraint[][] {
  const c = rewriteRange(input);
  return c.split('||').map((part) => {
    if (!validRe().matcher(part).find()) throw new SemverError(`improper constraint: ${part}`);
    const found = findAll(findRe(), part).map((f) => f.text);
    const cs = found.length === 0 ? [part] : found;
    return cs.map(parseConstraint);
  });
}

function check(v: SemverVersion, c: Constraint): boolean {
  const preBlocked = v.pre !== '' && c.con.pre === '';
  const lt = (a: SemverVersion, b: SemverVersion): boolean => compareVersions(a, b) < 0;
  switch (c.op) {
    case '':
    case '=':
      if (preBlocked) return false;
      if (c.dirty) return tilde(v, c);
      return compareVersions(v, c.con) === 0;
    case '!=':
      if (c.dirty) {
        if (preBlocked) return false;
        if (c.con.major !== v.major) return true;
        if (c.con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (c.con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) {
          if (v.pre !== '' || c.con.pre !== '') return comparePrerelease(v.pre, c.con.pre) !== 0;
          return false;
        }
      }
      return compareVersions(v, c.con) !== 0;
    case '>':
      if (preBlocked) return false;
      if (!c.dirty) return compareVersions(v, c.con) === 1;
      if (v.major > c.con.major) return true;
      if (v.major < c.con.major) return false;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.con.minor;
      return compareVersions(v, c.con) === 1;
    case '<':
      if (preBlocked) return false;
      return compareVersions(v, c.con) < 0;
    case '>=':
    case '=>':
      if (preBlocked) return false;
      return compareVersions(v, c.con) >= 0;
    case '<=':
    case '=<':
      if (preBlocked) return false;
      if (!c.dirty) return compareVersions(v, c.con) <= 0;
      if (v.major > c.con.major) return false;
      if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
      return true;
    case '~':
    case '~>':
      return tilde(v, c);
    case '^': {
      if (preBlocked) return false;
      if (lt(v, c.con)) return false;
      if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
      if (c.con.major === 0n && v.major > 0n) return false;
      if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
      if (c.con.minor === 0n && v.minor > 0n) return false;
      return c.con.patch === v.patch;
    }
  }
  return false;

  function tilde(ver: SemverVersion, con: Constraint): boolean {
    if (ver.pre !== '' && con.con.pre === '') return false;
    if (compareVersions(ver, con.con) < 0) return false;
    if (
      con.con.major === 0n &&
      con.con.minor === 0n &&
      con.con.patch === 0n &&
      !con.minorDirty &&
      !con.patchDirty
    )
      return true;
    if (ver.major !== con.con.major) return false;
    if (ver.minor !== con.con.minor && !con.minorDirty) return false;
    return true;
  }
}

/** sprig semverCompare: constraint errors and version errors are function errors. */
export function semverCompare(constraint: string, version: string): boolean {
  const cs = parseConstraints(constraint);
  const v = parseVersion(version);
  return cs.some((and) => and.every((c) => check(v, c)));
}
