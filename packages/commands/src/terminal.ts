import { createStyler, type Styler } from '@nfd/report/style';
import type { CliHost, OutputStream } from './host.ts';

/**
 * Colour on a stream: never with NO_COLOR (any non-empty value) or TERM=dumb, forced by
 * FORCE_COLOR (any value but 0/false), otherwise only when the stream is a TTY.
 */
export function colorEnabled(stream: OutputStream, env: CliHost['env']): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Diagnostics for stderr; stdout carries only results. */
export interface Logger {
  warn(message: string): void;
  info(message: string): void;
  error(message: string, hint?: string): void;
  debug(message: string): void;
}

export function createLogger(host: CliHost, options: { debug: boolean }): Logger {
  // Decided on first use: asking stderr whether it is a terminal builds the stream.
  let styler: Styler | undefined;
  const style: Styler = (styles, text) => {
    styler ??= createStyler(colorEnabled(host.stderr, host.env));
    return styler(styles, text);
  };
  const line = (text: string): void => {
    host.stderr.write(`${text}\n`);
  };
  return {
    warn: (message) => line(`${style(['bold', 'yellow'], 'warning')}: ${message}`),
    info: (message) => line(message),
    error: (message, hint) => {
      line(`${style(['bold', 'red'], 'error')}: ${message}`);
      if (hint !== undefined) line(`${style('bold', 'hint')}: ${hint}`);
    },
    debug: (message) => {
      if (options.debug) line(style('dim', `debug: ${message}`));
    },
  };
}
