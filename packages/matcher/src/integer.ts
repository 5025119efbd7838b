// Go `strconv.Atoi` on a 64-bit platform (matching.md §2.1): the integer syntax of the
// ordering and range operators.

/** The smallest Go `int` on 64-bit platforms, −2^63. */
export const GO_INT_MIN: bigint = -(2n ** 63n);
/** The largest Go `int` on 64-bit platforms, 2^63 − 1. */
export const GO_INT_MAX: bigint = 2n ** 63n - 1n;

// One optional sign, then ASCII digits only: no spaces, `_`, base prefixes, decimals or
// exponents, which is exactly what Atoi accepts (base 10 never allows underscores).
const GO_INT_SYNTAX = /^[+-]?[0-9]+$/;

/**
 * Parses `text` as Go's `strconv.Atoi` would, or returns undefined where Atoi fails (bad
 * syntax or out of int64 range). BigInt keeps values above 2^53 exact.
 */
export function parseGoInt(text: string): bigint | undefined {
  if (!GO_INT_SYNTAX.test(text)) return undefined;
  // BigInt() accepts a leading '+' or '-' and leading zeros, like Atoi.
  const parsed = BigInt(text);
  return parsed < GO_INT_MIN || parsed > GO_INT_MAX ? undefined : parsed;
}
