import type { FeatureMatcherTerm, Features, MatchExpression, MatchOp } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { ExpressionError } from './expression.ts';
import { type FeatureIndex, indexFeatures, setMatchedAttributes } from './features.ts';
import {
  compareByteOrder,
  compileTerms,
  goToLower,
  type MatchedElement,
  type ProcessedTerm,
  TermError,
  type TermsResult,
} from './match-features.ts';

function e(op: string, value?: string[], type?: string): MatchExpression {
  return {
    op: op as MatchOp,
    ...(value === undefined ? {} : { value }),
    ...(type === undefined ? {} : { type }),
  };
}

function index(partial: Partial<Features>): FeatureIndex {
  return indexFeatures({ flags: {}, attributes: {}, instances: {}, ...partial });
}

function run(terms: FeatureMatcherTerm[], features: FeatureIndex, failFast = true): TermsResult {
  return compileTerms(terms).match(features, failFast);
}

/** Runs one term; returns the match result and the elements recorded under its data key. */
function runTerm(
  term: FeatureMatcherTerm,
  features: FeatureIndex,
  failFast = true,
): { matched: boolean; elements: MatchedElement[] | undefined; processed: ProcessedTerm[] } {
  const result = run([term], features, failFast);
  const dot = term.feature.indexOf('.');
  const domain = dot < 0 ? term.feature.toLowerCase() : term.feature.slice(0, dot);
  const rest = dot < 0 ? '' : term.feature.slice(dot + 1);
  return { matched: result.matched, elements: result.data[domain]?.[rest], processed: result.processed };
}

function errorOf(action: () => unknown): TermError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TermError);
    return error as TermError;
  }
  throw new Error('expected a TermError');
}

function hits(processed: ProcessedTerm): Record<string, MatchExpression> {
  return Object.fromEntries(processed.matchExpressions);
}

// The features of the upstream tables (§3.5).
const K = { bar: {}, baz: {}, qux: {} };
const A = { foo: '1', bar: '2', quux: '3' };

describe('worked examples (§3.5)', () => {
  const multi = index({ flags: { 'a.b': { elements: K } }, attributes: { 'a.b': { elements: A } } });

  it('{foo: In[1], bar: Exists} matches with flag and attribute elements', () => {
    const result = runTerm(
      { feature: 'a.b', matchExpressions: { foo: e('In', ['1']), bar: e('Exists') } },
      multi,
    );
    expect(result.matched).toBe(true);
    expect(result.elements).toEqual([
      { Name: 'bar' },
      { Name: 'bar', Value: '2' },
      { Name: 'foo', Value: '1' },
    ]);
  });

  it('{xyzzy: DoesNotExist} matches, recording {Name} and {Name, Value: ""}', () => {
    const result = runTerm({ feature: 'a.b', matchExpressions: { xyzzy: e('DoesNotExist') } }, multi);
    expect(result.matched).toBe(true);
    expect(result.elements).toEqual([{ Name: 'xyzzy' }, { Name: 'xyzzy', Value: '' }]);
  });

  it('{quux: DoesNotExist} does not match: quux is an attribute', () => {
    for (const failFast of [true, false]) {
      expect(
        runTerm({ feature: 'a.b', matchExpressions: { quux: e('DoesNotExist') } }, multi, failFast).matched,
      ).toBe(false);
    }
  });

  it('instances: all expressions must hold for the same instance', () => {
    const features = index({
      instances: {
        'a.b': { elements: [{ attributes: { foo: '1' } }, { attributes: { foo: '2', bar: '1' } }] },
      },
    });
    const result = runTerm(
      { feature: 'a.b', matchExpressions: { foo: e('Exists'), bar: e('Lt', ['10']) } },
      features,
    );
    expect(result.matched).toBe(true);
    expect(result.elements).toEqual([{ bar: '1', foo: '2' }]);
  });

  it('matchName In[key2] over flags, attributes and instances', () => {
    const features = index({
      flags: { 'a.b': { elements: { key1: {}, key2: {} } } },
      attributes: { 'a.b': { elements: { key1: 'val1', key2: 'val2' } } },
      instances: {
        'a.b': { elements: [{ attributes: { key1: '1' } }, { attributes: { key1: '3', key2: '4' } }] },
      },
    });
    const result = runTerm({ feature: 'a.b', matchName: e('In', ['key2']) }, features);
    expect(result.matched).toBe(true);
    expect(result.elements).toEqual([
      { Name: 'key2' },
      { Name: 'key2', Value: 'val2' },
      { key1: '3', key2: '4' },
    ]);
  });
});

