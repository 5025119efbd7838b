import { DMI_ID_ATTRIBUTES, type Features } from '@nfd/spec';
import { goDecode, goTrim, goTrimSpace, putKey, readFile } from '../go-text.ts';
import { emptyFeatures, type FeatureSource, type SourceContext } from '../source.ts';

// The system source (features.md §3.7, labels §4.2), after upstream source/system/system.go.

export const SYSTEM_OSRELEASE_FEATURE = 'system.osrelease';
export const SYSTEM_NAME_FEATURE = 'system.name';
export const SYSTEM_DMIID_FEATURE = 'system.dmiid';

/** The DMI files read (§3.7.3); serial numbers and UUIDs deliberately not. */
export const SYSTEM_DMI_ATTRIBUTES: readonly string[] = DMI_ID_ATTRIBUTES;

/** os-release keys that become `os_release.<key>` labels, when present. */
const OS_RELEASE_LABEL_KEYS = ['ID', 'VERSION_ID', 'VERSION_ID.major', 'VERSION_ID.minor'] as const;

// bufio.Scanner's default limit: a longer line stops the scan (upstream ignores the error and
// keeps what it has).
const MAX_SCAN_LINE = 64 * 1024;

/**
 * os-release lines as bufio.Scanner yields them: split on "\n", one trailing "\r" dropped,
 * stopping at a line of 64 KiB or more.
 */
function scanLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  for (const line of lines) {
    if (Buffer.byteLength(line) >= MAX_SCAN_LINE) break;
    out.push(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
  return out;
}

/**
 * `system.osrelease` elements (§3.7.1): `^(\w+)=(.+)` per line (value at least one character, so
 * `KEY=` is ignored), surrounding `"`/`'` characters stripped, no escape handling, later
 * duplicates win; then VERSION_ID.major/.minor when VERSION_ID looks numeric, empty parts left
 * out (unlike kernel.version).
 */
export function parseOsRelease(text: string): Record<string, string> {
  const release: Record<string, string> = {};
  for (const line of scanLines(text)) {
    // `s`: Go's `.` matches "\r" and the Unicode line separators that JavaScript's does not.
    const match = /^(\w+)=(.+)/s.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) putKey(release, match[1], goTrim(match[2], `"'`));
  }
  const versionId = Object.hasOwn(release, 'VERSION_ID') ? release.VERSION_ID : undefined;
  if (versionId !== undefined) {
    const parts = /^(\d+)(\.(\d+))?(\..*)?$/s.exec(versionId);
    if (parts !== null) {
      if (parts[1]) release['VERSION_ID.major'] = parts[1];
      if (parts[3]) release['VERSION_ID.minor'] = parts[3];
    }
  }
  return release;
}

/** The system source. */
export const systemSource: FeatureSource = {
  name: 'system',
  async discover(context: SourceContext): Promise<Features> {
    const features = emptyFeatures();
    const fs = context.fs;
    // Always present: NODE_NAME upstream, "" when unset (§3.7.2).
    features.attributes[SYSTEM_NAME_FEATURE] = { elements: { nodename: context.nodeName } };

    // <etc>/os-release only; no /usr/lib/os-release fallback (§1.3).
    const osRelease = await readFile(fs, fs.host('etc', 'os-release'));
    if (osRelease.ok) {
      features.attributes[SYSTEM_OSRELEASE_FEATURE] = { elements: parseOsRelease(goDecode(osRelease.bytes)) };
    } else {
      context.warn(`failed to get os-release: ${osRelease.reason}`);
    }

    const dmi: Record<string, string> = {};
    for (const name of SYSTEM_DMI_ATTRIBUTES) {
      const read = await readFile(fs, fs.host('sys', 'devices/virtual/dmi/id', name));
      if (read.ok) dmi[name] = goTrimSpace(goDecode(read.bytes));
      else context.warn(`failed to get DMI entry ${name}: ${read.reason}`);
    }
    // Absent, not empty, when nothing could be read (§3.7.3).
    if (Object.keys(dmi).length > 0) features.attributes[SYSTEM_DMIID_FEATURE] = { elements: dmi };
    return features;
  },
  labels(features: Features): Record<string, string> {
    const labels: Record<string, string> = {};
    const release = features.attributes[SYSTEM_OSRELEASE_FEATURE]?.elements ?? {};
    for (const key of OS_RELEASE_LABEL_KEYS) {
      const value = Object.hasOwn(release, key) ? release[key] : undefined;
      if (value !== undefined) labels[`os_release.${key}`] = value;
    }
    return labels;
  },
};
