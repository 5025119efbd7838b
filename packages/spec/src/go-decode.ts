// Decoding a go-yaml tree (./go-yaml.ts) into a Go type the way sigs.k8s.io/yaml and encoding/json
// do it upstream, into plain JavaScript values:
// - a number or bool written where the Go field is a string becomes its text (sigs.k8s.io/yaml's
//   YAML-to-JSON step: ints in decimal, floats as strconv.FormatFloat(v, 'g', -1, 32), bools as
//   "true"/"false"); `y`, `on`, `yes` are bools, so they become "true";
// - struct fields match their JSON name exactly, else case-insensitively (encoding/json);
// - a field the type does not have is ignored, and reported to `onUnknown` (for a warning);
// - null leaves the zero value: "" for a string, absent (undefined) for a map, slice or pointer;
// - any other mismatch is encoding/json's UnmarshalTypeError, worded as Go words it:
//   `json: cannot unmarshal number into Go struct field MatchExpression.spec.rules.matchFeatures.matchExpressions.value of type v1alpha1.MatchValue`.

import { formatGoFloat32, type GoNode, scalarText } from './go-yaml.ts';
import type { SourceLocation } from './issue.ts';

/** A Go type, as far as decoding needs it; `name` is how Go prints it in errors. */
export type GoType =
  | { kind: 'string'; name: string }
  | { kind: 'int'; name: string }
  | { kind: 'bool'; name: string }
  /** []byte: a base64 string (encoding/json), decoded to its bytes. */
  | { kind: 'bytes'; name: string }
  | { kind: 'struct'; name: string; fields: Readonly<Record<string, GoField>> }
  | { kind: 'map'; name: string; elem: GoType }
  | { kind: 'slice'; name: string; elem: GoType }
  /** interface{} (or a type decoded by its own UnmarshalJSON that we keep raw): any JSON value. */
  | { kind: 'any'; name: string }
  /** Decoded separately by the caller: the go-yaml node itself, untouched (no walk, no warnings). */
  | { kind: 'node'; name: string };

export interface GoField {
  type: GoType;
  /** A pointer (or omitempty slice/map) field: null and absent stay undefined. Strings and ints get their zero value. */
  pointer?: boolean;
}

/** encoding/json's UnmarshalTypeError, with the location of the offending YAML node. */
export class GoDecodeError extends Error {
  readonly at: SourceLocation;
  constructor(message: string, at: SourceLocation) {
    super(message);
    this.name = 'GoDecodeError';
    this.at = at;
  }
}

export interface DecodeContext {
  /** Called for each field a struct does not have: the JSON path to it and where its key is written. */
  onUnknown?: (
    path: readonly (string | number)[],
    field: string,
    at: SourceLocation,
    known: readonly string[],
  ) => void;
}

/** A path built as a linked list (cheap to extend per node), turned into an array only when reported. */
interface PathLink<T> {
  readonly parent: PathLink<T> | undefined;
  readonly segment: T;
}

function extend<T>(parent: PathLink<T> | undefined, segment: T): PathLink<T> {
  return { parent, segment };
}

function toArray<T>(link: PathLink<T> | undefined, base: readonly T[]): T[] {
  const out: T[] = [];
  for (let at = link; at !== undefined; at = at.parent) out.push(at.segment);
  return [...base, ...out.reverse()];
}

interface Where {
  /** The innermost struct type and the field stack of JSON names (no indexes, no map keys), as Go reports them. */
  struct: string | undefined;
  fields: PathLink<string> | undefined;
  /** The full path with indexes and keys, for warnings. */
  path: PathLink<string | number> | undefined;
  /** The caller's prefixes of both. */
  baseFields: readonly string[];
  basePath: readonly (string | number)[];
}

/** The JSON type encoding/json names in an UnmarshalTypeError. */
export function jsonKind(node: GoNode): string {
  if (node.kind === 'map') return 'object';
  if (node.kind === 'seq') return 'array';
  switch (node.scalar.type) {
    case 'str':
      return 'string';
    case 'bool':
      return 'bool';
    case 'null':
      return 'null';
    default:
      return 'number';
  }
}

