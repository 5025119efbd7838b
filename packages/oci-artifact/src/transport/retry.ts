/** Retry policy (oras-go's, plus connection resets and HTTP-date Retry-After). */

import type { Clock } from './types.ts';

const BASE_DELAY_MS = 250;
const MIN_DELAY_MS = 200;
const MAX_BACKOFF_MS = 3_000;
/** Cap for a server-requested Retry-After. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** 408, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** The error code of an error or of any error in its `cause` chain. */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

export function isTimeoutError(error: unknown): boolean {
  return errorCodes(error).some((code) => TIMEOUT_CODES.has(code));
}

export function isConnectionReset(error: unknown): boolean {
  return errorCodes(error).some((code) => RESET_CODES.has(code));
}

/** Exponential backoff: 250 ms × 2^attempt with ±10 % jitter, clamped to 200 ms – 3 s. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = BASE_DELAY_MS * 2 ** attempt;
  const jittered = base * (0.9 + 0.2 * random());
  return Math.min(MAX_BACKOFF_MS, Math.max(MIN_DELAY_MS, Math.round(jittered)));
}

/**
 * `Retry-After` as seconds or HTTP-date (relative to `now`, the clock's time) → milliseconds (capped),
 * or undefined if absent/invalid.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}

/** Waits `ms`, rejecting with the signal's reason if it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The real clock: `Date.now` and `sleep`. */
export const systemClock: Clock = { now: () => Date.now(), sleep };