describe('every operator on flags, attributes and instances, element present or absent', () => {
  // [expression, the element's value when present, results for:
  //  flag present, flag absent, attribute present, attribute absent, instance present, instance absent]
  const rows: [MatchExpression, string, [boolean, boolean, boolean, boolean, boolean, boolean]][] = [
    [e(''), '7', [true, true, true, true, true, true]],
    [e('Exists'), '7', [true, false, true, false, true, false]],
    [e('DoesNotExist'), '7', [false, true, false, true, false, true]],
    [e('In', ['7']), '7', [false, false, true, false, true, false]],
    [e('In', ['8']), '7', [false, false, false, false, false, false]],
    [e('NotIn', ['8']), '7', [false, false, true, false, true, false]],
    [e('NotIn', ['7']), '7', [false, false, false, false, false, false]],
    [e('InRegexp', ['^[0-9]$']), '7', [false, false, true, false, true, false]],
    [e('Gt', ['5']), '7', [false, false, true, false, true, false]],
    [e('Ge', ['7']), '7', [false, false, true, false, true, false]],
    [e('Lt', ['8']), '7', [false, false, true, false, true, false]],
    [e('Le', ['6']), '7', [false, false, false, false, false, false]],
    [e('GtLt', ['5', '9']), '7', [false, false, true, false, true, false]],
    [e('GeLe', ['7', '9']), '7', [false, false, true, false, true, false]],
    [e('Gt', ['5.4'], 'version'), '5.15.0', [false, false, true, false, true, false]],
    [e('GeLe', ['1.0', '2.0'], 'version'), '2.0.0-rc1', [false, false, true, false, true, false]],
    [e('IsTrue'), 'true', [false, false, true, false, true, false]],
    [e('IsTrue'), 'True', [false, false, false, false, false, false]],
    [e('IsFalse'), 'false', [false, false, true, false, true, false]],
  ];

  it.each(rows)('%j (value %j)', (expression, value, expected) => {
    const term = (feature: string): FeatureMatcherTerm => ({
      feature,
      matchExpressions: { key: expression },
    });
    const features = index({
      flags: { 'f.present': { elements: { key: {} } }, 'f.absent': { elements: { other: {} } } },
      attributes: { 'a.present': { elements: { key: value } }, 'a.absent': { elements: { other: value } } },
      instances: {
        'i.present': { elements: [{ attributes: { key: value } }] },
        'i.absent': { elements: [{ attributes: { other: value } }] },
      },
    });
    const actual = ['f.present', 'f.absent', 'a.present', 'a.absent', 'i.present', 'i.absent'].map(
      (feature) => {
        const failFast = run([term(feature)], features, true).matched;
        expect(run([term(feature)], features, false).matched).toBe(failFast);
        return failFast;
      },
    );
    expect(actual).toEqual(expected);
  });
});

