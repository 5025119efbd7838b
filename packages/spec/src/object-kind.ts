/** "a ClusterServiceVersion (operators.coreos.com/v1alpha1)": how messages name another kind of object. */
export function describeObjectKind(kind: string | undefined, apiVersion: string | undefined): string {
  if (kind === undefined || kind === '') return 'a document without `kind`';
  const api = apiVersion === undefined || apiVersion === '' ? '' : ` (${shown(apiVersion)})`;
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${shown(kind)}${api}`;
}

/** A name as it is when it is a short word, else quoted (escapes, so that a message stays one line) and cut. */
function shown(name: string): string {
  if (/^[\x21-\x7e]{1,100}$/.test(name)) return name;
  return JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
}
