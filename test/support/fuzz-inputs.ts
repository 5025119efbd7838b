// Hostile inputs for the fuzz suites of the loaders (packages/spec) and the command tree
// (packages/commands): real files mutated byte by byte, line by line and YAML-wise (anchors,
// aliases, merge keys, tags, deep nesting, long scalars, odd indentation), and documents built from
// structured arbitraries, written as YAML or JSON. fast-check draws them from one seed, so a run is
// reproducible: NFD_FUZZ_SEED changes the seed, NFD_FUZZ_RUNS the number of inputs (the default
// total of the suites is 100,000, shared out by each suite's `share`).
import fc from 'fast-check';

function envInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name}=${text}: expected an integer`);
  return value;
}

/** The seed of every fuzz run (NFD_FUZZ_SEED). */
export const FUZZ_SEED: number = envInteger('NFD_FUZZ_SEED', 15_100_300);

/** The number of inputs of all loader fuzz suites together (NFD_FUZZ_RUNS). */
export const FUZZ_RUNS: number = envInteger('NFD_FUZZ_RUNS', 100_000);

/** A suite's part of FUZZ_RUNS, at least 1. */
export function runsFor(share: number, total: number = FUZZ_RUNS): number {
  return Math.max(1, Math.round(total * share));
}

// ---------------------------------------------------------------------------------------------
// Mutations of a text. Positions are fractions of the text (or of its lines), so that they shrink
// towards the start and fit texts of any length.

type Mutation = (text: string) => string;

const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/** One of `items` (fc.constantFrom, without its per-value bookkeeping: this is drawn millions of times). */
function pick<T>(items: readonly T[]): fc.Arbitrary<T> {
  return fc.nat({ max: items.length - 1 }).map((i) => items[i] as T);
}

function index(fraction: number, length: number): number {
  return Math.min(length, Math.floor(fraction * (length + 1)));
}

function lineEdit(text: string, fraction: number, edit: (lines: string[], i: number) => void): string {
  const lines = text.split('\n');
  edit(lines, Math.min(lines.length - 1, Math.floor(fraction * lines.length)));
  return lines.join('\n');
}

/** Where a value starts after `key: ` nearest after a position, or undefined. */
function valueAt(text: string, fraction: number): { start: number; end: number } | undefined {
  const from = index(fraction, text.length);
  const colon = text.indexOf(': ', from) >= 0 ? text.indexOf(': ', from) : text.indexOf(': ');
  if (colon < 0) return undefined;
  const start = colon + 2;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  return { start, end };
}

const TOKENS = [
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '-',
  '- ',
  ':',
  ': ',
  '? ',
  '#',
  ' # c',
  "'",
  '"',
  '[',
  ']',
  '{',
  '}',
  ',',
  '|',
  '>-',
  '&a ',
  '*a',
  '*b',
  '&b ',
  '<<: ',
  '!!str ',
  '!!int ',
  '!',
  '%',
  '@',
  '`',
  '---\n',
  '...\n',
  '\\',
  '\\u',
  '~',
  'null',
  'y',
  'on',
  '0x1F',
  '0755',
  '1e999',
  '-.inf',
  '.nan',
  '9223372036854775808',
  '{{',
  '}}',
  '{{ .x }}',
  '\u0000',
  '\u0085',
  '\u2028',
  '\uFEFF',
  '\uD800',
  'é',
  '💥',
];

const TAGS = [
  '!!str',
  '!!int',
  '!!float',
  '!!bool',
  '!!null',
  '!!binary',
  '!!timestamp',
  '!!map',
  '!!seq',
  '!!set',
  '!!omap',
  '!!pairs',
  '!!merge',
  '!foo',
  '!<tag:yaml.org,2002:str>',
  '!<tag:example.com,2000:x>',
  '!',
];

const MERGES = [
  '<<: *a',
  '<<: [*a, *b]',
  '<<: 3',
  '<<: [1, 2]',
  '<<: {x: 1}',
  '<<: *missing',
  '<<: [*a, 1]',
  '<<:',
  '<<: *a\n<<: *b',
];

