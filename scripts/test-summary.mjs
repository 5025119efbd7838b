// Sums what every package's test run wrote (.test-results.json, by test/support/reporter.ts) into
// the run's closing lines: every skipped test with its reason, then
// "tests: N passed, N failed, N skipped". Under CI=true a skip whose reason is not on the allow-list
// (test/support/skips-allowed.json: only host-dependent cases) fails the run, as does a package
// without results, a test file that failed outside its tests, or a run with no passed test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ci = process.env.CI === 'true';
const allowed = JSON.parse(readFileSync('test/support/skips-allowed.json', 'utf8')).allowed.map(
  (entry) => new RegExp(entry.reason),
);
let passed = 0;
let failed = 0;
const skipped = [];
const problems = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(group).sort()) {
    const dir = join(group, name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (manifest.scripts?.test === undefined) continue;
    const file = join(dir, '.test-results.json');
    if (!existsSync(file)) {
      problems.push(`${dir}: no test results (${file} is missing)`);
      continue;
    }
    const results = JSON.parse(readFileSync(file, 'utf8'));
    passed += results.passed;
    failed += results.failed;
    for (const error of results.errors) problems.push(`${dir}: ${error}`);
    for (const skip of results.skipped) skipped.push({ ...skip, file: join(dir, skip.file) });
  }
}

const out = [];
const refused = skipped.filter((skip) => !allowed.some((pattern) => pattern.test(skip.reason)));
if (skipped.length > 0) {
  // Grouped by reason, each skipped test on a line of its own under it.
  const byReason = Map.groupBy(skipped, (skip) => skip.reason);
  out.push(`skipped tests (${skipped.length}), by reason:`);
  for (const [reason, skips] of byReason) {
    const mark = ci && refused.includes(skips[0]) ? ' [not allowed under CI]' : '';
    out.push(`  ${reason}${mark} (${skips.length}):`);
    for (const skip of skips) out.push(`    ${skip.file} > ${skip.test}`);
  }
}
if (ci && refused.length > 0)
  problems.push(
    `${refused.length} skipped test(s) have a reason not on test/support/skips-allowed.json; with CI=true every peer must be present (run scripts/test-peers.sh)`,
  );
if (passed === 0) problems.push('no test passed');
for (const problem of problems) out.push(`FAILED: ${problem}`);
out.push(`tests: ${passed} passed, ${failed} failed, ${skipped.length} skipped`);
process.stdout.write(`${out.join('\n')}\n`);
process.exitCode = failed > 0 || problems.length > 0 ? 1 : 0;
