// Kubernetes name and value syntax, as k8s.io/apimachinery words it (v0.35: pkg/api/validate/content,
// which pkg/util/validation now forwards to; lengths are Go's len(), in UTF-8 bytes, and said in
// "bytes") (matching.md §8.2), and the quantity scanner of k8s.io/apimachinery/pkg/api/resource (§8.4).
// These are our own fixed patterns, so JavaScript RegExp is fine here (user patterns use RE2).

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MAX = 63;
const QUALIFIED_NAME_ERROR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric " +
  `character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME_FMT}')`;

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MAX = 253;

const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MAX = 63;
const utf8 = new TextEncoder();

/** Go's len(s): the length in UTF-8 bytes. */
function byteLength(value: string): number {
  return utf8.encode(value).length;
}

/** k8s IsQualifiedName: the problems of a label-style key, empty when valid. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const errors: string[] = [];
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const [prefix = '', rest = ''] = parts;
    name = rest;
    if (prefix === '') errors.push('prefix part must be non-empty');
    else errors.push(...dns1123SubdomainErrors(prefix).map((message) => `prefix part ${message}`));
  } else {
    return [
      `a valid label key ${QUALIFIED_NAME_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name === '') errors.push('name part must be non-empty');
  else if (byteLength(name) > QUALIFIED_NAME_MAX)
    errors.push(`name part must be no more than ${QUALIFIED_NAME_MAX} bytes`);
  if (name !== '' && !QUALIFIED_NAME.test(name)) errors.push(`name part ${QUALIFIED_NAME_ERROR}`);
  return errors;
}

/** k8s IsDNS1123Subdomain. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX)
    errors.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX} bytes`);
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errors.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
        `start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`,
    );
  }
  return errors;
}

/** k8s IsValidLabelValue. */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX) errors.push(`must be no more than ${LABEL_VALUE_MAX} bytes`);
  if (!LABEL_VALUE.test(value)) {
    errors.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must " +
        "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used " +
        `for validation is '${LABEL_VALUE_FMT}')`,
    );
  }
  return errors;
}

const SUFFIXES = new Set([
  '',
  'n',
  'u',
  'm',
  'k',
  'M',
  'G',
  'T',
  'P',
  'E',
  'Ki',
  'Mi',
  'Gi',
  'Ti',
  'Pi',
  'Ei',
]);
const SUFFIX_CHARS = new Set('eEinumkKMGTP');

/**
 * Whether `value` parses as a Kubernetes quantity (resource.ParseQuantity), following the scanner
 * of matching.md §8.4: sign, digits, fraction, then a suffix from a fixed set or a decimal
 * exponent. Permissive where upstream is (`.`, `+`, `1.` and negative values pass, Q27).
 */
export function quantityError(value: string): string | undefined {
  const invalid =
    'quantities must match the regular expression ' + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  if (value === '') return invalid;
  let i = 0;
  if (value[i] === '+' || value[i] === '-') i++;
  while (i < value.length && isDigit(value[i])) i++;
  if (value[i] === '.') {
    i++;
    while (i < value.length && isDigit(value[i])) i++;
  }
  const suffixStart = i;
  while (i < value.length && SUFFIX_CHARS.has(value[i] ?? '')) i++;
  const letters = value.slice(suffixStart, i);
  if (value[i] === '+' || value[i] === '-') i++;
  const expStart = i;
  while (i < value.length && isDigit(value[i])) i++;
  if (i !== value.length) return invalid;
  const exponent = value.slice(expStart, i);
  const signed = value.slice(suffixStart + letters.length, i);
  if (SUFFIXES.has(letters) && signed === '') return undefined;
  if ((letters === 'e' || letters === 'E') && exponent !== '') return undefined;
  return "unable to parse quantity's suffix";
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}