/** A YAML "billion laughs": `levels` anchors, each aliasing the previous one `fan` times. */
export function aliasBomb(levels: number, fan: number): string {
  const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= levels; i++)
    lines.push(`l${i}: &l${i} [${Array.from({ length: fan }, () => `*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** `depth` nested mappings or sequences, block or flow, around `inner` (block mappings: one level a line). */
export function nested(
  depth: number,
  style: 'flow-seq' | 'flow-map' | 'block-map' | 'block-seq',
  inner = 'x',
): string {
  switch (style) {
    case 'flow-seq':
      return `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
    case 'flow-map':
      return `${'{a: '.repeat(depth)}${inner}${'}'.repeat(depth)}`;
    case 'block-map':
      return `${Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:`).join('\n')}\n${' '.repeat(depth)}${inner}`;
    case 'block-seq':
      // Compact nested sequences (`- - - x`): as deep, far shorter than one level per line.
      return `${'- '.repeat(depth)}${inner}`;
  }
}

const byteMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(at, fc.integer({ min: 1, max: 12 })).map(
    ([p, n]): Mutation =>
      (t) =>
        t.slice(0, index(p, t.length)) + t.slice(index(p, t.length) + n),
  ),
  fc.tuple(at, pick(TOKENS)).map(
    ([p, token]): Mutation =>
      (t) =>
        t.slice(0, index(p, t.length)) + token + t.slice(index(p, t.length)),
  ),
  fc.tuple(at, fc.string({ unit: 'binary', minLength: 1, maxLength: 4 })).map(
    ([p, s]): Mutation =>
      (t) =>
        t.slice(0, index(p, t.length)) + s + t.slice(index(p, t.length)),
  ),
  fc.tuple(at, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })).map(
    ([p, s]): Mutation =>
      (t) =>
        t.slice(0, index(p, t.length)) + s + t.slice(index(p, t.length) + 1),
  ),
  at.map(
    (p): Mutation =>
      (t) =>
        t.slice(0, index(p, t.length)),
  ),
);