function typeError(node: GoNode, type: GoType, where: Where, literal?: string): GoDecodeError {
  const what = literal === undefined ? jsonKind(node) : `${jsonKind(node)} ${literal}`;
  const into =
    where.struct === undefined
      ? `Go value of type ${type.name}`
      : `Go struct field ${where.struct}.${toArray(where.fields, where.baseFields).join('.')} of type ${type.name}`;
  return new GoDecodeError(`json: cannot unmarshal ${what} into ${into}`, node.at);
}

/** The string a scalar becomes in a string field (sigs.k8s.io/yaml's coercion). */
function coercedString(node: GoNode): string | undefined {
  if (node.kind !== 'scalar') return undefined;
  // null leaves a Go string at its zero value.
  return scalarText(node.scalar) ?? '';
}

const INT_MIN = -(2n ** 63n);
const INT_MAX = 2n ** 63n - 1n;

function decodeInt(node: GoNode, type: GoType, where: Where): number {
  if (node.kind !== 'scalar') throw typeError(node, type, where);
  const { scalar } = node;
  if (scalar.type === 'null') return 0;
  if (scalar.type === 'int') {
    if (scalar.value < INT_MIN || scalar.value > INT_MAX)
      throw typeError(node, type, where, scalar.value.toString());
    return Number(scalar.value);
  }
  if (scalar.type === 'float') {
    if (!Number.isFinite(scalar.value))
      throw new GoDecodeError(`json: unsupported value: ${formatGoFloat32(scalar.value)}`, node.at);
    // json.Marshal writes the float64 in its shortest form; an integral value decodes into an int.
    if (Number.isInteger(scalar.value) && Math.abs(scalar.value) <= Number.MAX_SAFE_INTEGER)
      return scalar.value;
    throw typeError(node, type, where, String(scalar.value));
  }
  throw typeError(node, type, where);
}

const BASE64_DIGIT = /[A-Za-z0-9+/]/;

/**
 * Go's base64.StdEncoding.Decode, as encoding/json decodes a []byte: "\r" and "\n" are skipped,
 * anything else outside the standard alphabet, or padding that is missing or misplaced, is
 * `illegal base64 data at input byte N`.
 */
