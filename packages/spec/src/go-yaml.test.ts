import { describe, expect, it } from 'vitest';
import { decodeGo, type GoType } from './go-decode.ts';
import { formatGoFloat32, type GoNode, parseGoYaml, resolvePlainScalar } from './go-yaml.ts';

// What sigs.k8s.io/yaml (over go-yaml v2) makes of YAML, case by case. Each row names the go-yaml
// rule (go.yaml.in/yaml/v2 resolve.go / decode.go) or the sigs.k8s.io/yaml step it follows. The
// "string field" column is what a Go string field (a label value, an expression value) receives:
// sigs.k8s.io/yaml's convertToJSONableObject turns an int into its decimal text, a float into
// strconv.FormatFloat(v, 'g', -1, 32), a bool into "true"/"false". The rows marked "upstream" were
// also run through upstream kubectl-nfd dryrun (v0.20.0-devel) as label values.

const STRING_FIELD: GoType = {
  kind: 'slice',
  name: 'v1alpha1.MatchValue',
  elem: { kind: 'string', name: 'string' },
};

function asStrings(yaml: string): unknown {
  const parsed = parseGoYaml(yaml);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return decodeGo(parsed.documents[0]?.root as GoNode, STRING_FIELD);
}

describe('plain scalars in a string field (sigs.k8s.io/yaml coercion)', () => {
  const cases: [yaml: string, field: string, rule: string][] = [
    ['y', 'true', 'resolve.go map: y Y yes Yes YES → true (upstream)'],
    ['Y', 'true', 'resolve.go map'],
    ['yes', 'true', 'resolve.go map'],
    ['YES', 'true', 'resolve.go map'],
    ['on', 'true', 'resolve.go map: on On ON → true'],
    ['True', 'true', 'resolve.go map'],
    ['n', 'false', 'resolve.go map: n N no No NO → false'],
    ['No', 'false', 'resolve.go map'],
    ['off', 'false', 'resolve.go map: off Off OFF → false'],
    ['FALSE', 'false', 'resolve.go map'],
    ['yEs', 'yEs', 'mixed case is not in the map: a string'],
    ['~', '', 'resolve.go map: ~ null Null NULL → null; null into a string leaves ""'],
    ['null', '', 'resolve.go map (upstream: label "g" ← ~ is "")'],
    ['0755', '493', 'ParseInt base 0: a leading 0 is octal (upstream)'],
    ['0o17', '15', 'ParseInt base 0: 0o prefix'],
    ['0x1F', '31', 'ParseInt base 0: hex (upstream)'],
    ['0b101', '5', 'ParseInt base 0: binary'],
    ['1_000', '1000', 'underscores removed before ParseInt (upstream)'],
    ['+5', '5', 'sign hint, ParseInt'],
    ['-0', '0', 'ParseInt'],
    ['09', '9', 'not octal: ParseInt fails, yamlStyleFloat matches 09 → 9'],
    ['1.10', '1.1', 'float, FormatFloat(…, 32) (upstream)'],
    ['5.15', '5.15', 'float32 shortest form'],
    ['3.14159265358979', '3.1415927', 'float32 precision (upstream)'],
    ['1e10', '1e+10', 'float in %e form: exponent >= 6 (upstream)'],
    ['1.5e3', '1500', 'float, exponent < 6: plain form'],
    ['.5', '0.5', "hint '.': ParseFloat"],
    ['0.00001', '1e-05', 'exponent < -4: %e form'],
    ['.inf', '+Inf', 'resolve.go map: .inf → +Inf (upstream)'],
    ['-.Inf', '-Inf', 'resolve.go map'],
    ['.nan', 'NaN', 'resolve.go map'],
    ['123456789', '123456789', 'int (upstream)'],
    ['18446744073709551615', '18446744073709551615', 'ParseUint: uint64'],
    [
      '2024-01-02',
      '2024-01-02',
      'timestamp: kept as written for an interface{} target (go-yaml v2.4; upstream)',
    ],
    ['1:20', '1:20', 'base 60 dropped by go-yaml: a string'],
    ['5.15.0-1056-azure', '5.15.0-1056-azure', 'no number form matches: a string'],
    ['<<', '<<', 'a merge key only as a key'],
  ];
  it.each(cases)('%s → %s (%s)', (yaml, field) => {
    expect(asStrings(`[${yaml}]`)).toEqual([field]);
  });

  it('quoted scalars and !!str stay strings', () => {
    expect(asStrings(`- "y"\n- 'on'\n- !!str 0755\n- |-\n  1.10\n`)).toEqual(['y', 'on', '0755', '1.10']);
  });
});

