// Sums the vitest JSON results every package writes (.test-results.json) into one closing line,
// so a reader of the whole run (CI) sees the total: "tests: N passed, N failed, N skipped".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(group)) {
    const dir = join(group, name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (manifest.scripts?.test === undefined) continue;
    const file = join(dir, '.test-results.json');
    if (!existsSync(file)) {
      missing.push(dir);
      continue;
    }
    const results = JSON.parse(readFileSync(file, 'utf8'));
    passed += results.numPassedTests;
    failed += results.numFailedTests;
    skipped += results.numPendingTests + results.numTodoTests;
  }
}
if (missing.length > 0) {
  process.stderr.write(`no test results from: ${missing.join(', ')}\n`);
  failed += missing.length;
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
