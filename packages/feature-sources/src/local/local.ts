import { join } from 'node:path';
import type { Features } from '@nfd/spec';
import { goDecode, goTrimSpace, putKey, readDir, readFile } from '../go-text.ts';
import { HostReadError } from '../host-fs.ts';
import { emptyFeatures, type FeatureSource, type SourceContext } from '../source.ts';

// The local source (features.md §3.9.1, labels §4.1/§4.2), after upstream source/local/local.go.
// Upstream's feature hooks (executables in source.d/) were removed; current NFD reads only the
// features.d files, and so do we.

export const LOCAL_LABEL_FEATURE = 'local.label';
export const LOCAL_FEATURE_FEATURE = 'local.feature';

/** The feature files directory: an unprefixed process path (§1.2). */
export const FEATURE_FILES_DIR = '/etc/kubernetes/node-feature-discovery/features.d/';

/** Larger files are skipped entirely. */
export const MAX_FEATURE_FILE_SIZE = 65536;

const DIRECTIVE_PREFIX = '# +';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysIn(month: number, year: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Go's time.Parse(time.RFC3339, text) as epoch milliseconds (sub-millisecond digits dropped,
 * which cannot change a comparison with a millisecond "now"), or undefined where Go errs. Go
 * tries a strict RFC 3339 parser and falls back to its layout parser, which also takes a one-digit
 * hour, a comma before the fraction and offsets up to 24:60; both need an upper-case T and Z.
 */
export function parseGoRfc3339(text: string): number | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/.exec(
      text,
    );
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (match[8] === undefined) {
    const offsetHours = Number(match[10]);
    const offsetMins = Number(match[11]);
    if (offsetHours > 24 || offsetMins > 60) return undefined;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = Number((match[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMinutes * 60_000;
}

/** Labels and features of one file. */
export interface ParsedFeatureFile {
  readonly features: Record<string, string>;
  readonly labels: Record<string, string>;
}

/**
 * One feature file (§3.9.1): trimmed lines, comments, `# +` directives, expiry (strictly before
 * `now` is expired; the initial expiry is `now` itself), `key[=value]` lines, and the
 * no-feature/no-label switches that also delete the key's earlier value of this file and reset
 * after each key/value line. `problems` receives what upstream logs.
 */
export function parseFeatureFile(
  text: string,
  now: Date,
  problems: (message: string) => void,
): ParsedFeatureFile {
  const features: Record<string, string> = {};
  const labels: Record<string, string> = {};
  const nowMillis = now.getTime();
  let expiry = nowMillis;
  let skipFeature = false;
  let skipLabel = false;
  for (const raw of text.split('\n')) {
    const line = goTrimSpace(raw);
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (!line.startsWith(DIRECTIVE_PREFIX)) continue;
      const directive = line.slice(DIRECTIVE_PREFIX.length);
      const equals = directive.indexOf('=');
      const key = equals < 0 ? directive : directive.slice(0, equals);
      if (key === 'expiry-time') {
        if (equals < 0) {
          problems(`invalid directive format in "${line}", should be '# +expiry-time=value'`);
          continue;
        }
        const value = goTrimSpace(directive.slice(equals + 1));
        const parsed = parseGoRfc3339(value);
        if (parsed === undefined)
          problems(`failed to parse expiry-date directive: "${value}" is not an RFC 3339 time`);
        else expiry = parsed;
      } else if (key === 'no-feature') skipFeature = true;
      else if (key === 'no-label') skipLabel = true;
      else problems(`unknown feature file directive "${key}"`);
      continue;
    }
    if (expiry < nowMillis) continue;
    const equals = line.indexOf('=');
    const key = equals < 0 ? line : line.slice(0, equals);
    const value = equals < 0 ? 'true' : line.slice(equals + 1);
    if (skipFeature) delete features[key];
    else putKey(features, key, value);
    if (skipLabel) delete labels[key];
    else putKey(labels, key, value);
    skipFeature = false;
    skipLabel = false;
  }
  return { features, labels };
}

/** The lines of one file, or undefined when upstream skips it (its error is logged). */
async function readFeatureFile(context: SourceContext, path: string): Promise<string | undefined> {
  const fs = context.fs;
  let isDirectory: boolean;
  try {
    if (!(await fs.exists(path))) {
      context.warn(`failed to read file ${fs.display(path)}: no such file or directory`);
      return undefined;
    }
    isDirectory = await fs.isDirectory(path);
  } catch (error) {
    if (!(error instanceof HostReadError)) throw error;
    context.warn(`failed to read file ${fs.display(path)}: ${error.message}`);
    return undefined;
  }
  // Upstream reads regular files only; a directory yields no lines. (HostFs cannot tell other
  // non-regular files, such as FIFOs, from regular ones; those are read.)
  if (isDirectory) return '';
  const read = await readFile(fs, path);
  if (!read.ok) {
    context.warn(`failed to read file ${fs.display(path)}: ${read.reason}`);
    return undefined;
  }
  if (read.bytes.length > MAX_FEATURE_FILE_SIZE) {
    context.warn(
      `failed to read file ${fs.display(path)}: file size limit exceeded: ${read.bytes.length} bytes > ${MAX_FEATURE_FILE_SIZE} bytes`,
    );
    return undefined;
  }
  return goDecode(read.bytes);
}

/** The local source. */
export const localSource: FeatureSource = {
  name: 'local',
  async discover(context: SourceContext): Promise<Features> {
    const fs = context.fs;
    const features: Record<string, string> = {};
    const labels: Record<string, string> = {};
    const dir = fs.abs(FEATURE_FILES_DIR);
    const listing = await readDir(fs, dir);
    // Missing: both features exist and are empty; another listing error is logged, same result.
    if (!listing.ok && !listing.missing) context.warn(`failed to read feature files: ${listing.reason}`);
    for (const name of listing.ok ? listing.names : []) {
      if (name.startsWith('.')) continue;
      const text = await readFeatureFile(context, join(dir, name));
      if (text === undefined) continue;
      const parsed = parseFeatureFile(text, context.now, (message) => context.warn(`${name}: ${message}`));
      // Later files override earlier ones key by key.
      for (const [key, value] of Object.entries(parsed.features)) putKey(features, key, value);
      for (const [key, value] of Object.entries(parsed.labels)) putKey(labels, key, value);
    }
    const result = emptyFeatures();
    result.attributes[LOCAL_LABEL_FEATURE] = { elements: labels };
    result.attributes[LOCAL_FEATURE_FEATURE] = { elements: features };
    return result;
  },
  labels(features: Features): Record<string, string> {
    // Keys unchanged (no source prefix, §4.1).
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(features.attributes[LOCAL_LABEL_FEATURE]?.elements ?? {})) {
      putKey(labels, key, value);
    }
    return labels;
  },
};
