import { formatDuration, NfdError, type NfdErrorCode } from '@nfd/spec';
import type { Dispatcher } from 'undici';
import { Authorizer, type ChallengeRound, type SentAuth } from '../auth/authorizer.ts';
import type { Credential } from '../auth/credentials.ts';
import { describeErrorBody, parseRegistryErrors, RegistryHttpError } from '../errors.ts';
import { DOCKER_HUB_ENDPOINT, normalizeRegistry } from '../reference.ts';
import { createDispatcher } from './agent.ts';
import { headerValue, headerValues, type RawRequest, type RawResponse, redactUrl, sendOnce } from './http.ts';
import {
  backoffDelay,
  errorCodes,
  isConnectionReset,
  isRetryableStatus,
  isTimeoutError,
  parseRetryAfter,
  systemClock,
} from './retry.ts';
import type {
  Clock,
  RegistryRequest,
  RegistryResponse,
  RegistryTransport,
  TransportOptions,
} from './types.ts';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 5;
/** Default cap on response bodies. */
export const DEFAULT_MAX_BYTES: number = 4 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const MAX_AUTH_ROUNDS = 4;
const MAX_WARNING_HEADER = 4096;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const DEFAULT_USER_AGENT = 'nfd-ts (@nfd/oci-artifact)';

const TLS_PLAIN_HTTP_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'EPROTO',
]);
const TLS_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
]);

/** The registry name used in messages and for credential lookup: the origin's host, Hub aliases → `docker.io`. */
export function registryNameFromOrigin(origin: string): string {
  const host = new URL(origin).host;
  return normalizeRegistry(host);
}

