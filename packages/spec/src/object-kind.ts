/** "a ClusterServiceVersion (operators.coreos.com/v1alpha1)": how messages name another kind of object. */
export function describeObjectKind(kind: string | undefined, apiVersion: string | undefined): string {
  if (kind === undefined || kind === '') return 'a document without `kind`';
  const api = apiVersion === undefined || apiVersion === '' ? '' : ` (${apiVersion})`;
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}${api}`;
}