const lineMutation: fc.Arbitrary<Mutation> = fc.oneof(
  at.map(
    (p): Mutation =>
      (t) =>
        lineEdit(t, p, (lines, i) => lines.splice(i, 0, lines[i] ?? '')),
  ),
  at.map(
    (p): Mutation =>
      (t) =>
        lineEdit(t, p, (lines, i) => lines.splice(i, 1)),
  ),
  fc.tuple(at, at).map(
    ([p, q]): Mutation =>
      (t) =>
        lineEdit(t, p, (lines, i) => {
          const j = Math.min(lines.length - 1, Math.floor(q * lines.length));
          [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
        }),
  ),
  fc.tuple(at, fc.integer({ min: -4, max: 4 })).map(
    ([p, n]): Mutation =>
      (t) =>
        lineEdit(t, p, (lines, i) => {
          const line = lines[i] ?? '';
          lines[i] = n >= 0 ? ' '.repeat(n) + line : line.replace(new RegExp(`^ {1,${-n}}`), '');
        }),
  ),
  at.map(
    (p): Mutation =>
      (t) =>
        lineEdit(t, p, (lines, i) => (lines[i] = (lines[i] ?? '').replace(/^ +/, '\t'))),
  ),
  pick<Mutation>([
    (t) => t.replaceAll('\n', '\r\n'),
    (t) => `\uFEFF${t}`,
    (t) => `${t}\n---\n${t}`,
    (t) => `---\n${t}\n...\n`,
    (t) => t.replaceAll('  ', ' '),
    (t) => t.replaceAll('  ', '   '),
    (t) => t.trimEnd(),
  ]),
);

const lightYamlMutation: fc.Arbitrary<Mutation> = fc.oneof(
  // An anchor on a value, and aliases of it elsewhere.
  fc.tuple(at, pick(['a', 'b', 'x'])).map(
    ([p, name]): Mutation =>
      (t) => {
        const value = valueAt(t, p);
        return value === undefined ? t : `${t.slice(0, value.start)}&${name} ${t.slice(value.start)}`;
      },
  ),
  fc.tuple(at, pick(['*a', '*b', '*x', '*missing', '*a ', '**a', '*'])).map(
    ([p, alias]): Mutation =>
      (t) => {
        const value = valueAt(t, p);
        return value === undefined ? t : t.slice(0, value.start) + alias + t.slice(value.end);
      },
  ),
  fc.tuple(at, pick(MERGES)).map(
    ([p, merge]): Mutation =>
      (t) =>
        lineEdit(t, p, (lines, i) => {
          const indent = (lines[i] ?? '').match(/^ */)?.[0] ?? '';
          lines.splice(i, 0, ...merge.split('\n').map((line) => indent + line));
        }),
  ),
  fc.tuple(at, pick(TAGS)).map(
    ([p, tag]): Mutation =>
      (t) => {
        const value = valueAt(t, p);
        return value === undefined ? t : `${t.slice(0, value.start)}${tag} ${t.slice(value.start)}`;
      },
  ),
  pick<Mutation>([
    (t) => `%YAML 1.1\n---\n${t}`,
    (t) => `%YAML 1.2\n---\n${t}`,
    (t) => `%TAG !e! tag:example.com,2000:\n---\n${t}`,
    (t) => `${aliasBomb(2, 3)}${t}`,
    (t) => `a: &a {x: 1}\nb: &b {y: 2}\n${t}`,
  ]),
  // A billion laughs where a value is.
  fc.tuple(at, fc.integer({ min: 3, max: 9 }), fc.integer({ min: 2, max: 10 })).map(
    ([p, levels, fan]): Mutation =>
      (t) =>
        lineEdit(t, p, (lines, i) => {
          const indent = (lines[i] ?? '').match(/^ */)?.[0] ?? '';
          lines.splice(
            i,
            0,
            ...aliasBomb(levels, fan)
              .trimEnd()
              .split('\n')
              .map((line) => indent + line),
            `${indent}bomb: *l${levels}`,
          );
        }),
  ),
  // A complex key, a duplicate key, a document end, a block scalar.
  fc
    .tuple(
      at,
      pick([
        '? [a, b]\n: c',
        '? |\n  k\n: v',
        'kind: X',
        'kind: NodeFeature',
        '...',
        '--- |\n  text',
        'x: |\n  a\n b',
        'x: >+\n\n',
      ]),
    )
    .map(
      ([p, insert]): Mutation =>
        (t) =>
          lineEdit(t, p, (lines, i) => {
            const indent = (lines[i] ?? '').match(/^ */)?.[0] ?? '';
            lines.splice(i, 0, ...insert.split('\n').map((line) => indent + line));
          }),
    ),
);

// Expensive ones (large texts): rare in the mixes below.
const heavyYamlMutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Nesting past the limit (and just below it), where a value is.
  fc
    .tuple(
      at,
      fc.oneof(fc.integer({ min: 250, max: 262 }), fc.integer({ min: 263, max: 1200 })),
      pick(['flow-seq', 'flow-map', 'block-map', 'block-seq']) as fc.Arbitrary<
        'flow-seq' | 'flow-map' | 'block-map' | 'block-seq'
      >,
    )
    .map(
      ([p, depth, style]): Mutation =>
        (t) => {
          // A block mapping costs a line a level (and its indentation): past the limit, not far.
          if (style === 'block-map')
            return lineEdit(t, p, (lines, i) => lines.splice(i, 0, nested(Math.min(depth, 280), style)));
          const value = valueAt(t, p);
          return value === undefined
            ? nested(depth, style)
            : t.slice(0, value.start) + nested(depth, style) + t.slice(value.end);
        },
    ),
  // A long scalar, plain or quoted.
  fc
    .tuple(
      at,
      fc.integer({ min: 1_000, max: 20_000 }),
      pick(['', '"', "'"]),
      pick(['a', 'ab ', '\\', '\u00e9']),
    )
    .map(
      ([p, length, quote, unit]): Mutation =>
        (t) => {
          const value = valueAt(t, p);
          const long = quote + unit.repeat(Math.ceil(length / unit.length)) + quote;
          return value === undefined ? t : t.slice(0, value.start) + long + t.slice(value.end);
        },
    ),
);

/** One to four mutations of any kind, in order. */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    { weight: 60, arbitrary: byteMutation },
    { weight: 40, arbitrary: lineMutation },
    { weight: 60, arbitrary: lightYamlMutation },
    { weight: 1, arbitrary: heavyYamlMutation },
  ),
  { minLength: 1, maxLength: 4 },
);

