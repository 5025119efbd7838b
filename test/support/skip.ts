// Skipping with a reason, for every package's tests. A test that cannot run here (a peer program is
// missing, the host lacks a device) is skipped with a one-line reason; the repository's reporter
// (./reporter.ts) lists every skipped test with it, and under CI=true a reason that is not on the
// allow-list (./skips-allowed.json) fails the run. Two forms:
//
//   describe('docker-registry', skipUnless(reason), () => { ... })   // static: hooks do not run
//   it('reads raw CPUID', (ctx) => { if (!readable) ctx.skip('needs root ...'); ... })   // dynamic
//
// `reason` is the string that says why, or false when the test can run.

declare module 'vitest' {
  interface TaskMeta {
    /** Why the test (or every test of a describe) is skipped. */
    skipReason?: string;
  }
}

/** Options for `describe`/`it`: skipped, with `reason` for the reporter, when `reason` is a string. */
export function skipUnless(reason: string | false | null | undefined): {
  skip: boolean;
  meta: { skipReason?: string };
} {
  return typeof reason === 'string' && reason !== ''
    ? { skip: true, meta: { skipReason: reason } }
    : { skip: false, meta: {} };
}