describe('multi-type features (§3.2)', () => {
  const features = index({
    flags: { 'cpu.cpuid': { elements: { AVX: {}, SSE: {} } } },
    attributes: { 'cpu.cpuid': { elements: { vendor: 'Intel', SSE: '4' } } },
  });

  it('Exists is satisfied by the flag alone, In by the attribute alone', () => {
    const result = runTerm(
      { feature: 'cpu.cpuid', matchExpressions: { AVX: e('Exists'), vendor: e('In', ['Intel']) } },
      features,
    );
    expect(result.matched).toBe(true);
    expect(result.elements).toEqual([{ Name: 'AVX' }, { Name: 'vendor', Value: 'Intel' }]);
  });

  it('a key in both parts is recorded twice, flag first', () => {
    const result = runTerm({ feature: 'cpu.cpuid', matchExpressions: { SSE: e('Exists') } }, features);
    expect(result.elements).toEqual([{ Name: 'SSE' }, { Name: 'SSE', Value: '4' }]);
  });

  it('DoesNotExist must hold in both parts', () => {
    expect(
      run([{ feature: 'cpu.cpuid', matchExpressions: { AVX: e('DoesNotExist') } }], features).matched,
    ).toBe(false);
    expect(
      run([{ feature: 'cpu.cpuid', matchExpressions: { vendor: e('DoesNotExist') } }], features).matched,
    ).toBe(false);
    expect(
      run([{ feature: 'cpu.cpuid', matchExpressions: { nope: e('DoesNotExist') } }], features).matched,
    ).toBe(true);
  });

  it('instances are ORed with the flag/attribute result', () => {
    const withInstances = index({
      flags: { 'x.y': { elements: { f: {} } } },
      instances: { 'x.y': { elements: [{ attributes: { v: '1' } }] } },
    });
    const result = runTerm({ feature: 'x.y', matchExpressions: { v: e('In', ['1']) } }, withInstances);
    expect(result.matched).toBe(true);
    expect(result.elements).toEqual([{ v: '1' }]);
    const both = runTerm({ feature: 'x.y', matchExpressions: { v: e('Exists') } }, withInstances);
    expect(both.elements).toEqual([{ v: '1' }]);
    const flagOnly = runTerm({ feature: 'x.y', matchExpressions: { f: e('Exists') } }, withInstances);
    expect(flagOnly.elements).toEqual([{ Name: 'f' }]);
  });

  it('a flag/attribute failure still evaluates instances, whose errors abort', () => {
    const features2 = index({
      attributes: { 'x.y': { elements: { v: '1' } } },
      instances: { 'x.y': { elements: [{ attributes: { v: 'abc' } }] } },
    });
    const error = errorOf(() =>
      run([{ feature: 'x.y', matchExpressions: { v: e('Gt', ['0']) } }], features2),
    );
    expect(error.message).toBe('feature "x.y", element "v": "abc" is not a number (in Gt ["0"])');
  });
});

describe('absent vs empty element maps', () => {
  const features = index({
    flags: { 'f.absent': {}, 'f.empty': { elements: {} } },
    attributes: { 'a.absent': {}, 'a.empty': { elements: {} } },
    instances: { 'i.absent': {}, 'i.empty': { elements: [] }, 'i.bare': { elements: [{}] } },
  });

  it.each([
    ['f.absent', false],
    ['f.empty', true],
    ['a.absent', false],
    ['a.empty', true],
    ['i.absent', false],
    ['i.empty', false],
    ['i.bare', true],
  ])('matchExpressions {} on %s → %s', (feature, expected) => {
    expect(run([{ feature, matchExpressions: {} }], features).matched).toBe(expected);
  });

  it('{} on an instance without attributes records {}', () => {
    expect(runTerm({ feature: 'i.bare', matchExpressions: {} }, features).elements).toEqual([{}]);
  });

  it.each(['f.absent', 'f.empty', 'a.absent', 'a.empty', 'i.absent', 'i.empty'])(
    'a term with neither matchExpressions nor matchName matches %s',
    (feature) => {
      const result = runTerm({ feature }, features);
      expect(result.matched).toBe(true);
      expect(result.elements).toEqual([]);
    },
  );

  it('DoesNotExist on an absent flag map with present attributes only looks at the attributes', () => {
    const mixed = index({ flags: { 'm.x': {} }, attributes: { 'm.x': { elements: { a: '1' } } } });
    const result = runTerm({ feature: 'm.x', matchExpressions: { b: e('DoesNotExist') } }, mixed);
    expect(result.matched).toBe(true);
    expect(result.elements).toEqual([{ Name: 'b', Value: '' }]);
  });

  it('on absent maps nothing is evaluated, so no error', () => {
    expect(run([{ feature: 'f.absent', matchExpressions: { k: e('In') } }], features).matched).toBe(false);
    expect(
      run([{ feature: 'a.absent', matchExpressions: { k: e('GtLt', ['9', '1']) } }], features, false).matched,
    ).toBe(false);
  });

  it('matchName over empty parts evaluates nothing: In without values gives no error', () => {
    for (const feature of ['f.empty', 'a.empty', 'i.empty', 'f.absent']) {
      expect(run([{ feature, matchName: e('In') }], features).matched).toBe(false);
    }
  });
});

