import { NfdError } from '@nfd/spec';
import type { Dispatcher } from 'undici';

/** One HTTP exchange below the auth layer. */
export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Sent only while the URL's origin equals `authOrigin` (dropped on redirects elsewhere). */
  authorization?: string;
  authOrigin?: string;
  body?: Uint8Array;
  /** Cap for bodies of expected responses (exceeding it is an error). */
  maxBytes: number;
  /** GET/HEAD/PUT/DELETE and token requests: may be retried. */
  idempotent: boolean;
  /** Statuses whose body is read in full (up to `maxBytes`); other bodies are truncated to 8 KiB. */
  isExpected(status: number): boolean;
  /** Return 3xx responses instead of following them. */
  noRedirect?: (status: number) => boolean;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[]>;
  body: Uint8Array;
  url: string;
  /** The Authorization header was sent on the final hop. */
  authorized: boolean;
}

/** Error bodies are read up to this many bytes and the rest discarded. */
export const ERROR_BODY_CAP: number = 8 * 1024;

type BodyStream = AsyncIterable<Uint8Array> & {
  destroy(error?: Error): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
};

/** Drops the rest of a body; the abort error undici emits on destroy is expected and ignored. */
function discard(body: BodyStream): void {
  body.on('error', () => {});
  body.destroy();
}

/** Reads a body up to `cap` bytes; `exceeded` says whether more was available (the stream is then destroyed). */
export async function readCapped(
  body: BodyStream,
  cap: number,
): Promise<{ data: Uint8Array; exceeded: boolean }> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    if (total + chunk.byteLength > cap) {
      chunks.push(chunk.subarray(0, cap - total));
      total = cap;
      discard(body);
      return { data: concat(chunks, total), exceeded: true };
    }
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  return { data: concat(chunks, total), exceeded: false };
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function normalizeHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

export function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function headerValues(headers: Record<string, string | string[]>, name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** One request on the dispatcher, body read with the caps; network errors are thrown as they are. */
export async function sendOnce(
  dispatcher: Dispatcher,
  request: {
    method: string;
    url: URL;
    headers: Record<string, string>;
    body: Uint8Array | undefined;
    maxBytes: number;
    isExpected(status: number): boolean;
    signal: AbortSignal | undefined;
  },
): Promise<Omit<RawResponse, 'authorized'>> {
  const response = await dispatcher.request({
    origin: request.url.origin,
    path: `${request.url.pathname}${request.url.search}`,
    method: request.method as Dispatcher.HttpMethod,
    headers: request.headers,
    body: request.body ?? null,
    signal: request.signal ?? null,
  });
  const headers = normalizeHeaders(response.headers);
  const status = response.statusCode;
  let body: Uint8Array;
  if (request.method === 'HEAD') {
    await response.body.dump();
    body = new Uint8Array(0);
  } else if (request.isExpected(status)) {
    const length = headerValue(headers, 'content-length');
    if (length !== undefined && /^\d+$/.test(length) && Number(length) > request.maxBytes) {
      discard(response.body);
      throw tooLarge(request.method, request.url, request.maxBytes, `Content-Length ${length}`);
    }
    const read = await readCapped(response.body, request.maxBytes);
    if (read.exceeded) throw tooLarge(request.method, request.url, request.maxBytes, 'more data');
    body = read.data;
  } else {
    body = (await readCapped(response.body, ERROR_BODY_CAP)).data;
  }
  return { status, statusText: response.statusText, headers, body, url: request.url.href };
}

function tooLarge(method: string, url: URL, cap: number, what: string): NfdError {
  return new NfdError(
    'OCI_PROTOCOL',
    `response to ${method} ${redactUrl(url)} is larger than the ${cap}-byte limit (${what})`,
    {
      hint: 'the registry sent more data than expected for this object; check the reference points at the right content',
    },
  );
}

/** URL for messages: the query (which may carry signed-URL secrets) is replaced with "?…". */
export function redactUrl(url: URL | string): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return parsed.search === '' ? parsed.href : `${parsed.origin}${parsed.pathname}?…`;
}
