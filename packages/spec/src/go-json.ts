/**
 * Escapes JSON text as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 inside
 * strings become `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029` (outside strings they never
 * occur), so documents we print are byte-identical to upstream's.
 */
export function goJsonEscape(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
