// The faults the proxy (./fault-proxy.ts) can inject into one HTTP exchange, and how they are
// written in reports. A schedule (./schedules.ts) says which fault, if any, hits the n-th request.

export type Fault =
  /** Answer 500/502/503 without asking the registry (503 optionally with Retry-After). */
  | { readonly kind: 'status'; readonly status: 500 | 502 | 503; readonly retryAfter?: number }
  /** Answer 429 with `Retry-After: <seconds>` without asking the registry. */
  | { readonly kind: 'throttle'; readonly retryAfter: number }
  /** Reset the connection (TCP RST) before forwarding: the registry never sees the request. */
  | { readonly kind: 'reset-request' }
  /** Forward (the registry acts on it), then reset the connection before any response byte. */
  | { readonly kind: 'reset-response' }
  /** Forward, send the headers and the first `cut` (fraction) of the body, then reset. */
  | { readonly kind: 'reset-body'; readonly cut: number }
  /** Forward, send the headers (true Content-Length) and the first `cut` of the body, then close (FIN). */
  | { readonly kind: 'truncate'; readonly cut: number }
  /**
   * Forward, send the headers and the first `cut` of the body, then send nothing more until released.
   * `sticky`: every later request with the same method and path stalls too.
   */
  | { readonly kind: 'stall'; readonly cut: number; readonly sticky: boolean }
  /** Forward, declare a Content-Length `delta` bytes off the truth, send the whole body, then close. */
  | { readonly kind: 'content-length'; readonly delta: number }
  /** Forward, XOR one byte at each position (fraction of the body length) with its mask. */
  | { readonly kind: 'flip'; readonly flips: readonly { readonly at: number; readonly mask: number }[] }
  /** Answer 307 to the same path on the other origin (`localhost:PORT` instead of `127.0.0.1:PORT`). */
  | { readonly kind: 'redirect' };

export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = [
  'status',
  'throttle',
  'reset-request',
  'reset-response',
  'reset-body',
  'truncate',
  'stall',
  'content-length',
  'flip',
  'redirect',
];

/** One short token per fault, as the reports print schedules: `503`, `429(ra=1)`, `flip(0.42^0x10)`. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'status':
      return fault.retryAfter === undefined
        ? String(fault.status)
        : `${fault.status}(ra=${fault.retryAfter})`;
    case 'throttle':
      return `429(ra=${fault.retryAfter})`;
    case 'reset-request':
    case 'reset-response':
    case 'redirect':
      return fault.kind;
    case 'reset-body':
    case 'truncate':
      return `${fault.kind}(${fault.cut.toFixed(2)})`;
    case 'stall':
      return `stall(${fault.cut.toFixed(2)}${fault.sticky ? ',sticky' : ''})`;
    case 'content-length':
      return `content-length(${fault.delta > 0 ? '+' : ''}${fault.delta})`;
    case 'flip':
      return `flip(${fault.flips.map((f) => `${f.at.toFixed(2)}^0x${f.mask.toString(16)}`).join(',')})`;
  }
}
