import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FUZZ_SEED,
  FuzzStats,
  mutated,
  nodeFeatureObject,
  runsFor,
  structured,
} from '../../../../test/support/fuzz-inputs.ts';
import { checkInput, LOADERS, SEEDS } from './loaders.ts';

// 25% of the loader fuzz inputs (test/support/fuzz-inputs.ts): NodeFeature files and `export
// features` documents, through the strict loaders and the evaluating one (dryrun -n, --features).

const RUNS = runsFor(0.25);

describe('the NodeFeature loaders on hostile input', () => {
  it(`throw nothing but located NfdErrors on ${RUNS.toLocaleString('en-US')} mutated and generated NodeFeature files`, () => {
    const stats = new FuzzStats();
    const input = fc.oneof(
      { weight: 3, arbitrary: mutated(SEEDS.nodefeature) },
      { weight: 1, arbitrary: structured(nodeFeatureObject) },
    );
    fc.assert(
      fc.property(input, (text) => checkInput(LOADERS.nodefeature(text), text, stats)),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    stats.report('NodeFeature files');
    expect(stats.slowestMs).toBeLessThan(20_000);
    expect(stats.peakRss).toBeLessThan(2 ** 30);
  }, 600_000);
});
