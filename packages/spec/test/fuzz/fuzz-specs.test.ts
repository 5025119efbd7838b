import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FUZZ_SEED,
  FuzzStats,
  mutated,
  runsFor,
  specObject,
  structured,
} from '../../../../test/support/fuzz-inputs.ts';
import { checkInput, LOADERS, SEEDS } from './loaders.ts';

// 30% of the loader fuzz inputs (test/support/fuzz-inputs.ts): image compatibility specs, through
// the strict loader (validate-spec, attach-spec) and the evaluating one (validate-node, …).

const RUNS = runsFor(0.3);

describe('the spec loaders on hostile input', () => {
  it(`throw nothing but located NfdErrors on ${RUNS.toLocaleString('en-US')} mutated and generated specs`, () => {
    const stats = new FuzzStats();
    const input = fc.oneof(
      { weight: 3, arbitrary: mutated(SEEDS.spec) },
      { weight: 1, arbitrary: structured(specObject) },
    );
    fc.assert(
      fc.property(input, (text) => checkInput(LOADERS.spec(text), text, stats)),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    stats.report('specs');
    expect(stats.slowestMs).toBeLessThan(20_000);
    expect(stats.peakRss).toBeLessThan(2 ** 30);
  }, 600_000);
});
