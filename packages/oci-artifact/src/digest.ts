// Content digests (sha256/sha512), verification of fetched bytes against a descriptor, and the
// Go `encoding/json` byte form oras-go writes (oci.md §6, §7, §9).
import { createHash } from 'node:crypto';
import { goJsonEscape, NfdError } from '@nfd/spec';

export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha256: 64, sha512: 128 };
const DIGEST_RE = /^(sha256|sha512):([0-9a-f]+)$/;

/** `sha256:<hex>` (or `sha512:<hex>`) of exactly these bytes. */
export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Splits a digest into algorithm and hex, or returns undefined when it is not a sha256/sha512 digest. */
export function parseDigest(digest: string): { algorithm: DigestAlgorithm; hex: string } | undefined {
  const m = DIGEST_RE.exec(digest);
  if (!m) return undefined;
  const algorithm = m[1] as DigestAlgorithm;
  const hex = m[2] ?? '';
  if (hex.length !== HEX_LENGTH[algorithm]) return undefined;
  return { algorithm, hex };
}

export function isDigest(value: string): boolean {
  return parseDigest(value) !== undefined;
}

/** Throws USAGE unless `digest` is a sha256 or sha512 digest in canonical (lower-case) form. */
export function assertDigest(digest: string, what = 'digest'): { algorithm: DigestAlgorithm; hex: string } {
  const parsed = parseDigest(digest);
  if (!parsed) {
    throw new NfdError(
      'USAGE',
      `invalid ${what} ${JSON.stringify(digest)}: expected sha256:<64 hex> or sha512:<128 hex> (lower case)`,
    );
  }
  return parsed;
}

/**
 * Bytes that are not the content they were asked for (size or digest differ): a corrupted transfer
 * or a corrupted store. A registry read that meets one tries once more before giving up.
 */
export class ContentMismatchError extends NfdError {
  constructor(message: string) {
    super('OCI_PROTOCOL', message);
    this.name = 'ContentMismatchError';
  }
}

/** What a digest/size check needs of a descriptor. */
export interface DigestedContent {
  readonly digest: string;
  readonly size: number;
}

/**
 * Checks that `bytes` is exactly the content `descriptor` names (length, then hash).
 * `source` says where the bytes came from (a URL or a file) for the error message.
 */
export function verifyContent(descriptor: DigestedContent, bytes: Uint8Array, source: string): void {
  const parsed = parseDigest(descriptor.digest);
  if (!parsed) {
    throw new NfdError('OCI_PROTOCOL', `unsupported digest ${JSON.stringify(descriptor.digest)} (${source})`);
  }
  if (bytes.byteLength !== descriptor.size) {
    throw new ContentMismatchError(
      `size mismatch for ${descriptor.digest} from ${source}: expected ${descriptor.size} bytes, got ${bytes.byteLength}`,
    );
  }
  const actual = digestOf(bytes, parsed.algorithm);
  if (actual !== descriptor.digest) {
    throw new ContentMismatchError(
      `digest mismatch for ${descriptor.digest} from ${source}: the content hashes to ${actual}`,
    );
  }
}

/** Rejects a declared size that is not a non-negative safe integer or exceeds `cap`, before any request. */
export function checkDeclaredSize(descriptor: DigestedContent, cap: number, what: string): void {
  if (!Number.isSafeInteger(descriptor.size) || descriptor.size < 0) {
    throw new NfdError(
      'OCI_PROTOCOL',
      `${what} ${descriptor.digest} declares an invalid size ${descriptor.size}`,
    );
  }
  if (descriptor.size > cap) {
    throw new NfdError(
      'OCI_PROTOCOL',
      `${what} ${descriptor.digest} is ${descriptor.size} bytes, more than the limit of ${cap} bytes`,
    );
  }
}

/** A JSON string as Go writes it (the escaping is @nfd/spec's, shared with the NFD documents). */
function goString(s: string): string {
  return goJsonEscape(JSON.stringify(s));
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A JSON value for {@link goJson}: objects keep insertion order (Go struct order); a `Map` is a Go map (keys sorted). */
export type GoJsonValue =
  | string
  | number
  | boolean
  | null
  | readonly GoJsonValue[]
  | ReadonlyMap<string, GoJsonValue>
  | { readonly [key: string]: GoJsonValue | undefined };

/**
 * The bytes Go's `encoding/json` would write: compact, no trailing newline, `<`, `>`, `&`, U+2028 and
 * U+2029 escaped as `\u003c` …. Plain objects are structs (keys in insertion order, `undefined`
 * members omitted like `omitempty`); `Map`s are Go maps (keys sorted byte-wise on UTF-8).
 */
export function goJson(value: GoJsonValue): string {
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('goJson: non-finite number');
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${(value as readonly GoJsonValue[]).map(goJson).join(',')}]`;
  if (value instanceof Map) {
    const keys = [...value.keys()].sort(compareUtf8);
    return `{${keys.map((k) => `${goString(k)}:${goJson(value.get(k) as GoJsonValue)}`).join(',')}}`;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as { readonly [key: string]: GoJsonValue | undefined })) {
    if (v === undefined) continue;
    parts.push(`${goString(k)}:${goJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of {@link goJson}. */
export function goJsonBytes(value: GoJsonValue): Uint8Array {
  return encoder.encode(goJson(value));
}
