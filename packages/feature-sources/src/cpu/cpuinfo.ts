// /proc/cpuinfo parsing (features.md §6.4): only the first processor block matters; a line's key
// and value are split at the first ':' and both trimmed.

/** The first processor block of /proc/cpuinfo. */
export interface CpuinfoBlock {
  /** Every `key: value` line of the block (the first occurrence of a key wins). */
  readonly fields: ReadonlyMap<string, string>;
  /** The space-separated `flags` (x86) or `Features` (arm/arm64) entries. */
  readonly flags: ReadonlySet<string>;
}

export function parseCpuinfo(text: string): CpuinfoBlock {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (fields.size > 0) break; // end of the first block
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    // A second `processor` line without a blank line between blocks also ends the first block.
    if (key === 'processor' && fields.has('processor')) break;
    if (!fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  const list = fields.get('flags') ?? fields.get('Features') ?? '';
  return { fields, flags: new Set(list.split(/\s+/).filter((flag) => flag !== '')) };
}

/** Parses a decimal or 0x-prefixed integer field; undefined when absent or malformed. */
export function intField(block: CpuinfoBlock, key: string): number | undefined {
  const value = block.fields.get(key);
  if (value === undefined) return undefined;
  if (/^0x[0-9a-fA-F]+$/.test(value)) return Number.parseInt(value.slice(2), 16);
  if (/^\d+$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}
