import type { CredentialOptions } from '../auth/credentials.ts';

export type { CredentialOptions } from '../auth/credentials.ts';

/**
 * The transport's time source: retry and Retry-After waits, HTTP-date Retry-After, token expiry and
 * debug-line durations. Defaults to `systemClock` (Date.now and an abortable timer); tests inject a fake.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Waits `ms`, rejecting with the signal's reason if it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface TransportOptions {
  /** Use `http://` (the caller builds the endpoint with `registryEndpoint(ref, plainHttp)`); also relaxes the token-realm scheme check. */
  plainHttp?: boolean;
  /** Keep HTTPS but skip certificate verification (a warning is emitted once). */
  insecure?: boolean;
  /** Extra PEM CA bundles, added to Node's bundled and the system trust stores. */
  caFiles?: readonly string[];
  /** A client certificate and its key (PEM files) for registries that require mutual TLS. */
  certFile?: string;
  keyFile?: string;
  credentials?: CredentialOptions;
  /** Environment for proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); defaults to `credentials.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Per request: the longest wait for a connection, for the response headers, and for each piece
   * of the body (a timeout is not retried). Default 30 s; 0 = no limit.
   */
  timeoutMs?: number;
  /** Retries for idempotent requests (GET, HEAD, DELETE, PUT). Default 5. */
  retries?: number;
  signal?: AbortSignal;
  /** Time source for retry waits, Retry-After dates, token expiry and debug durations; default `systemClock`. */
  clock?: Clock;
  userAgent?: string;
  /** Warning headers (once each), the --insecure notice, unreadable credential files. */
  onWarning?(message: string): void;
  /** Redacted request lines, retry notices and which credential source was used. */
  onDebug?(message: string): void;
}

export type Action = 'pull' | 'push' | 'delete';

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** Absolute URL. */
  url: string;
  /** Token scope: `repository:<repository>:<actions>`; the transport asks for the union of actions seen per repository. */
  repository: string;
  actions: readonly Action[];
  headers?: Record<string, string>;
  /** Always replayable. */
  body?: Uint8Array;
  /** Cap on the response body (an error if exceeded); default 4 MiB. */
  maxBytes?: number;
  /**
   * Statuses returned as responses; default any 2xx. Others become NfdErrors (`RegistryHttpError`):
   * 404 → OCI_NOT_FOUND; 401/403 → OCI_UNAUTHORIZED; else OCI_PROTOCOL with the registry's error code/message.
   * Listing a 3xx status returns it instead of following the redirect.
   */
  expectedStatus?: readonly number[];
}

export interface RegistryResponse {
  status: number;
  /** Lower-case names, repeated values joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
  /** Final URL after redirects. */
  url: string;
}

export interface RegistryTransport {
  request(req: RegistryRequest): Promise<RegistryResponse>;
  close(): Promise<void>;
}
