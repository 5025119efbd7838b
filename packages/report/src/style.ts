import { styleText } from 'node:util';

type Format = Parameters<typeof styleText>[0];

/** A text styler: ANSI styles when colour is on, the text unchanged otherwise. */
export type Styler = (format: Format, text: string) => string;

/** The caller decides whether colour is on (TTY, NO_COLOR, FORCE_COLOR); rendering stays pure. */
export function createStyler(color: boolean): Styler {
  if (!color) return (_format, text) => text;
  return (format, text) => styleText(format, text, { validateStream: false });
}