function decodeBase64(text: string, node: GoNode): Uint8Array {
  const clean = text.replace(/[\r\n]/g, '');
  let at = 0;
  while (at < clean.length && BASE64_DIGIT.test(clean.charAt(at))) at++;
  const digits = at;
  while (at < clean.length && clean.charAt(at) === '=') at++;
  const padding = at - digits;
  const valid =
    at === clean.length &&
    (padding === 0 ? digits % 4 === 0 : clean.length % 4 === 0 && padding <= 2 && digits % 4 === 4 - padding);
  if (!valid) {
    // The first byte that cannot be where it is (counted in the text as written).
    let offset = at < clean.length ? at : padding > 0 ? digits : clean.length - (clean.length % 4);
    for (let i = 0, kept = 0; i < text.length; i++) {
      if (text[i] === '\r' || text[i] === '\n') continue;
      if (kept === offset) {
        offset = i;
        break;
      }
      kept++;
    }
    throw new GoDecodeError(`illegal base64 data at input byte ${offset}`, node.at);
  }
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const structNames = new WeakMap<GoType, string>();

/** `v1alpha1.Rule` → `Rule`, as Go names the struct in "Go struct field Rule.…". */
function structName(type: GoType): string {
  let name = structNames.get(type);
  if (name === undefined) {
    name = type.name.replace(/^.*\./, '');
    structNames.set(type, name);
  }
  return name;
}

/** A struct field by JSON name: exact first, then ASCII case-insensitive, as encoding/json. */
function fieldOf(fields: Readonly<Record<string, GoField>>, key: string): [string, GoField] | undefined {
  const exact = fields[key];
  if (exact !== undefined && Object.hasOwn(fields, key)) return [key, exact];
  const lower = key.toLowerCase();
  for (const [name, field] of Object.entries(fields)) if (name.toLowerCase() === lower) return [name, field];
  return undefined;
}

function decodeNode(node: GoNode, type: GoType, where: Where, ctx: DecodeContext): unknown {
  const isNull = node.kind === 'scalar' && node.scalar.type === 'null';
  switch (type.kind) {
    case 'any':
      return toPlain(node);
    case 'node':
      return node;
    case 'string': {
      const text = coercedString(node);
      if (text === undefined) throw typeError(node, type, where);
      return text;
    }
    case 'int':
      return decodeInt(node, type, where);
    case 'bool':
      if (node.kind === 'scalar' && node.scalar.type === 'bool') return node.scalar.value;
      if (isNull) return false;
      throw typeError(node, type, where);
    case 'bytes': {
      if (isNull) return undefined;
      if (node.kind !== 'scalar' || node.scalar.type !== 'str') throw typeError(node, type, where);
      return decodeBase64(node.scalar.value, node);
    }
    case 'struct': {
      if (isNull) return undefined;
      if (node.kind !== 'map') throw typeError(node, type, where);
      const out: Record<string, unknown> = {};
      for (const [key, entry] of node.entries) {
        const found = fieldOf(type.fields, key);
        if (found === undefined) {
          ctx.onUnknown?.(toArray(where.path, where.basePath), key, entry.keyAt, Object.keys(type.fields));
          continue;
        }
        const [name, field] = found;
        const inner: Where = {
          struct: structName(type),
          fields: extend(where.fields, name),
          path: extend<string | number>(where.path, name),
          baseFields: where.baseFields,
          basePath: where.basePath,
        };
        const valueIsNull = entry.value.kind === 'scalar' && entry.value.scalar.type === 'null';
        if (
          valueIsNull &&
          (field.pointer === true || field.type.kind === 'map' || field.type.kind === 'slice')
        ) {
          delete out[name];
          continue;
        }
        out[name] = decodeNode(entry.value, field.type, inner, ctx);
      }
      return out;
    }
    case 'map': {
      if (isNull) return undefined;
      if (node.kind !== 'map') throw typeError(node, type, where);
      const out: Record<string, unknown> = {};
      for (const [key, entry] of node.entries) {
        const value = decodeNode(
          entry.value,
          type.elem,
          { ...where, path: extend<string | number>(where.path, key) },
          ctx,
        );
        // Go stores a nil pointer, which upstream dereferences later (a crash); we say so instead.
        if (value === undefined && type.elem.kind === 'struct')
          throw new GoDecodeError(
            `${/^[\x21-\x7e]+$/.test(key) ? key : JSON.stringify(key)}: null where a ${type.elem.name} is expected`,
            entry.value.at,
          );
        Object.defineProperty(out, key, {
          value: value === undefined ? null : value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'slice': {
      if (isNull) return undefined;
      if (node.kind !== 'seq') throw typeError(node, type, where);
      return node.items.map((item, i) => {
        const value = decodeNode(
          item,
          type.elem,
          { ...where, path: extend<string | number>(where.path, i) },
          ctx,
        );
        return value === undefined ? zeroOf(type.elem) : value;
      });
    }
  }
}

function zeroOf(type: GoType): unknown {
  switch (type.kind) {
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'bool':
      return false;
    case 'struct':
      return {};
    default:
      return null;
  }
}

/** The JSON value sigs.k8s.io/yaml would produce for an untyped (interface{}) target. */
export function toPlain(node: GoNode): unknown {
  if (node.kind === 'seq') return node.items.map(toPlain);
  if (node.kind === 'map') {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of node.entries)
      Object.defineProperty(out, key, {
        value: toPlain(entry.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  const { scalar } = node;
  switch (scalar.type) {
    case 'str':
    case 'bool':
      return scalar.value;
    case 'null':
      return null;
    case 'int':
      return Number(scalar.value);
    case 'float':
      return scalar.value;
  }
}

/**
 * Decodes `node` into `type`; throws GoDecodeError on a type mismatch (the first one, as Go
 * reports it). `fields`/`path` say where `node` sits, when it is part of a larger document.
 */
export function decodeGo(
  node: GoNode,
  type: GoType,
  ctx: DecodeContext = {},
  where: { struct?: string; fields?: readonly string[]; path?: readonly (string | number)[] } = {},
): unknown {
  return decodeNode(
    node,
    type,
    {
      struct: where.struct,
      fields: undefined,
      path: undefined,
      baseFields: where.fields ?? [],
      basePath: where.path ?? [],
    },
    ctx,
  );
}