describe('value operators on flags (Q2) and errors on flags', () => {
  const features = index({ flags: { 'k.m': { elements: { dummy: {} } } } });
  it('never match and never error on flags', () => {
    for (const expression of [
      e('In', ['x']),
      e('NotIn', ['x']),
      e('In'),
      e('GtLt', ['5', '1']),
      e('IsTrue', ['x']),
    ]) {
      expect(run([{ feature: 'k.m', matchExpressions: { dummy: expression } }], features).matched).toBe(
        false,
      );
    }
  });
  it('but an unknown operator errors even there (step 1)', () => {
    const error = errorOf(() =>
      run([{ feature: 'k.m', matchExpressions: { dummy: e('exists') } }], features),
    );
    expect(error.feature).toBe('k.m');
    expect(error.element).toBe('dummy');
    expect(error.cause).toBeInstanceOf(ExpressionError);
    expect(error.message).toBe('feature "k.m", element "dummy": unknown operator "exists"');
  });
});

describe('matchName (§3.4)', () => {
  const features = index({
    flags: { 'c.d': { elements: { AVX: {}, AVX2: {}, SSE: {} } } },
    attributes: { 'c.d': { elements: { AVX: 'a', model: '85' } } },
    instances: { 'c.d': { elements: [{ attributes: { AVXY: '1' } }, { attributes: { other: '2' } }] } },
  });

  it('matches names over all parts; instance elements are whole attribute maps', () => {
    const result = runTerm({ feature: 'c.d', matchName: e('InRegexp', ['^AVX']) }, features);
    expect(result.matched).toBe(true);
    expect(result.elements).toEqual([
      { Name: 'AVX' },
      { Name: 'AVX', Value: 'a' },
      { Name: 'AVX2' },
      { AVXY: '1' },
    ]);
    expect(result.processed).toEqual([
      { feature: 'c.d', matchExpressions: new Map(), matchName: e('InRegexp', ['^AVX']) },
    ]);
  });

  it('"" and Exists match every name; DoesNotExist none', () => {
    expect(runTerm({ feature: 'c.d', matchName: e('Exists') }, features).elements).toHaveLength(7);
    expect(runTerm({ feature: 'c.d', matchName: e('') }, features).elements).toHaveLength(7);
    const none = runTerm({ feature: 'c.d', matchName: e('DoesNotExist') }, features);
    expect(none.matched).toBe(false);
    expect(none.elements).toEqual([]);
    expect(none.processed).toEqual([]);
  });

  it('a match only among instances counts', () => {
    expect(run([{ feature: 'c.d', matchName: e('In', ['other']) }], features).matched).toBe(true);
  });

  it('numeric operators error on the first non-integer name', () => {
    const error = errorOf(() => run([{ feature: 'c.d', matchName: e('Gt', ['1']) }], features));
    expect(error.element).toBeUndefined();
    expect(error.message).toMatch(
      /^feature "c\.d", matchName: "[A-Za-z0-9]+" is not a number \(in Gt \["1"\]\)$/,
    );
  });

  it('errors on a value-list problem once any name exists', () => {
    const error = errorOf(() => run([{ feature: 'c.d', matchName: e('In') }], features));
    expect(error.message).toBe('feature "c.d", matchName: In needs at least 1 value, got []');
  });

  it('errors in instance names surface even after an earlier name matched', () => {
    const mixed = index({ instances: { 'n.n': { elements: [{ attributes: { '5': 'x', abc: 'y' } }] } } });
    expect(() => run([{ feature: 'n.n', matchName: e('Gt', ['1']) }], mixed)).toThrow(TermError);
  });
});