/** Mutations that change the YAML structure only (anchors, aliases, merges, tags, nesting, long scalars). */
export const yamlMutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof({ weight: 30, arbitrary: lightYamlMutation }, { weight: 1, arbitrary: heavyYamlMutation }),
  { minLength: 1, maxLength: 3 },
);

/** A seed text with mutations applied. */
export function mutated(
  seeds: readonly string[],
  how: fc.Arbitrary<Mutation[]> = mutations,
): fc.Arbitrary<string> {
  return fc.tuple(pick(seeds), how).map(([seed, edits]) => edits.reduce((text, edit) => edit(text), seed));
}

// ---------------------------------------------------------------------------------------------
// Structured documents: the shapes of specs, rules and NodeFeatures, with values of every type
// where the schema wants one, written as YAML (block or flow) or JSON.

const TRICKY_STRINGS = [
  'y',
  'on',
  'No',
  '0755',
  '0x1F',
  '1.10',
  '1e3',
  '.inf',
  '~',
  'null',
  '<<',
  '*a',
  '&a',
  '!!str',
  '- x',
  'a: b',
  '#c',
  '',
  ' ',
  '2001-12-14',
  '{{ .x }}',
  '{{ range .pci.device }}{{ .vendor }}{{ end }}',
  '{{',
  '@kernel.version.major',
  '[a-z]+',
  '(',
  '\\',
  '"',
  "'",
  'é',
  '\u0000',
  'vendor.io/x',
  'kernel.version',
];

const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: pick(TRICKY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }) },
);

/** Anything: mostly scalars, sometimes a small list or mapping. */
const anything: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(text, scalar, { maxKeys: 3 }) },
);

function or<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary }, { weight: 1, arbitrary: anything });
}

const OPS = [
  'In',
  'NotIn',
  'InRegexp',
  'Exists',
  'DoesNotExist',
  'Gt',
  'Lt',
  'GtLt',
  'Ge',
  'Le',
  'GeLe',
  'IsTrue',
  'IsFalse',
];
const FEATURES = [
  'kernel.version',
  'kernel.loadedmodule',
  'cpu.cpuid',
  'cpu.model',
  'pci.device',
  'usb.device',
  'rule.matched',
  'system.osrelease',
  'x.y',
];

const expression = fc.record(
  {
    op: or(pick(OPS)),
    value: or(fc.array(or(fc.oneof(text, fc.integer().map(String))), { maxLength: 3 })),
    type: or(pick(['version', 'string', 'integer', 'x'])),
  },
  { requiredKeys: ['op'] },
);

const featureMatcher = fc.record(
  {
    feature: or(pick(FEATURES)),
    matchExpressions: or(fc.dictionary(text, or(expression), { maxKeys: 3 })),
    matchName: or(expression),
  },
  { requiredKeys: ['feature'] },
);

const matchFeatures = or(fc.array(or(featureMatcher), { maxLength: 3 }));

const rule = fc.record(
  {
    name: or(text),
    labels: or(fc.dictionary(text, or(text), { maxKeys: 2 })),
    labelsTemplate: or(text),
    annotations: or(fc.dictionary(text, or(text), { maxKeys: 2 })),
    vars: or(fc.dictionary(text, or(text), { maxKeys: 2 })),
    varsTemplate: or(text),
    extendedResources: or(fc.dictionary(text, or(text), { maxKeys: 2 })),
    taints: or(
      fc.array(
        or(
          fc.record({
            key: or(text),
            value: or(text),
            effect: or(pick(['NoSchedule', 'PreferNoSchedule', 'NoExecute', 'x'])),
          }),
        ),
        { maxLength: 2 },
      ),
    ),
    matchFeatures,
    matchAny: or(fc.array(or(fc.record({ matchFeatures })), { maxLength: 2 })),
  },
  { requiredKeys: ['name'] },
);

const API_VERSIONS = ['nfd.k8s-sigs.io/v1alpha1', 'nfd.openshift.io/v1alpha1', 'v1', ''];

