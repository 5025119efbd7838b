/**
 * Edit distance between `a` and `b` (optimal string alignment: insertions, deletions, substitutions and
 * swaps of two neighbouring characters each cost 1). Case-sensitive; lower-case both sides first for a
 * case-insensitive distance.
 */
export function editDistance(a: string, b: string): number {
  // Two rows back are needed for the swap case.
  let previous2: number[] = [];
  let previous: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (previous2[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    previous2 = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidates closest to `name`, compared without regard to case, that are close enough to be a likely
 * typo: at most one edit per three characters of the longer name (at least one). An exact case-insensitive
 * match wins outright. Ties are all returned, in candidate order.
 */
export function closestNames(name: string, candidates: Iterable<string>): string[] {
  const wanted = name.toLowerCase();
  let best: string[] = [];
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    const limit = Math.max(1, Math.floor(Math.max(wanted.length, candidate.length) / 3));
    if (distance > limit || distance > bestDistance) continue;
    if (distance < bestDistance) {
      best = [];
      bestDistance = distance;
    }
    best.push(candidate);
  }
  return best;
}