describe('resolvePlainScalar (go-yaml types)', () => {
  it('types as go-yaml does', () => {
    expect(resolvePlainScalar('5')).toEqual({ type: 'int', value: 5n });
    expect(resolvePlainScalar('5.0')).toEqual({ type: 'float', value: 5 });
    expect(resolvePlainScalar('yes')).toEqual({ type: 'bool', value: true });
    expect(resolvePlainScalar('')).toEqual({ type: 'null' });
    expect(resolvePlainScalar('99999999999999999999')).toEqual({ type: 'float', value: 1e20 });
  });

  it('formats floats as FormatFloat(v, g, -1, 32)', () => {
    expect(formatGoFloat32(100000)).toBe('100000');
    expect(formatGoFloat32(1000000)).toBe('1e+06');
    expect(formatGoFloat32(1234567)).toBe('1.234567e+06');
    expect(formatGoFloat32(-2.5)).toBe('-2.5');
    expect(formatGoFloat32(0.0001)).toBe('0.0001');
  });
});

describe('mappings as go-yaml builds them', () => {
  const plain = (yaml: string): unknown => {
    const parsed = parseGoYaml(yaml);
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
    return decodeGo(parsed.documents[0]?.root as GoNode, { kind: 'any', name: 'interface {}' });
  };

  it('a later duplicate key wins (decode.go mapping, not strict)', () => {
    expect(plain('a: 1\nb: 2\na: 3\n')).toEqual({ a: 3, b: 2 });
  });

  it('merge keys: <<: *anchor, explicit keys after it win, earlier maps of a list win', () => {
    expect(plain('base: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 3\n')).toEqual({
      base: { p: 1, q: 2 },
      m: { p: 1, q: 3 },
    });
    expect(plain('a: &a {k: a}\nb: &b {k: b, j: b}\nm: {<<: [*a, *b]}\n')).toMatchObject({
      m: { k: 'a', j: 'b' },
    });
  });

  it('non-string keys become their text (sigs.k8s.io/yaml: bool → "true", int → decimal, float → g/32)', () => {
    expect(plain('y: 1\n010: 2\n1.10: 3\n')).toEqual({ true: 1, '8': 2, '1.1': 3 });
  });

  it('a null key is an error, as in sigs.k8s.io/yaml', () => {
    const parsed = parseGoYaml('? ~\n: 1\n');
    expect(parsed.ok).toBe(false);
  });

  it('aliases expand to their anchored value', () => {
    expect(plain('a: &v [x, z]\nb: *v\n')).toEqual({ a: ['x', 'z'], b: ['x', 'z'] });
  });

  it('a __proto__ key is an ordinary key', () => {
    const value = plain('__proto__: {polluted: yes}\n') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('indentation go-yaml accepts', () => {
  it('a flow collection closed at its parent key’s column (found in a ROCm rule file)', () => {
    const yaml = `matchExpressions:
  device: {op: In, value: [
    "74a1",
    "74a5"
  ]}
  vendor: {op: In, value: ["1002",
  "1003"]}
`;
    const parsed = parseGoYaml(yaml);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.reindented.map((at) => at.line)).toEqual([5, 7]);
    expect(decodeGo(parsed.documents[0]?.root as GoNode, { kind: 'any', name: 'interface {}' })).toEqual({
      matchExpressions: {
        device: { op: 'In', value: ['74a1', '74a5'] },
        vendor: { op: 'In', value: ['1002', '1003'] },
      },
    });
  });

  it('reports a real syntax error once per line, located', () => {
    const parsed = parseGoYaml('a: [b\nc: d\n  e: f\n');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const lines = parsed.errors.map((error) => error.at.line);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