describe('matchExpressions together with matchName', () => {
  const features = index({ attributes: { 'p.q': { elements: { a: '1', b: '2' } } } });

  it('both must hold; elements: expressions first, then matchName', () => {
    const result = runTerm(
      { feature: 'p.q', matchExpressions: { b: e('Exists') }, matchName: e('In', ['a', 'b']) },
      features,
    );
    expect(result.matched).toBe(true);
    expect(result.elements).toEqual([
      { Name: 'b', Value: '2' },
      { Name: 'a', Value: '1' },
      { Name: 'b', Value: '2' },
    ]);
    expect(result.processed).toEqual([
      { feature: 'p.q', matchExpressions: new Map([['b', e('Exists')]]), matchName: e('In', ['a', 'b']) },
    ]);
  });

  it('matchName failing fails the term but keeps the expression hits', () => {
    const result = runTerm(
      { feature: 'p.q', matchExpressions: { b: e('Exists') }, matchName: e('In', ['z']) },
      features,
      false,
    );
    expect(result.matched).toBe(false);
    expect(result.elements).toEqual([{ Name: 'b', Value: '2' }]);
    expect(result.processed).toEqual([
      { feature: 'p.q', matchExpressions: new Map([['b', e('Exists')]]), matchName: undefined },
    ]);
  });

  it('matchName is not evaluated when the expressions fail, so its errors stay hidden', () => {
    for (const failFast of [true, false]) {
      const result = run(
        [{ feature: 'p.q', matchExpressions: { z: e('Exists') }, matchName: e('Bogus') }],
        features,
        failFast,
      );
      expect(result.matched).toBe(false);
    }
    expect(() =>
      run([{ feature: 'p.q', matchExpressions: { a: e('Exists') }, matchName: e('Bogus') }], features),
    ).toThrow('feature "p.q", matchName: unknown operator "Bogus"');
  });
});