/** An image compatibility spec's shape. */
export const specObject: fc.Arbitrary<unknown> = fc.record(
  {
    version: or(pick(['v1alpha1', 'v1alpha2'])),
    compatibilities: or(
      fc.array(
        or(
          fc.record(
            {
              tag: or(text),
              weight: or(fc.integer({ min: -5, max: 200 })),
              description: or(text),
              rules: or(fc.array(or(rule), { maxLength: 3 })),
            },
            { requiredKeys: [] },
          ),
        ),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: [] },
);

/** A NodeFeatureRule's or NodeFeatureGroup's shape. */
export const ruleObject: fc.Arbitrary<unknown> = fc.record(
  {
    apiVersion: or(pick(API_VERSIONS)),
    kind: or(pick(['NodeFeatureRule', 'NodeFeatureGroup', 'NodeFeature', 'ConfigMap'])),
    metadata: or(fc.record({ name: or(text), namespace: or(text) }, { requiredKeys: [] })),
    spec: or(
      fc.record(
        {
          rules: or(fc.array(or(rule), { maxLength: 3 })),
          featureGroupRules: or(fc.array(or(rule), { maxLength: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

const featureName: fc.Arbitrary<string> = fc.oneof(pick(FEATURES), text);

const elements = or(fc.dictionary(text, or(fc.oneof(text, fc.constant({}))), { maxKeys: 3 }));

/** A NodeFeature's (or a bare `export features` document's) shape. */
export const nodeFeatureObject: fc.Arbitrary<unknown> = fc
  .record(
    {
      features: or(
        fc.record(
          {
            flags: or(
              fc.dictionary(featureName, or(fc.record({ elements }, { requiredKeys: [] })), { maxKeys: 2 }),
            ),
            attributes: or(
              fc.dictionary(featureName, or(fc.record({ elements }, { requiredKeys: [] })), { maxKeys: 2 }),
            ),
            instances: or(
              fc.dictionary(
                featureName,
                or(
                  fc.record(
                    {
                      elements: or(
                        fc.array(or(fc.record({ attributes: elements }, { requiredKeys: [] })), {
                          maxLength: 2,
                        }),
                      ),
                    },
                    { requiredKeys: [] },
                  ),
                ),
                { maxKeys: 2 },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      labels: or(fc.dictionary(text, or(text), { maxKeys: 2 })),
      bare: fc.boolean(),
      apiVersion: or(pick(API_VERSIONS)),
      kind: or(pick(['NodeFeature', 'NodeFeatureRule', ''])),
    },
    { requiredKeys: ['bare'] },
  )
  .map(({ bare, features, labels, apiVersion, kind }) =>
    bare ? features : { apiVersion, kind, metadata: { name: 'n' }, spec: { features, labels } },
  );

// A small YAML writer with choices of its own (block or flow, quoting), so that the texts are not
// only what one library would write.

interface Style {
  flowFrom: number;
  quote: 'plain' | 'double' | 'single';
  indent: number;
}

/** Control characters, line separators, lone surrogates, quotes and backslashes: only a double-quoted scalar writes them. */
function needsEscapes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return true;
    if ((code >= 0xd800 && code <= 0xdfff) || code === 0x22 || code === 0x5c) return true;
  }
  return false;
}

function yamlScalar(value: unknown, style: Style): string {
  if (value === null || value === undefined) return style.quote === 'plain' ? '' : 'null';
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  const s = String(value);
  if (style.quote === 'double' || needsEscapes(s)) return JSON.stringify(s);
  if (style.quote === 'single' || s === '' || /^[\s\-?:,[\]{}#&*!|>'"%@`]|[:#]\s|\s$|:$/.test(s))
    return `'${s.replaceAll("'", "''")}'`;
  return s;
}

function yamlFlow(value: unknown, style: Style): string {
  if (Array.isArray(value)) return `[${value.map((item) => yamlFlow(item, style)).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(
        ([k, v]) =>
          `${yamlScalar(k, { ...style, quote: style.quote === 'plain' ? 'plain' : 'double' }) || '""'}: ${yamlFlow(v, style)}`,
      )
      .join(', ')}}`;
  return yamlScalar(value, style) || '""';
}

function yamlBlock(value: unknown, style: Style, depth: number, pad: string): string {
  const isCollection = value !== null && typeof value === 'object';
  if (!isCollection || depth >= style.flowFrom) return ` ${yamlFlow(value, style)}`;
  const inner = pad + ' '.repeat(style.indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    return value.map((item) => `\n${pad}-${yamlBlock(item, style, depth + 1, inner)}`).join('');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return ' {}';
  return entries
    .map(([k, v]) => `\n${pad}${yamlScalar(k, style) || '""'}:${yamlBlock(v, style, depth + 1, inner)}`)
    .join('');
}

function writeYaml(value: unknown, style: Style): string {
  const body = yamlBlock(value, style, 0, '');
  return `${body.startsWith('\n') ? body.slice(1) : body.trimStart()}\n`;
}

const styleArb: fc.Arbitrary<Style> = fc.record({
  flowFrom: fc.integer({ min: 0, max: 8 }),
  quote: pick(['plain', 'double', 'single']),
  indent: fc.integer({ min: 1, max: 4 }),
});

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** A structured value written as YAML (our writer, any style) or JSON (compact or indented). */
export function written(objects: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(objects, styleArb).map(([value, style]) => writeYaml(value, style)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(objects, pick([0, 1, 2]))
        .map(([value, indent]) => `${JSON.stringify(value, jsonReplacer, indent) ?? 'null'}\n`),
    },
  );
}

/** Structured documents, half of them mutated too. */
export function structured(objects: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc
    .tuple(written(objects), fc.option(mutations, { freq: 2 }))
    .map(([text, edits]) => (edits ?? []).reduce((t, edit) => edit(t), text));
}

// ---------------------------------------------------------------------------------------------
// What a rejection must look like.

/** The line count of a text, as a location may point one past its last line. */
function lineCount(text: string): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count + 1;
}

/** Why a location is out of the text, or undefined when it points into it. */
export function badLocation(text: string, line: number, column: number): string | undefined {
  if (!Number.isInteger(line) || !Number.isInteger(column)) return `not integers: ${line}:${column}`;
  if (line < 1 || column < 1) return `before the start: ${line}:${column}`;
  if (line > lineCount(text)) return `past the end: line ${line} of ${lineCount(text) - 1}`;
  return undefined;
}

/**
 * Why a rejection message is not located, or undefined when it is: each of its lines is
 * `file:line:col: …` (pointing into the text) or `file …` (about the whole file).
 */
export function unlocatedLine(message: string, file: string, text: string): string | undefined {
  for (const line of message.split('\n')) {
    if (line.includes('\r')) return `holds a carriage return: ${JSON.stringify(line.slice(0, 200))}`;
    if (!line.startsWith(file)) return `does not name ${file}: ${JSON.stringify(line.slice(0, 200))}`;
    const rest = line.slice(file.length);
    const located = /^:(\d+):(\d+): /.exec(rest);
    if (located !== null) {
      const bad = badLocation(text, Number(located[1]), Number(located[2]));
      if (bad !== undefined) return `${bad}: ${JSON.stringify(line.slice(0, 200))}`;
    } else if (!rest.startsWith(' ')) return `has no line:col: ${JSON.stringify(line.slice(0, 200))}`;
  }
  return undefined;
}

/** Figures of a fuzz run: inputs, loader calls, rejections, the slowest input and the peak memory. */
export class FuzzStats {
  inputs = 0;
  calls = 0;
  rejections = 0;
  slowestMs = 0;
  peakRss: number = process.memoryUsage.rss();
  readonly #started = performance.now();

  /** Times one input (all its loader calls). */
  time<T>(run: () => T): T {
    const start = performance.now();
    try {
      return run();
    } finally {
      this.inputs++;
      this.slowestMs = Math.max(this.slowestMs, performance.now() - start);
      if (this.inputs % 500 === 0) this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    }
  }

  /** Prints the figures on the test log (and returns them). */
  report(name: string): string {
    const line = this.summary(name);
    process.stdout.write(`${line}\n`);
    return line;
  }

  /** One line for the test log. */
  summary(name: string): string {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1);
    return `${name}: ${this.inputs} inputs, ${this.calls} loader runs, ${this.rejections} rejected (all NfdError, located) in ${seconds} s; slowest input ${this.slowestMs.toFixed(0)} ms; peak RSS ${Math.round(this.peakRss / 2 ** 20)} MiB (seed ${FUZZ_SEED})`;
  }
}
