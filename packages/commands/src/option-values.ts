// Option value collectors shared by the command definitions (kept import-free: definitions load at start).

/** A repeatable option's values in order: `-n a.yaml -n b.yaml` → [a.yaml, b.yaml]. */
export function collectRepeated(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--tags a,b --tags c` → [a, b, c]: repeatable and comma-separated, as upstream's StringSlice. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  ];
}
