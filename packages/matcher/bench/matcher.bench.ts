import { test } from 'vitest';
import { printRatios } from '../../../test/support/bench-ratios.ts';
import { compileCompatibilitySpec } from '../src/compatibility.ts';
import { compileRuleSet } from '../src/dryrun.ts';
import { indexFeatures } from '../src/features.ts';
import { makeFeatures, makeNodeFeature, makeRules, makeSpec } from './fixtures.ts';

// The targets of issue #3, run with `pnpm --filter @nfd/matcher bench` (or `pnpm bench`). Each test
// measures, in the same run as its cases, two floors: `JSON.parse` of the same input bytes (the
// NodeFeature, or the 10,000 NodeFeatures, as JSON) and the same work on a tenth of the input, and
// prints every case's ratio to them; the README quotes those ratios.

const megabytes = (texts: readonly string[]): string =>
  (texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / 1e6).toFixed(1);

test('a NodeFeatureRule of 1,000 rules against a NodeFeature of 20,000 elements', async ({ bench }) => {
  const rules = makeRules(1000);
  const features = makeFeatures(20_000);
  const json = JSON.stringify(features);
  const node = indexFeatures(features);
  const compiled = compileRuleSet(rules);
  const compiledTenth = compileRuleSet(makeRules(100));
  const names = {
    run: 'compiled once, run',
    runTenth: '100 rules compiled once, run (a tenth of the rules)',
    compileAndRun: 'compile and run',
    index: 'index the NodeFeature',
    parse: `JSON.parse of the NodeFeature (${megabytes([json])} MB)`,
  } as const;
  const results = await bench.compare(
    bench(names.run, () => {
      compiled.run(node);
    }),
    bench(names.runTenth, () => {
      compiledTenth.run(node);
    }),
    bench(names.compileAndRun, () => {
      compileRuleSet(rules).run(node);
    }),
    bench(names.index, () => {
      indexFeatures(features);
    }),
    bench(names.parse, () => {
      JSON.parse(json);
    }),
    { iterations: 20, time: 2000 },
  );
  printRatios('1,000 rules against 20,000 elements', results, [
    [names.run, names.parse],
    [names.run, names.runTenth],
    [names.compileAndRun, names.parse],
    [names.compileAndRun, names.run],
    [names.index, names.parse],
  ]);
}, 300_000);

test('a 20-rule spec against 10,000 NodeFeatures', async ({ bench }) => {
  const spec = makeSpec(20);
  const objects = Array.from({ length: 10_000 }, (_, i) => makeNodeFeature(200, i));
  const json = objects.map((object) => JSON.stringify(object));
  const nodes = objects.map((object) => indexFeatures(object.spec.features));
  const tenth = nodes.slice(0, 1000);
  const compiled = compileCompatibilitySpec(spec);
  const names = {
    once: 'compiled once, 10,000 nodes',
    onceTenth: 'compiled once, 1,000 nodes (a tenth of the nodes)',
    perNode: 'compiled per node, 10,000 nodes',
    parse: `JSON.parse of the 10,000 NodeFeatures (${megabytes(json)} MB)`,
  } as const;
  const results = await bench.compare(
    bench(names.once, () => {
      for (const node of nodes) compiled.evaluate(node);
    }),
    bench(names.onceTenth, () => {
      for (const node of tenth) compiled.evaluate(node);
    }),
    bench(names.perNode, () => {
      for (const node of nodes) compileCompatibilitySpec(spec).evaluate(node);
    }),
    bench(names.parse, () => {
      for (const text of json) JSON.parse(text);
    }),
    { iterations: 5, time: 2000 },
  );
  printRatios('a 20-rule spec against 10,000 NodeFeatures', results, [
    [names.once, names.parse],
    [names.once, names.onceTenth],
    [names.perNode, names.parse],
    [names.perNode, names.once],
  ]);
}, 300_000);
