// YAML for Go readers: what we write (export --nodefeature -o yaml, scheduling rules, Jobs, reports)
// is read back by kubectl, nfd-master and upstream's tools through sigs.k8s.io/yaml (go-yaml v2,
// YAML 1.1 scalars). A YAML 1.2 writer leaves `y`, `on`, `0755`, `1:20`, `09` or `2024-01-02` bare,
// and go-yaml would read them as a bool, a number or a time; so every string (key or value) that
// go-yaml would not resolve to a string is written double-quoted.
import { Document, isScalar, Scalar, visit } from 'yaml';
import { resolvePlainScalar } from './go-yaml.ts';

/** Would go-yaml read this text, written as a plain scalar, as something other than this string? */
function needsQuotes(text: string): boolean {
  // `<<` is a merge key to go-yaml; a timestamp-looking string is quoted for any other Go reader.
  return text === '<<' || resolvePlainScalar(text).type !== 'str' || /^\d{4}-\d{1,2}-\d{1,2}/.test(text);
}

/** `yaml`'s stringify, with every string a Go reader would take as a non-string double-quoted. */
export function stringifyForGo(value: unknown): string {
  const document = new Document(value);
  visit(document, {
    Scalar(_, node) {
      if (isScalar(node) && typeof node.value === 'string' && needsQuotes(node.value))
        node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return document.toString();
}
