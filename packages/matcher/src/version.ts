// Masterminds/semver v3 `NewVersion` (coercing mode) as used by NFD's `type: version`
// (matching.md §2.2), and NFD's comparison, which only looks at major.minor.patch (Q4).

/** A parsed version; pre-release and build metadata are validated, then dropped (Q4). */
export interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
}

// v? num [.num [.num]] [-pre] [+meta], anchored on both ends: no trimming, lowercase `v` only.
const VERSION_SYNTAX =
  /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

const UINT64_MAX = 2n ** 64n - 1n;

// A purely numeric pre-release identifier with several digits must not start with 0
// (`1.2.3-01` is invalid, `1.2.3-rc.0` is valid); build metadata has no such rule.
const NUMERIC_WITH_LEADING_ZERO = /^0[0-9]+$/;

/** A version part: leading zeros are fine, but it must fit in a Go uint64. */
function parseVersionPart(digits: string | undefined): bigint | undefined {
  if (digits === undefined) return 0n;
  const parsed = BigInt(digits);
  return parsed > UINT64_MAX ? undefined : parsed;
}

function isValidPrerelease(prerelease: string | undefined): boolean {
  if (prerelease === undefined) return true;
  return prerelease.split('.').every((identifier) => !NUMERIC_WITH_LEADING_ZERO.test(identifier));
}

/** Parses `text` like semver's NewVersion, or returns undefined where it would fail. */
export function parseVersion(text: string): Version | undefined {
  const match = VERSION_SYNTAX.exec(text);
  if (match === null || !isValidPrerelease(match[4])) return undefined;
  const major = parseVersionPart(match[1]);
  const minor = parseVersionPart(match[2]);
  const patch = parseVersionPart(match[3]);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch };
}

function compareBigints(a: bigint, b: bigint): -1 | 0 | 1 {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Orders two versions by (major, minor, patch) only: `1.2.3-rc1` equals `1.2.3` (Q4). */
export function compareVersions(a: Version, b: Version): -1 | 0 | 1 {
  const major = compareBigints(a.major, b.major);
  if (major !== 0) return major;
  const minor = compareBigints(a.minor, b.minor);
  return minor !== 0 ? minor : compareBigints(a.patch, b.patch);
}
