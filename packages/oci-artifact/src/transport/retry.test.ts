import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  systemClock,
} from './retry.ts';

describe('retry policy', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 501, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 412].some(isRetryableStatus)).toBe(false);
  });

  it('backs off exponentially with jitter, clamped to 200 ms – 3 s', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(250);
    expect(backoffDelay(0, () => 0)).toBe(225);
    expect(backoffDelay(1, () => 1)).toBe(550);
    expect(backoffDelay(10, () => 0.5)).toBe(3000);
  });

  it('parses Retry-After as seconds or HTTP-date, capped', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('3600', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("rejects a sleep with the signal's reason, without waiting for the timer", async () => {
    const reason = new Error('cancelled');
    await expect(systemClock.sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
    const controller = new AbortController();
    const pending = systemClock.sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