describe('failFast vs full status', () => {
  it('failFast drops the elements and hits of a failing set; full status keeps the ones that held', () => {
    const features = index({ flags: { 'f.g': { elements: { a: {} } } } });
    const term = { feature: 'f.g', matchExpressions: { a: e('Exists'), b: e('Exists') } };
    const fast = runTerm(term, features, true);
    expect(fast.matched).toBe(false);
    expect(fast.elements).toEqual([]);
    expect(fast.processed).toEqual([]);
    const full = runTerm(term, features, false);
    expect(full.matched).toBe(false);
    expect(full.elements).toEqual([{ Name: 'a' }]);
    expect(full.processed).toEqual([
      { feature: 'f.g', matchExpressions: new Map([['a', e('Exists')]]), matchName: undefined },
    ]);
  });

  it('Q19: DoesNotExist that held on the flags but failed on the attributes is a hit in full status', () => {
    const features = index({
      flags: { 'm.t': { elements: { f: {} } } },
      attributes: { 'm.t': { elements: { x: '1' } } },
    });
    const term = { feature: 'm.t', matchExpressions: { x: e('DoesNotExist') } };
    const full = runTerm(term, features, false);
    expect(full.matched).toBe(false);
    expect(full.elements).toEqual([{ Name: 'x' }]);
    expect(full.processed.map(hits)).toEqual([{ x: e('DoesNotExist') }]);
    const fast = runTerm(term, features, true);
    expect(fast.matched).toBe(false);
    expect(fast.processed).toEqual([]);
  });

  it('DoesNotExist failing on the flags skips the attribute part (no hit, no element)', () => {
    const features = index({
      flags: { 'm.t': { elements: { x: {} } } },
      attributes: { 'm.t': { elements: { y: '1' } } },
    });
    const full = runTerm(
      { feature: 'm.t', matchExpressions: { x: e('DoesNotExist'), y: e('Exists') } },
      features,
      false,
    );
    expect(full.matched).toBe(false);
    expect(full.elements).toEqual([{ Name: 'y', Value: '1' }]);
    expect(full.processed.map(hits)).toEqual([{ y: e('Exists') }]);
  });

  it('instances: full status collects hits across instances even when none satisfies all', () => {
    const features = index({
      instances: { 'p.d': { elements: [{ attributes: { a: '1' } }, { attributes: { b: '1' } }] } },
    });
    const term = { feature: 'p.d', matchExpressions: { a: e('Exists'), b: e('Exists') } };
    const full = runTerm(term, features, false);
    expect(full.matched).toBe(false);
    expect(full.elements).toEqual([]);
    expect(full.processed.map(hits)).toEqual([{ a: e('Exists'), b: e('Exists') }]);
    expect(runTerm(term, features, true).processed).toEqual([]);
  });

  it('full status evaluates every expression, so an error after a failure surfaces; failFast stops first (Q5, lexical order)', () => {
    const features = index({ attributes: { 'o.r': { elements: { a: '1', b: 'x' } } } });
    const term = { feature: 'o.r', matchExpressions: { a: e('In', ['2']), b: e('Gt', ['1']) } };
    expect(run([term], features, true).matched).toBe(false);
    expect(() => run([term], features, false)).toThrow(
      'feature "o.r", element "b": "x" is not a number (in Gt ["1"])',
    );
    // With the erroring key first in byte order, both modes error.
    const reversed = { feature: 'o.r', matchExpressions: { b: e('In', ['2']), a: e('Gt', ['x']) } };
    expect(() => run([reversed], features, true)).toThrow(TermError);
  });

  it('failFast hides the errors of later terms; full status reaches them', () => {
    const features = index({ attributes: { 'o.r': { elements: { a: '1' } } } });
    const terms = [
      { feature: 'o.r', matchExpressions: { a: e('In', ['2']) } },
      { feature: 'o.r', matchExpressions: { a: e('Bad') } },
    ];
    expect(run(terms, features, true).matched).toBe(false);
    expect(() => run(terms, features, false)).toThrow('unknown operator "Bad"');
  });

  it('Q17: after a failed term, a matchName-only term is not evaluated in full status', () => {
    const features = index({ attributes: { 'o.r': { elements: { a: '1' } } } });
    const terms: FeatureMatcherTerm[] = [
      { feature: 'o.r', matchExpressions: { a: e('In', ['2']) } },
      { feature: 'o.r', matchName: e('In', ['a']) },
      { feature: 'o.r', matchName: e('Bogus') }, // would error if evaluated
    ];
    const full = run(terms, features, false);
    expect(full.matched).toBe(false);
    expect(full.processed).toEqual([]);
    expect(full.data.o?.r).toEqual([]);
  });

  it('Q17: a term with matchExpressions resets the carried-over result', () => {
    const features = index({ attributes: { 'o.r': { elements: { a: '1' } } } });
    const terms: FeatureMatcherTerm[] = [
      { feature: 'o.r', matchExpressions: { a: e('In', ['2']) } },
      { feature: 'o.r', matchExpressions: { a: e('In', ['1']) } },
      { feature: 'o.r', matchName: e('In', ['a']) },
    ];
    const full = run(terms, features, false);
    expect(full.matched).toBe(false);
    expect(full.processed).toEqual([
      { feature: 'o.r', matchExpressions: new Map([['a', e('In', ['1'])]]), matchName: undefined },
      { feature: 'o.r', matchExpressions: new Map(), matchName: e('In', ['a']) },
    ]);
    expect(full.data.o?.r).toEqual([
      { Name: 'a', Value: '1' },
      { Name: 'a', Value: '1' },
    ]);
  });

  it('Q17: a term with neither part after a failed term counts as failed in full status only', () => {
    const features = index({ attributes: { 'o.r': { elements: { a: '1' } } } });
    const full = run(
      [{ feature: 'o.r', matchExpressions: { a: e('In', ['2']) } }, { feature: 'o.r' }],
      features,
      false,
    );
    expect(full.matched).toBe(false);
  });
});

