import { NfdError, type NfdErrorCode } from '@nfd/spec';

/** One entry of a registry's JSON error body `{"errors":[{code,message,detail}]}`. */
export interface RegistryErrorEntry {
  code: string;
  message: string;
  detail?: unknown;
}

/**
 * An unexpected HTTP status from a registry (or from storage it redirected to). Still an `NfdError`
 * (`OCI_NOT_FOUND` for 404, `OCI_UNAUTHORIZED` for 401/403, else `OCI_PROTOCOL`), with the raw facts
 * callers need to decide e.g. "referrers API unsupported" (plain 404) vs "repository unknown" (`NAME_UNKNOWN`).
 */
export class RegistryHttpError extends NfdError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** Parsed registry error entries; empty when the body was not the JSON error format. */
  readonly errors: readonly RegistryErrorEntry[];

  constructor(
    code: NfdErrorCode,
    message: string,
    details: { status: number; method: string; url: string; errors: readonly RegistryErrorEntry[] },
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(code, message, options);
    this.status = details.status;
    this.method = details.method;
    this.url = details.url;
    this.errors = details.errors;
  }

  /** True when any entry has this registry error code (e.g. `NAME_UNKNOWN`, `MANIFEST_UNKNOWN`). */
  hasCode(code: string): boolean {
    return this.errors.some((entry) => entry.code === code);
  }
}

/** Parses `{"errors":[…]}`; anything else (plain text, HTML, empty) yields `[]`. */
export function parseRegistryErrors(body: Uint8Array): RegistryErrorEntry[] {
  if (body.byteLength === 0) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const list: unknown = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(list)) return [];
  const entries: RegistryErrorEntry[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { code, message, detail } = item as { code?: unknown; message?: unknown; detail?: unknown };
    const entry: RegistryErrorEntry = {
      code: typeof code === 'string' ? code : 'UNKNOWN',
      message: typeof message === 'string' ? message : '',
    };
    if (detail !== undefined) entry.detail = detail;
    entries.push(entry);
  }
  return entries;
}

const MAX_SNIPPET = 300;

/** A short, printable summary of a response body for error messages (registry errors, else plain text). */
export function describeErrorBody(body: Uint8Array, contentType: string | undefined): string {
  const entries = parseRegistryErrors(body);
  if (entries.length > 0) {
    return entries
      .map((entry) => {
        let text = entry.message === '' ? entry.code : `${entry.code}: ${entry.message}`;
        if (entry.detail !== undefined && typeof entry.detail !== 'object')
          text += ` (${String(entry.detail)})`;
        return text;
      })
      .join('; ');
  }
  if (contentType !== undefined && !/^text\/plain\b/i.test(contentType)) return '';
  const text = new TextDecoder()
    .decode(body)
    .replace(/\p{Cc}+/gu, ' ')
    .trim();
  return text.length > MAX_SNIPPET ? `${text.slice(0, MAX_SNIPPET)}…` : text;
}
