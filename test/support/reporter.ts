// The repository's vitest reporter (next to the default one): writes `.test-results.json` in the
// package directory with the counts and every skipped test with its reason, which
// scripts/test-summary.mjs adds up into the run's closing lines. A reason comes from
// `ctx.skip(reason)` or from `skipUnless(reason)` (./skip.ts) on the test or a describe around it.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SerializedError } from 'vitest';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/** What one package's run leaves in `.test-results.json`. */
export interface TestResults {
  passed: number;
  failed: number;
  skipped: { file: string; test: string; reason: string }[];
  /** Test files that failed outside any test (import errors, failing hooks), and unhandled errors. */
  errors: string[];
}

const NO_REASON = 'no reason given (use skipUnless(reason) or ctx.skip(reason))';

export default class ResultsReporter implements Reporter {
  #root = process.cwd();

  onInit(vitest: Vitest): void {
    this.#root = vitest.config.root;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const results: TestResults = { passed: 0, failed: 0, skipped: [], errors: [] };
    for (const module of modules) {
      const file = relative(this.#root, module.moduleId);
      for (const error of module.errors()) results.errors.push(`${file}: ${error.message}`);
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') results.passed++;
        else if (result.state === 'failed') results.failed++;
        else if (result.state === 'skipped') {
          const reason = result.note ?? test.meta().skipReason ?? NO_REASON;
          results.skipped.push({ file, test: test.fullName, reason });
        } else {
          // Still pending when the run ended (interrupted): not a pass.
          results.failed++;
        }
      }
    }
    for (const error of unhandled) results.errors.push(`unhandled: ${error.message}`);
    writeFileSync(join(this.#root, '.test-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  }
}