describe('missing features (Q6)', () => {
  const features = index({ attributes: { 'o.k': { elements: { a: '1' } } } });

  it('fail without evaluating, hiding invalid expressions', () => {
    for (const failFast of [true, false]) {
      const result = run(
        [{ feature: 'no.such', matchExpressions: { x: e('Bogus'), y: e('In') }, matchName: e('Gt') }],
        features,
        failFast,
      );
      expect(result.matched).toBe(false);
    }
  });

  it('full status goes on with the next term; failFast stops', () => {
    const terms: FeatureMatcherTerm[] = [
      { feature: 'no.such' },
      { feature: 'o.k', matchExpressions: { a: e('Exists') } },
    ];
    const full = run(terms, features, false);
    expect(full.matched).toBe(false);
    expect(full.processed).toEqual([
      { feature: 'o.k', matchExpressions: new Map([['a', e('Exists')]]), matchName: undefined },
    ]);
    expect(full.data.no).toEqual({});
    expect(full.data.o).toEqual({ k: [{ Name: 'a', Value: '1' }] });
    expect(run(terms, features, true)).toEqual({ matched: false, data: {}, processed: [] });
  });

  it('an entry of any type, even with an absent map, makes the feature exist', () => {
    expect(run([{ feature: 'x.y' }], index({ flags: { 'x.y': {} } })).matched).toBe(true);
    expect(run([{ feature: 'x.y' }], index({ instances: { 'x.y': {} } })).matched).toBe(true);
    expect(run([{ feature: 'x.y' }], index({})).matched).toBe(false);
  });
});

describe('feature names: case (Q7, Q8) and template data keys', () => {
  const features = index({
    attributes: {
      'kernel.version': { elements: { major: '6' } },
      'Cpu.Model': { elements: { family: '6' } },
      'a.b.c': { elements: { x: '1' } },
      nodot: { elements: { y: '2' } },
    },
  });

  it('lower-cases the rule name for lookup, keys data by the rule spelling', () => {
    const result = run(
      [{ feature: 'Kernel.Version', matchExpressions: { major: e('In', ['6']) } }],
      features,
    );
    expect(result.matched).toBe(true);
    expect(result.data).toEqual({ Kernel: { Version: [{ Name: 'major', Value: '6' }] } });
    expect(result.processed[0]?.feature).toBe('kernel.version');
  });

  it('a NodeFeature key with capitals is unreachable', () => {
    expect(run([{ feature: 'Cpu.Model' }], features).matched).toBe(false);
    expect(run([{ feature: 'cpu.model' }], features).matched).toBe(false);
  });

  it('splits at the first dot; a dot-less name is keyed lower-cased with an empty rest', () => {
    expect(run([{ feature: 'a.b.c', matchExpressions: { x: e('Exists') } }], features).data).toEqual({
      a: { 'b.c': [{ Name: 'x', Value: '1' }] },
    });
    expect(run([{ feature: 'nodot', matchExpressions: { y: e('Exists') } }], features).data).toEqual({
      nodot: { '': [{ Name: 'y', Value: '2' }] },
    });
    expect(run([{ feature: 'NoDot', matchExpressions: { y: e('Exists') } }], features).data).toEqual({
      nodot: { '': [{ Name: 'y', Value: '2' }] },
    });
  });

  it('several terms on one feature append in term order', () => {
    const result = run(
      [
        { feature: 'kernel.version', matchExpressions: { major: e('Exists') } },
        { feature: 'Kernel.version', matchName: e('') },
        { feature: 'kernel.version', matchName: e('In', ['major']) },
      ],
      features,
    );
    expect(result.data).toEqual({
      kernel: {
        version: [
          { Name: 'major', Value: '6' },
          { Name: 'major', Value: '6' },
        ],
      },
      Kernel: { version: [{ Name: 'major', Value: '6' }] },
    });
  });

  it('TermError names the feature as written', () => {
    const error = errorOf(() =>
      run([{ feature: 'Kernel.Version', matchExpressions: { major: e('Gt') } }], features),
    );
    expect(error.feature).toBe('Kernel.Version');
    expect(error.message).toBe('feature "Kernel.Version", element "major": Gt needs exactly 1 value, got []');
  });

  it('goToLower follows Go, not JavaScript, for İ and final sigma', () => {
    expect(goToLower('Kernel.Version')).toBe('kernel.version');
    expect(goToLower('İ.X')).toBe('i.x');
    expect(goToLower('ΟΔΟΣ')).toBe('οδοσ');
    expect(goToLower('Ä.Ö')).toBe('ä.ö');
  });
});

