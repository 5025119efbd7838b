import { test } from 'vitest';
import { compileCompatibilitySpec } from '../src/compatibility.ts';
import { compileRuleSet } from '../src/dryrun.ts';
import { indexFeatures } from '../src/features.ts';
import { makeFeatures, makeNodeFeature, makeRules, makeSpec } from './fixtures.ts';

// The targets of issue #3, run with `pnpm --filter @nfd/matcher bench`. Figures go in the README
// as ratios measured in one run (vitest prints the comparison table).

test('a NodeFeatureRule of 1,000 rules against a NodeFeature of 20,000 elements', async ({ bench }) => {
  const rules = makeRules(1000);
  const features = makeFeatures(20_000);
  const node = indexFeatures(features);
  const compiled = compileRuleSet(rules);
  await bench.compare(
    bench('compiled once, run', () => {
      compiled.run(node);
    }),
    bench('compile and run', () => {
      compileRuleSet(rules).run(node);
    }),
    bench('index the NodeFeature', () => {
      indexFeatures(features);
    }),
    { iterations: 20, time: 2000 },
  );
}, 300_000);

test('a 20-rule spec against 10,000 NodeFeatures', async ({ bench }) => {
  const spec = makeSpec(20);
  const nodes = Array.from({ length: 10_000 }, (_, i) =>
    indexFeatures(makeNodeFeature(200, i).spec.features),
  );
  const compiled = compileCompatibilitySpec(spec);
  await bench.compare(
    bench('compiled once, 10,000 nodes', () => {
      for (const node of nodes) compiled.evaluate(node);
    }),
    bench('compiled per node, 10,000 nodes', () => {
      for (const node of nodes) compileCompatibilitySpec(spec).evaluate(node);
    }),
    { iterations: 5, time: 2000 },
  );
}, 300_000);
