import { InvalidArgumentError, Option } from '@commander-js/extra-typings';

// `--request-timeout DURATION`, kubectl's flag: how long one registry or Kubernetes API request may
// wait for a connection, for the response headers, and for each piece of its body. The same syntax
// as kubectl: a Go duration (`30s`, `1m`, `1h30m`, `1.5s`, `500ms`) or a bare integer of seconds;
// `0` means no limit.

export const DEFAULT_REQUEST_TIMEOUT = '30s';

export interface RequestTimeoutFlags {
  /** Milliseconds; 0 = no limit. */
  requestTimeout?: number;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const EXPECTED = 'a duration such as 30s, 1m or 1h30m, or an integer of seconds; 0 for no limit';

/** A request timeout as kubectl reads it (integer seconds, or a Go duration), in milliseconds. */
export function parseRequestTimeout(text: string): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Go's time.ParseDuration: a sequence of decimal numbers, each with a unit; a lone 0 needs none.
  if (value === '0' || value === '+0') return 0;
  const body = value.startsWith('+') ? value.slice(1) : value;
  if (body.startsWith('-')) throw new InvalidArgumentError(`a timeout cannot be negative (${EXPECTED})`);
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const match = part.exec(body);
    if (match === null) throw new InvalidArgumentError(`expected ${EXPECTED}`);
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    at = part.lastIndex;
  }
  if (body === '' || !Number.isFinite(total)) throw new InvalidArgumentError(`expected ${EXPECTED}`);
  // Below a millisecond but not zero: the smallest timer there is.
  return total > 0 && total < 1 ? 1 : Math.round(total);
}

/** `--request-timeout`, in the help group of the command's network flags. */
export function requestTimeoutOption(group: string): Option {
  return new Option(
    '--request-timeout <duration>',
    'the longest a registry or API request may wait to connect, for headers, or for more body data (0: none)',
  )
    .argParser(parseRequestTimeout)
    .default(parseRequestTimeout(DEFAULT_REQUEST_TIMEOUT), DEFAULT_REQUEST_TIMEOUT)
    .helpGroup(group);
}

/** The flag's value in milliseconds (the default when a command has no such flag). */
export function requestTimeoutMs(flags: RequestTimeoutFlags): number {
  return flags.requestTimeout ?? parseRequestTimeout(DEFAULT_REQUEST_TIMEOUT);
}