describe('rule.matched backreferences', () => {
  it('DoesNotExist on a missing rule.matched fails, on a created empty one matches (Q14)', () => {
    const features = index({});
    const term = [{ feature: 'rule.matched', matchExpressions: { x: e('DoesNotExist') } }];
    const compiled = compileTerms(term);
    expect(compiled.match(features, true).matched).toBe(false);
    setMatchedAttributes(features, {});
    expect(compiled.match(features, true).matched).toBe(true);
    setMatchedAttributes(features, { x: 'true' });
    expect(compiled.match(features, true).matched).toBe(false);
    expect(
      compileTerms([{ feature: 'rule.matched', matchExpressions: { x: e('IsTrue') } }]).match(features, true)
        .matched,
    ).toBe(true);
  });
});

describe('ordering and determinism', () => {
  it('sorts elements by Name in byte order, stably', () => {
    const features = index({
      flags: { 's.t': { elements: { b: {}, '\uFFFD': {}, '😀': {}, a: {} } } },
      attributes: { 's.t': { elements: { b: '1', '😀': '2' } } },
    });
    const result = runTerm({ feature: 's.t', matchName: e('Exists') }, features);
    expect(result.elements).toEqual([
      { Name: 'a' },
      { Name: 'b' },
      { Name: 'b', Value: '1' },
      { Name: '\uFFFD' },
      { Name: '😀' },
      { Name: '😀', Value: '2' },
    ]);
  });

  it('compareByteOrder orders by code point', () => {
    expect(['😀', '\uFFFD', 'z', 'Z', '', 'é'].sort(compareByteOrder)).toEqual([
      '',
      'Z',
      'z',
      'é',
      '\uFFFD',
      '😀',
    ]);
    expect(compareByteOrder('a', 'a')).toBe(0);
    expect(compareByteOrder('a', 'ab')).toBeLessThan(0);
  });

  it('compiled terms are reusable across indexes and never change them', () => {
    const compiled = compileTerms([{ feature: 'k.v', matchExpressions: { a: e('Gt', ['5']) } }]);
    const small = index({ attributes: { 'k.v': { elements: { a: '3' } } } });
    const big = index({ attributes: { 'k.v': { elements: { a: '9007199254740993' } } } });
    expect(compiled.match(small, true).matched).toBe(false);
    expect(compiled.match(big, true).matched).toBe(true);
    expect(compiled.match(small, false).matched).toBe(false);
    expect([...(small.features.get('k.v')?.attributes ?? [])]).toEqual([['a', '3']]);
  });

  it('compileTerms never throws, even for invalid expressions', () => {
    expect(() =>
      compileTerms([{ feature: 'a.b', matchExpressions: { x: e('Nope') }, matchName: e('In') }]),
    ).not.toThrow();
  });

  it('instance attribute names such as constructor are looked up as own keys only', () => {
    const features = index({ instances: { 'p.d': { elements: [{ attributes: { vendor: '1' } }] } } });
    expect(run([{ feature: 'p.d', matchExpressions: { constructor: e('Exists') } }], features).matched).toBe(
      false,
    );
    expect(
      run([{ feature: 'p.d', matchExpressions: { toString: e('DoesNotExist') } }], features).matched,
    ).toBe(true);
  });

  it('template data is safe for a __proto__ domain', () => {
    const features = index({ attributes: { '__proto__.x': { elements: { a: '1' } } } });
    const result = run([{ feature: '__proto__.x', matchExpressions: { a: e('Exists') } }], features);
    expect(Object.keys(result.data)).toEqual(['__proto__']);
    const domain = '__proto__';
    expect(result.data[domain]?.x).toEqual([{ Name: 'a', Value: '1' }]);
  });
});
