/** A template that cannot be parsed (phase 'parse') or fails while running (phase 'exec'). */
export class TemplateError extends Error {
  override name = 'TemplateError';
  readonly phase: 'parse' | 'exec';
  /** 1-based line of the offending token or node, when known. */
  readonly line: number | undefined;
  /**
   * Column as Go reports it: the byte offset of the node within its line (0-based, UTF-8 bytes),
   * the same number Go prints in `template: name:LINE:COL: …`.
   */
  readonly column: number | undefined;
  constructor(phase: 'parse' | 'exec', message: string, line?: number, column?: number) {
    super(message);
    this.phase = phase;
    this.line = line;
    this.column = column;
  }
}

/** Thrown by template functions; the executor wraps it as `error calling NAME: message`. */
export class FuncError extends Error {
  override name = 'FuncError';
}

/** Internal: an exec error raised somewhere below the executor, already fully worded. */
export class ExecAbort extends Error {
  override name = 'ExecAbort';
}

/** Go-style location of a JS string index: 1-based line, byte column within the line. */
export function location(source: string, index: number): { line: number; column: number } {
  const before = source.slice(0, index);
  const nl = before.lastIndexOf('\n');
  let line = 1;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
  const lineText = nl === -1 ? before : before.slice(nl + 1);
  return { line, column: Buffer.byteLength(lineText, 'utf8') };
}
