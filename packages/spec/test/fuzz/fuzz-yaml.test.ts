import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FUZZ_SEED,
  FuzzStats,
  mutated,
  runsFor,
  yamlMutations,
} from '../../../../test/support/fuzz-inputs.ts';
import { checkInput, type Kind, LOADERS, SEEDS } from './loaders.ts';

// 15% of the loader fuzz inputs (test/support/fuzz-inputs.ts): YAML-specific attacks only (anchors,
// aliases and alias bombs, merge keys, tags, directives, nesting past the limit, long scalars) on
// files of every kind, each through the loaders of its kind.

const RUNS = runsFor(0.15);

describe('every loader on YAML-specific attacks', () => {
  it(`throws nothing but located NfdErrors on ${RUNS.toLocaleString('en-US')} inputs`, () => {
    const stats = new FuzzStats();
    const kinds = Object.keys(SEEDS) as Kind[];
    const input = fc
      .constantFrom(...kinds)
      .chain((kind) => mutated(SEEDS[kind], yamlMutations).map((text) => ({ kind, text })));
    fc.assert(
      fc.property(input, ({ kind, text }) => checkInput(LOADERS[kind](text), text, stats)),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    stats.report('YAML attacks');
    expect(stats.slowestMs).toBeLessThan(20_000);
    expect(stats.peakRss).toBeLessThan(2 ** 30);
  }, 600_000);
});
