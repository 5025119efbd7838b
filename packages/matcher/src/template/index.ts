/**
 * Go text/template + sprig v3 for NFD's labelsTemplate / varsTemplate (matching.md §6).
 * Output is meant to be byte-identical to Go's for what NFD rules do.
 */
import { TemplateError } from './errors.ts';
import { execute } from './exec.ts';
import { checkFunction, FUNCS } from './funcs.ts';
import { parse } from './parser.ts';
import { utf8Length } from './values.ts';

export { TemplateError } from './errors.ts';
export { REFUSED_FUNCTIONS } from './funcs.ts';

/** Largest template source accepted, in UTF-8 bytes (matching.md §6.1). */
export const TEMPLATE_MAX_BYTES: 65536 = 65536;
/** Default bound on the output of one execution. */
export const TEMPLATE_DEFAULT_MAX_OUTPUT_BYTES: number = 1 << 20;

export interface Template {
  /** Runs the template (missingkey=error); throws TemplateError with phase 'exec'. */
  execute(data: unknown, options?: { maxOutputBytes?: number }): string;
}

export interface ParseTemplateOptions {
  /** Template name used in error messages; NFD uses "". */
  name?: string;
}

/** Parses a template; throws TemplateError with phase 'parse'. */
export function parseTemplate(source: string, options?: ParseTemplateOptions): Template {
  const name = options?.name ?? '';
  const size = utf8Length(source);
  if (size > TEMPLATE_MAX_BYTES)
    throw new TemplateError(
      'parse',
      `template: ${name}: template is ${size} bytes, more than the limit of ${TEMPLATE_MAX_BYTES} bytes`,
    );
  const trees = parse(source, name, checkFunction);
  return {
    execute(data: unknown, opts?: { maxOutputBytes?: number }): string {
      return execute(data, {
        source,
        trees,
        name,
        funcs: FUNCS,
        maxOutputBytes: opts?.maxOutputBytes ?? TEMPLATE_DEFAULT_MAX_OUTPUT_BYTES,
      });
    },
  };
}

/** Every function name a template may use, sorted. */
export function templateFunctionNames(): readonly string[] {
  return Object.keys(FUNCS).sort();
}
