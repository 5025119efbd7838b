// A file holding unrendered Helm/Go template syntax (`{{ .Values.x }}`) is no YAML a tool can read;
// both loaders say so once instead of listing the syntax errors it causes.

const TEMPLATE_SYNTAX = /\{\{-?\s*[.$A-Za-z(/]/;

/** The hint for a file that fails to parse, when it holds template syntax. */
export function templateHint(text: string): string | undefined {
  return TEMPLATE_SYNTAX.test(text)
    ? 'the file holds unrendered Helm/Go template syntax ({{ … }}); render it first (e.g. `helm template`) and give the output'
    : undefined;
}
