import type { Features, InstanceFeature } from '@nfd/spec';
import { type HostFs, HostReadError } from '../host-fs.ts';
import { SourceError, type SourceName } from '../source.ts';

// Helpers shared by the sysfs-listing sources (pci, usb, network, storage). They live here rather
// than in a package-wide module only because these four sources are owned together; nothing in
// them is pci-specific.
// Every value these sources store is TrimSpace'd upstream (features.md §3.4-§3.8): they use
// goTrimSpace (../go-text.ts), not JavaScript's trim().

/** One sysfs file read the way upstream's os.ReadFile sees it. */
export type AttributeRead =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      readonly missing: boolean;
      readonly code: string | undefined;
      readonly reason: string;
    };

/**
 * Reads a file, turning "not there" and every other read failure (permission, EISDIR, EINVAL on a
 * down link's `speed` …) into a value, because all four sources skip an unreadable file rather than
 * fail (features.md §2.3); only what they log differs.
 */
export async function readAttribute(fs: HostFs, path: string): Promise<AttributeRead> {
  try {
    const text = await fs.readText(path);
    if (text === undefined) {
      return {
        ok: false,
        missing: true,
        code: 'ENOENT',
        reason: `open ${fs.display(path)}: no such file or directory`,
      };
    }
    return { ok: true, text };
  } catch (error) {
    if (error instanceof HostReadError)
      return { ok: false, missing: false, code: error.code, reason: error.message };
    throw error;
  }
}

/**
 * Directory entries (sorted, as Go's os.ReadDir returns them, features.md §0.7) of a directory a
 * source cannot do without: pci, network and storage fail their whole Discover when it cannot be
 * listed, missing included (features.md §2.3).
 */
export async function listOrFail(
  fs: HostFs,
  source: SourceName,
  path: string,
  what: string,
): Promise<string[]> {
  let names: string[] | undefined;
  try {
    names = await fs.readDir(path);
  } catch (error) {
    if (error instanceof HostReadError)
      throw new SourceError(source, `${what}: ${error.message}`, { cause: error });
    throw error;
  }
  if (names === undefined) {
    throw new SourceError(source, `${what}: open ${fs.display(path)}: no such file or directory`);
  }
  return names;
}

/** Directory entries, or undefined for anything that cannot be listed (Go's Glob ignores I/O errors). */
export async function listQuietly(fs: HostFs, path: string): Promise<string[] | undefined> {
  try {
    return await fs.readDir(path);
  } catch (error) {
    if (error instanceof HostReadError) return undefined;
    throw error;
  }
}

/** stat() succeeded (following links), as upstream's `os.Stat(p); err == nil` tests. */
export async function statOk(fs: HostFs, path: string): Promise<boolean> {
  try {
    return await fs.exists(path);
  } catch (error) {
    if (error instanceof HostReadError) return false;
    throw error;
  }
}

/** The instance elements of a feature, or none when the feature is absent. */
export function instanceElements(features: Features, name: string): readonly InstanceFeature[] {
  return features.instances[name]?.elements ?? [];
}

/**
 * The label fields upstream's pci and usb label sources use (features.md §4.2): the configured
 * names that are valid, re-ordered into the canonical order; unknown names dropped; the defaults
 * when nothing valid remains.
 */
export function resolveLabelFields(
  configured: readonly string[],
  canonical: readonly string[],
  defaults: readonly string[],
): readonly string[] {
  const wanted = new Set(configured);
  const fields = canonical.filter((field) => wanted.has(field));
  return fields.length > 0 ? fields : defaults;
}

/**
 * `<field values joined by _>.present` for every device whose class starts with a (lower-cased)
 * whitelist entry, plus `.sriov.capable` when asked and the device has `sriov_totalvfs` at all
 * (any value, even "0"). A missing field contributes an empty string, as Go's map lookup does.
 */
export function deviceClassLabels(
  devices: readonly InstanceFeature[],
  whitelist: readonly string[],
  fields: readonly string[],
  withSriov: boolean,
): Record<string, string> {
  const labels: Record<string, string> = {};
  const prefixes = whitelist.map((entry) => entry.toLowerCase());
  for (const device of devices) {
    const attributes = device.attributes ?? {};
    const deviceClass = attributes.class ?? '';
    if (!prefixes.some((prefix) => deviceClass.startsWith(prefix))) continue;
    const label = fields.map((field) => attributes[field] ?? '').join('_');
    labels[`${label}.present`] = 'true';
    if (withSriov && Object.hasOwn(attributes, 'sriov_totalvfs')) labels[`${label}.sriov.capable`] = 'true';
  }
  return labels;
}
