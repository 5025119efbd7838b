import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FUZZ_SEED,
  FuzzStats,
  mutated,
  ruleObject,
  runsFor,
  structured,
} from '../../../../test/support/fuzz-inputs.ts';
import { checkInput, LOADERS, SEEDS } from './loaders.ts';

// 30% of the loader fuzz inputs (test/support/fuzz-inputs.ts): NodeFeatureRule and NodeFeatureGroup
// files, through the strict loaders (validate) and the evaluating one (dryrun, test).

const RUNS = runsFor(0.3);

describe('the rule file loaders on hostile input', () => {
  it(`throw nothing but located NfdErrors on ${RUNS.toLocaleString('en-US')} mutated and generated rule files`, () => {
    const stats = new FuzzStats();
    const input = fc.oneof(
      { weight: 3, arbitrary: mutated(SEEDS.rule) },
      { weight: 1, arbitrary: structured(ruleObject) },
    );
    fc.assert(
      fc.property(input, (text) => checkInput(LOADERS.rule(text), text, stats)),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    stats.report('rule files');
    expect(stats.slowestMs).toBeLessThan(20_000);
    expect(stats.peakRss).toBeLessThan(2 ** 30);
  }, 600_000);
});
