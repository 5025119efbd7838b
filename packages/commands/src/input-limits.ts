import { InvalidArgumentError, Option } from '@commander-js/extra-typings';

// How large an input file may be: spec and rule files 4 MiB, NodeFeature files 64 MiB (a node with
// thousands of PCI and USB devices is far below), each raised by its flag. A larger file is refused
// before it is read whole (read-input.ts reads at most the limit and one byte more).

export const DEFAULT_MAX_SPEC_SIZE = '4Mi';
export const DEFAULT_MAX_NODEFEATURE_SIZE = '64Mi';

export interface InputLimitFlags {
  /** Bytes, from `--max-spec-size`. */
  maxSpecSize?: number;
  /** Bytes, from `--max-nodefeature-size`. */
  maxNodefeatureSize?: number;
}

/** The most a file read may hold, what it is for, and the flag that raises it (when the command has one). */
export interface InputLimit {
  bytes: number;
  /** What the limit is for, as the error says it: "spec and rule files". */
  what: string;
  flag?: string;
}

const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const EXPECTED = 'a size in bytes, or a quantity such as 512Ki, 4Mi, 64Mi, 1Gi or 10M';

/** A size as Kubernetes writes quantities (`4Mi`, `1.5Gi`, `10M`, `1e6`, or bytes), in bytes. */
export function parseSize(text: string): number {
  const match = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(
    text.trim(),
  );
  if (match === null) throw new InvalidArgumentError(`expected ${EXPECTED}`);
  const [, number = '', exponent, suffix = ''] = match;
  if (exponent !== undefined && suffix !== '') throw new InvalidArgumentError(`expected ${EXPECTED}`);
  const bytes = Math.ceil(Number(number) * 10 ** Number(exponent ?? 0) * (SUFFIXES[suffix] ?? Number.NaN));
  if (!Number.isSafeInteger(bytes)) throw new InvalidArgumentError(`too large (${EXPECTED})`);
  if (bytes < 1) throw new InvalidArgumentError(`a size must be at least 1 byte (${EXPECTED})`);
  return bytes;
}

/** `4194304` → `4Mi`, `1500` → `1500 bytes`: a limit as the flag would take it. */
export function formatSize(bytes: number): string {
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const unit = SUFFIXES[suffix] ?? 1;
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return `${bytes} bytes`;
}

/** `--max-spec-size SIZE`, for every command that reads a spec or rule file. */
export function maxSpecSizeOption(): Option {
  return new Option(
    '--max-spec-size <size>',
    'the largest spec or rule file read (bytes, or a quantity such as 4Mi or 1Gi)',
  )
    .argParser(parseSize)
    .default(parseSize(DEFAULT_MAX_SPEC_SIZE), DEFAULT_MAX_SPEC_SIZE);
}

/** `--max-nodefeature-size SIZE`, for every command that reads NodeFeature files. */
export function maxNodeFeatureSizeOption(): Option {
  return new Option(
    '--max-nodefeature-size <size>',
    'the largest NodeFeature file read (bytes, or a quantity such as 64Mi or 1Gi)',
  )
    .argParser(parseSize)
    .default(parseSize(DEFAULT_MAX_NODEFEATURE_SIZE), DEFAULT_MAX_NODEFEATURE_SIZE);
}

/** The limit for spec and rule files; the flag is named only when the command has it. */
export function specSizeLimit(flags: InputLimitFlags): InputLimit {
  return {
    bytes: flags.maxSpecSize ?? parseSize(DEFAULT_MAX_SPEC_SIZE),
    what: 'spec and rule files',
    ...(flags.maxSpecSize === undefined ? {} : { flag: '--max-spec-size' }),
  };
}

/** The limit for NodeFeature files; the flag is named only when the command has it. */
export function nodeFeatureSizeLimit(flags: InputLimitFlags): InputLimit {
  return {
    bytes: flags.maxNodefeatureSize ?? parseSize(DEFAULT_MAX_NODEFEATURE_SIZE),
    what: 'NodeFeature files',
    ...(flags.maxNodefeatureSize === undefined ? {} : { flag: '--max-nodefeature-size' }),
  };
}

/** What read-input.ts reads when a caller names no limit (an images list, a secret on stdin). */
export const DEFAULT_INPUT_LIMIT: InputLimit = {
  bytes: parseSize(DEFAULT_MAX_SPEC_SIZE),
  what: 'input files',
};
