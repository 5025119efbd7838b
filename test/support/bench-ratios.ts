// Prints what every benchmark of the repository reports after its run: each measured case's mean over the mean
// of a floor measured in the same run (`node -e 0`, `JSON.parse` of the same bytes, or the same
// work on a smaller input), so the figures quoted in the README do not depend on the machine.
// Means come from what `bench.compare()` resolves to (tinybench's `latency.mean`, in ms).

/** The part of `bench.compare()`'s result read here: a result per registered name. */
export interface ComparedResults<Name extends string> {
  get(name: Name): { latency: { mean: number } };
}

function mean<Name extends string>(results: ComparedResults<Name>, name: Name): number {
  const value = results.get(name).latency.mean;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`benchmark "${name}" has no mean (${value})`);
  return value;
}

function duration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

/**
 * Writes `ratio: CASE / FLOOR = 3.42x (mean / mean)` to stdout for each `[case, floor]` pair, and
 * returns the ratios in the same order.
 */
export function printRatios<Name extends string>(
  title: string,
  results: ComparedResults<Name>,
  pairs: readonly (readonly [Name, Name])[],
): number[] {
  const ratios: number[] = [];
  const lines = [`ratios (${title}):`];
  for (const [measured, floor] of pairs) {
    const a = mean(results, measured);
    const b = mean(results, floor);
    ratios.push(a / b);
    lines.push(`ratio: ${measured} / ${floor} = ${(a / b).toFixed(2)}x (${duration(a)} / ${duration(b)})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return ratios;
}
