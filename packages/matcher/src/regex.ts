import { RE2JS } from 're2js';

/**
 * Go RE2 regular expressions (matching.md §2.3) through re2js: Go's syntax ((?i), \pL, POSIX
 * classes, \Q…\E), no lookaround or backreferences, linear time. Never `new RegExp` on a user's
 * pattern.
 */
export type Regex = RE2JS;

/** A pattern that does not compile; `reason` is RE2's own description. */
export class RegexSyntaxError extends Error {
  override name = 'RegexSyntaxError';
  readonly pattern: string;
  readonly reason: string;
  constructor(pattern: string, reason: string) {
    super(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
    this.pattern = pattern;
    this.reason = reason;
  }
}

// Compiled once per pattern text; bounded, unlike upstream's cache (Q31), so a long-running
// process fed many distinct patterns keeps a fixed footprint.
const CACHE_LIMIT = 4096;
const cache = new Map<string, Regex>();

/** Compiles (or returns the cached) pattern; throws RegexSyntaxError. */
export function compileRegex(pattern: string): Regex {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  let compiled: Regex;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    throw new RegexSyntaxError(pattern, reason);
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

/** True when the pattern matches some substring of `input` (Go's MatchString). */
export function regexFinds(pattern: string, input: string): boolean {
  return compileRegex(pattern).matcher(input).find();
}