function parseOrigin(registry: string): URL {
  let url: URL;
  try {
    url = new URL(registry);
  } catch {
    throw new NfdError(
      'USAGE',
      `invalid registry endpoint "${registry}" (expected e.g. https://registry.example.com)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new NfdError('USAGE', `invalid registry endpoint "${registry}": only http and https are supported`);
  }
  return url;
}

/** Parses `Warning: 299 - "text"` values; returns the texts of 299 warnings. */
export function parseWarnings(values: readonly string[]): string[] {
  const joined = values.join(', ').slice(0, MAX_WARNING_HEADER);
  const texts: string[] = [];
  const pattern = /(\d{3})\s+\S+\s+"((?:[^"\\]|\\.)*)"/g;
  for (let match = pattern.exec(joined); match !== null; match = pattern.exec(joined)) {
    if (match[1] === '299' && match[2] !== undefined) texts.push(match[2].replace(/\\(.)/g, '$1'));
  }
  return texts;
}

function joinHeaders(headers: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * Creates the HTTP client for one registry origin: auth challenges and token cache, manual redirects
 * (Authorization only to the registry origin), retries for idempotent requests, TLS and proxy options,
 * size caps, and `NfdError`s for unexpected statuses.
 */
export function createRegistryTransport(registry: string, options: TransportOptions): RegistryTransport {
  return new Transport(registry, options);
}

class Transport implements RegistryTransport {
  readonly #origin: URL;
  readonly #name: string;
  readonly #options: TransportOptions;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #clock: Clock;
  readonly #authorizer: Authorizer;
  readonly #warned = new Set<string>();
  #dispatcher: Promise<Dispatcher> | undefined;
  #closed = false;

  constructor(registry: string, options: TransportOptions) {
    this.#origin = parseOrigin(registry);
    this.#name = registryNameFromOrigin(this.#origin.origin);
    if (this.#origin.host === DOCKER_HUB_ENDPOINT) this.#name = 'docker.io';
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retries = options.retries ?? DEFAULT_RETRIES;
    this.#clock = options.clock ?? systemClock;
    this.#authorizer = new Authorizer({
      registryName: this.#name,
      registryOrigin: this.#origin.origin,
      plainHttp: options.plainHttp === true || this.#origin.protocol === 'http:',
      credentials: options.credentials,
      send: (request) => this.#sendFollowingRedirects(request),
      now: () => this.#clock.now(),
      onWarning: options.onWarning,
      onDebug: options.onDebug,
    });
  }

  #dispatcherPromise(): Promise<Dispatcher> {
    if (this.#dispatcher === undefined) {
      if (this.#options.insecure === true && this.#origin.protocol === 'https:') {
        this.#warnOnce(`--insecure: TLS certificates of ${this.#name} are not verified`);
      }
      this.#dispatcher = createDispatcher({
        insecure: this.#options.insecure === true,
        caFiles: this.#options.caFiles ?? [],
        ...(this.#options.certFile === undefined ? {} : { certFile: this.#options.certFile }),
        ...(this.#options.keyFile === undefined ? {} : { keyFile: this.#options.keyFile }),
        timeoutMs: this.#timeoutMs,
        env: this.#options.env ?? this.#options.credentials?.env ?? {},
      });
      // A failed creation (unreadable CA file) is reported to every caller, then retried next time.
      this.#dispatcher.catch(() => {
        this.#dispatcher = undefined;
      });
    }
    return this.#dispatcher;
  }

  #warnOnce(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#options.onWarning?.(message);
  }

  /** URL for messages: full on the registry origin; query hidden elsewhere (signed storage URLs). */
  #describe(url: string): string {
    const parsed = new URL(url);
    return parsed.origin === this.#origin.origin ? `${parsed.pathname}${parsed.search}` : redactUrl(parsed);
  }

  async request(req: RegistryRequest): Promise<RegistryResponse> {
    if (this.#closed) throw new NfdError('OCI_PROTOCOL', `the transport for ${this.#name} is closed`);
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new NfdError('OCI_PROTOCOL', `invalid request URL "${req.url}"`);
    }
    this.#authorizer.noteActions(req.repository, req.actions);
    const expected = req.expectedStatus;
    const isExpected = (status: number): boolean =>
      expected === undefined ? status >= 200 && status < 300 : expected.includes(status);
    const round: ChallengeRound = { extraScopes: [], invalidatedToken: false, widenedScope: false };
    const headers: Record<string, string> = { 'user-agent': this.#options.userAgent ?? DEFAULT_USER_AGENT };
    for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;

    let sent: SentAuth | undefined;
    let response: RawResponse | undefined;
    for (let attempt = 0; attempt < MAX_AUTH_ROUNDS; attempt++) {
      sent =
        url.origin === this.#origin.origin
          ? await this.#authorizer.authorization(req.repository, round)
          : undefined;
      const raw: RawRequest = {
        method: req.method,
        url: url.href,
        headers,
        authOrigin: this.#origin.origin,
        maxBytes: req.maxBytes ?? DEFAULT_MAX_BYTES,
        idempotent: IDEMPOTENT_METHODS.has(req.method),
        isExpected,
        noRedirect: isExpected,
      };
      if (sent !== undefined) raw.authorization = sent.header;
      if (req.body !== undefined) raw.body = req.body;
      response = await this.#sendFollowingRedirects(raw);
      if (response.status !== 401 || isExpected(401) || new URL(response.url).origin !== this.#origin.origin)
        break;
      await this.#authorizer.challenge(
        req.repository,
        response,
        response.authorized ? sent : undefined,
        round,
      );
    }
    if (response === undefined) throw new Error('unreachable: no response');

    for (const text of parseWarnings(headerValues(response.headers, 'warning'))) {
      this.#warnOnce(`${this.#name}: ${text}`);
    }
    if (!isExpected(response.status)) {
      const credential = response.authorized ? sent?.credential : undefined;
      throw this.#statusError(req.method, response, credential);
    }
    return {
      status: response.status,
      headers: joinHeaders(response.headers),
      body: response.body,
      url: response.url,
    };
  }

  #statusError(method: string, response: RawResponse, credential: Credential | undefined): RegistryHttpError {
    const errors = parseRegistryErrors(response.body);
    const detail = describeErrorBody(response.body, headerValue(response.headers, 'content-type'));
    const where = `${method} ${this.#describe(response.url)}`;
    const status = `${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`;
    const details = { status: response.status, method, url: response.url, errors };
    const suffix = detail === '' ? '' : `: ${detail}`;
    let code: NfdErrorCode = 'OCI_PROTOCOL';
    let message = `${this.#name} answered ${status} to ${where}${suffix}`;
    let hint = "the registry refused the request; check the reference and the registry's documentation";
    if (response.status === 404) {
      code = 'OCI_NOT_FOUND';
      message = `not found on ${this.#name}: ${where}${suffix}`;
      hint = 'check the repository, tag or digest';
    } else if (response.status === 401) {
      code = 'OCI_UNAUTHORIZED';
      message =
        credential === undefined
          ? `authentication required for ${this.#name} (${where})${suffix}`
          : `credentials from ${credential.source} were rejected by ${this.#name} (${where})${suffix}`;
      hint = `log in with "docker login ${this.#name}", or pass --registry-username with --registry-password-stdin`;
    } else if (response.status === 403) {
      code = 'OCI_UNAUTHORIZED';
      message = `access denied by ${this.#name} to ${where}${credential === undefined ? ' (anonymous)' : ` with credentials from ${credential.source}`}${suffix}`;
      hint =
        credential === undefined
          ? `log in with "docker login ${this.#name}", or pass --registry-username with --registry-password-stdin`
          : 'use credentials that have permission for this repository and action';
    } else if (response.status === 400 && /HTTP request to an HTTPS server/i.test(detail)) {
      message = `${this.#name} speaks HTTPS but the request was plain HTTP (${where})`;
      hint = 'drop --plain-http';
    } else if (response.status === 429) {
      hint = 'the registry is rate-limiting requests; wait and try again, or log in for a higher limit';
    } else if (response.status >= 500) {
      hint = 'the registry had an internal error; try again later';
    }
    return new RegistryHttpError(code, message, details, { hint });
  }

  /** Sends with redirects handled manually; Authorization only while on `authOrigin`. */
  async #sendFollowingRedirects(request: RawRequest): Promise<RawResponse> {
    let url = new URL(request.url);
    let method = request.method;
    let body = request.body;
    for (let hop = 0; ; hop++) {
      const authorized = request.authorization !== undefined && url.origin === request.authOrigin;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        // A 303 (or a POST's 301/302) turns the request into a GET without body.
        if (
          body === undefined &&
          request.body !== undefined &&
          (name === 'content-type' || name === 'content-length')
        )
          continue;
        headers[name] = value;
      }
      if (authorized && request.authorization !== undefined) headers.authorization = request.authorization;
      const response = await this.#sendWithRetries(
        { ...request, method, url: url.href, body },
        headers,
        method === request.method ? request.idempotent : true,
      );
      const location = headerValue(response.headers, 'location');
      if (
        !REDIRECT_STATUSES.has(response.status) ||
        location === undefined ||
        request.noRedirect?.(response.status) === true
      ) {
        return { ...response, authorized };
      }
      if (hop >= MAX_REDIRECTS) {
        throw new NfdError(
          'OCI_PROTOCOL',
          `too many redirects (more than ${MAX_REDIRECTS}) for ${request.method} ${this.#describe(request.url)}`,
          { hint: 'the registry or its storage is redirecting in a loop; report it to its operator' },
        );
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new NfdError('OCI_PROTOCOL', `${this.#name} redirected to an invalid URL "${location}"`);
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new NfdError(
          'OCI_PROTOCOL',
          `${this.#name} redirected to an unsupported URL scheme ${next.protocol}`,
        );
      }
      if (url.protocol === 'https:' && next.protocol === 'http:') {
        throw new NfdError(
          'OCI_PROTOCOL',
          `refusing a redirect from HTTPS to plain HTTP (${this.#describe(url.href)} → ${redactUrl(next)})`,
          { hint: 'the registry or its storage is misconfigured; report it to its operator' },
        );
      }
      this.#options.onDebug?.(`redirect ${response.status} → ${this.#describe(next.href)}`);
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  async #sendWithRetries(
    request: RawRequest,
    headers: Record<string, string>,
    idempotent: boolean,
  ): Promise<Omit<RawResponse, 'authorized'>> {
    const signal = this.#options.signal;
    const url = new URL(request.url);
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw signal.reason;
      const dispatcher = await this.#dispatcherPromise();
      const started = this.#clock.now();
      let response: Omit<RawResponse, 'authorized'>;
      try {
        response = await sendOnce(dispatcher, {
          method: request.method,
          url,
          headers,
          body: request.body,
          maxBytes: request.maxBytes,
          isExpected: request.isExpected,
          signal,
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof NfdError) throw error;
        const timeout = isTimeoutError(error);
        const retryable =
          idempotent &&
          attempt < this.#retries &&
          // A timeout is final: the user's deadline (--request-timeout) is the longest wait.
          !timeout &&
          isConnectionReset(error);
        this.#debugLine(
          request.method,
          url,
          headers,
          `failed: ${errorCodes(error).join('/') || (error as Error).message}`,
          started,
        );
        if (!retryable) throw this.#networkError(request.method, url, error);
        await this.#clock.sleep(backoffDelay(attempt), signal);
        continue;
      }
      this.#debugLine(request.method, url, headers, String(response.status), started);
      if (
        idempotent &&
        attempt < this.#retries &&
        isRetryableStatus(response.status) &&
        !request.isExpected(response.status)
      ) {
        const retryAfter =
          response.status === 429 || response.status === 503
            ? parseRetryAfter(headerValue(response.headers, 'retry-after'), this.#clock.now())
            : undefined;
        const delay = retryAfter ?? backoffDelay(attempt);
        this.#options.onDebug?.(
          `retrying ${request.method} ${this.#describe(url.href)} in ${delay} ms after ${response.status}`,
        );
        await this.#clock.sleep(delay, signal);
        continue;
      }
      return response;
    }
  }

  #debugLine(
    method: string,
    url: URL,
    headers: Record<string, string>,
    outcome: string,
    started: number,
  ): void {
    const debug = this.#options.onDebug;
    if (debug === undefined) return;
    const auth = headers.authorization;
    const authNote = auth === undefined ? '' : ` [authorization: ${auth.split(' ')[0] ?? ''} <redacted>]`;
    debug(
      `${method} ${url.origin}${this.#describe(url.href)}${authNote} → ${outcome} (${this.#clock.now() - started} ms)`,
    );
  }

  #networkError(method: string, url: URL, error: unknown): NfdError {
    const codes = errorCodes(error);
    const where = `${method} ${url.origin === this.#origin.origin ? url.href : redactUrl(url)}`;
    const reason = (error as Error).message ?? String(error);
    if (isTimeoutError(error)) {
      const phase = codes.includes('UND_ERR_CONNECT_TIMEOUT')
        ? 'no connection in'
        : codes.includes('UND_ERR_HEADERS_TIMEOUT')
          ? 'no response headers for'
          : 'no response body data for';
      return new NfdError(
        'OCI_PROTOCOL',
        `${url.host}: ${phase} ${formatDuration(this.#timeoutMs)} (${method} ${this.#describe(url.href)})`,
        {
          cause: error,
          hint: `check that ${url.host} is reachable; raise --request-timeout (0: no limit) if it is slow`,
        },
      );
    }
    if (
      url.protocol === 'https:' &&
      (codes.some((c) => TLS_PLAIN_HTTP_CODES.has(c)) ||
        /wrong version number|packet length too long|http request/i.test(reason))
    ) {
      return new NfdError(
        'OCI_PROTOCOL',
        `TLS handshake with ${url.host} failed: the server does not seem to speak HTTPS (${reason})`,
        {
          cause: error,
          hint: 'if the registry serves plain HTTP, pass --plain-http',
        },
      );
    }
    if (codes.some((c) => TLS_CERT_CODES.has(c))) {
      // Node's own advice about its command-line flags means nothing to a user of this tool.
      const why = reason.replace(/;\s*if the root CA is installed locally.*$/s, '');
      return new NfdError('OCI_PROTOCOL', `TLS certificate of ${url.host} was not accepted: ${why}`, {
        cause: error,
        hint: 'pass the CA that signed it with --ca-file, or --insecure to skip verification (not recommended)',
      });
    }
    if (codes.includes('ECONNREFUSED')) {
      return new NfdError('OCI_PROTOCOL', `cannot connect to ${url.host}: connection refused`, {
        cause: error,
        hint: 'check the registry address and port, and that the registry is running',
      });
    }
    if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
      return new NfdError('OCI_PROTOCOL', `cannot resolve ${url.hostname}`, {
        cause: error,
        hint: 'check the registry name and your DNS/network settings',
      });
    }
    return new NfdError(
      'OCI_PROTOCOL',
      `${where} failed: ${reason}${codes.length > 0 ? ` (${codes.join('/')})` : ''}`,
      {
        cause: error,
        hint: isConnectionReset(error)
          ? 'the connection was dropped; try again'
          : 'check the network connection to the registry',
      },
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#dispatcher;
    this.#dispatcher = undefined;
    if (pending === undefined) return;
    let dispatcher: Dispatcher;
    try {
      dispatcher = await pending;
    } catch {
      return; // Creation failed: nothing to close.
    }
    await dispatcher.close();
  }
}
