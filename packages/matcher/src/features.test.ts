import type { Features, NodeFeature } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import {
  cloneFeatureIndex,
  getAttribute,
  indexFeatures,
  mergeNodeFeatures,
  pickFeatures,
  RULE_MATCHED_FEATURE,
  setMatchedAttributes,
} from './features.ts';

function features(partial: Partial<Features>): Features {
  return { flags: {}, attributes: {}, instances: {}, ...partial };
}

function nodeFeature(spec: Partial<Features>, labels: Record<string, string> = {}, name = 'nf'): NodeFeature {
  return {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: { name },
    spec: { features: features(spec), labels },
  };
}

describe('indexFeatures', () => {
  const input = features({
    flags: {
      'cpu.cpuid': { elements: { AVX: {}, SSE4: null } },
      'flag.absent': {},
      'flag.empty': { elements: {} },
    },
    attributes: {
      'cpu.cpuid': { elements: { vendor: 'Intel' } },
      'attr.absent': {},
      'attr.empty': { elements: {} },
    },
    instances: {
      'pci.device': { elements: [{ attributes: { vendor: '8086' } }, {}] },
      'inst.absent': {},
    },
  });
  const index = indexFeatures(input);

  it('joins the parts of a multi-type feature', () => {
    const parts = index.features.get('cpu.cpuid');
    expect(parts?.flags).toEqual(new Set(['AVX', 'SSE4']));
    expect(parts?.attributes).toEqual(new Map([['vendor', 'Intel']]));
    expect(parts?.instances).toBeUndefined();
  });

  it('keeps absent maps (null) apart from empty maps and missing parts (undefined)', () => {
    expect(index.features.get('flag.absent')).toEqual({
      flags: null,
      attributes: undefined,
      instances: undefined,
    });
    expect(index.features.get('flag.empty')?.flags).toEqual(new Set());
    expect(index.features.get('attr.absent')?.attributes).toBeNull();
    expect(index.features.get('attr.empty')?.attributes).toEqual(new Map());
  });

  it('reads an absent instance list as empty, and an instance without attributes as {}', () => {
    expect(index.features.get('inst.absent')?.instances).toEqual([]);
    expect(index.features.get('pci.device')?.instances).toEqual([{ vendor: '8086' }, {}]);
  });

  it('copies the input: instance records are frozen copies', () => {
    const instances = index.features.get('pci.device')?.instances ?? [];
    expect(instances[0]).not.toBe(input.instances['pci.device']?.elements?.[0]?.attributes);
    expect(Object.isFrozen(instances[0])).toBe(true);
  });

  it('uses names exactly as written', () => {
    const upper = indexFeatures(
      features({ attributes: { 'Kernel.Version': { elements: { full: '6.1' } } } }),
    );
    expect(upper.features.has('Kernel.Version')).toBe(true);
    expect(upper.features.has('kernel.version')).toBe(false);
  });

  it('treats __proto__ and constructor as ordinary names', () => {
    const odd = indexFeatures(
      features({
        attributes: {
          'a.b': { elements: JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string> },
        },
        instances: {
          'i.j': { elements: [{ attributes: JSON.parse('{"__proto__":"z"}') as Record<string, string> }] },
        },
      }),
    );
    expect(getAttribute(odd, 'a.b', '__proto__')).toBe('x');
    expect(getAttribute(odd, 'a.b', 'constructor')).toBe('y');
    expect(Object.keys(odd.features.get('i.j')?.instances?.[0] ?? {})).toEqual(['__proto__']);
  });
});

describe('getAttribute', () => {
  const index = indexFeatures(
    features({
      flags: { 'x.y': { elements: { f: {} } } },
      attributes: { 'system.name': { elements: { nodename: 'n1' } }, 'A.B': { elements: { C: 'v' } } },
    }),
  );
  it.each([
    ['system.name', 'nodename', 'n1'],
    ['A.B', 'C', 'v'],
    ['a.b', 'C', undefined], // exact names, no lower-casing
    ['A.B', 'c', undefined],
    ['x.y', 'f', undefined], // flags are not consulted
    ['no.such', 'x', undefined],
  ])('%s / %s → %j', (feature, element, expected) => {
    expect(getAttribute(index, feature, element)).toBe(expected);
  });
});

describe('setMatchedAttributes (§7.1)', () => {
  it('creates rule.matched, even empty (Q14)', () => {
    const index = indexFeatures(features({}));
    expect(index.features.has(RULE_MATCHED_FEATURE)).toBe(false);
    setMatchedAttributes(index, {});
    expect(index.features.get('rule.matched')?.attributes).toEqual(new Map());
  });

  it('inserts and overwrites, keeping other parts of the feature', () => {
    const index = indexFeatures(
      features({
        flags: { 'rule.matched': { elements: { f: {} } } },
        attributes: { 'rule.matched': { elements: { a: '1', b: '2' } } },
      }),
    );
    setMatchedAttributes(index, { b: '3', c: '4' });
    setMatchedAttributes(index, { c: '5' });
    expect(index.features.get('rule.matched')?.attributes).toEqual(
      new Map([
        ['a', '1'],
        ['b', '3'],
        ['c', '5'],
      ]),
    );
    expect(index.features.get('rule.matched')?.flags).toEqual(new Set(['f']));
  });

  it('turns an absent attribute map into a map', () => {
    const index = indexFeatures(features({ attributes: { 'rule.matched': {} } }));
    setMatchedAttributes(index, { x: 'y' });
    expect(getAttribute(index, 'rule.matched', 'x')).toBe('y');
  });

  it('never aliases the inserted map (Q15)', () => {
    const index = indexFeatures(features({}));
    const firstOutput = { a: '1' };
    setMatchedAttributes(index, firstOutput);
    setMatchedAttributes(index, { a: '2', b: '3' });
    expect(firstOutput).toEqual({ a: '1' });
    firstOutput.a = 'changed';
    expect(getAttribute(index, 'rule.matched', 'a')).toBe('2');
  });

  it('does not change the input Features', () => {
    const input = features({ attributes: { 'rule.matched': { elements: { a: '1' } } } });
    const index = indexFeatures(input);
    setMatchedAttributes(index, { a: '2' });
    expect(input.attributes['rule.matched']?.elements).toEqual({ a: '1' });
  });
});

describe('cloneFeatureIndex', () => {
  it('gives each run its own rule.matched', () => {
    const base = indexFeatures(features({ attributes: { 'rule.matched': { elements: { a: '1' } } } }));
    const run1 = cloneFeatureIndex(base);
    const run2 = cloneFeatureIndex(base);
    setMatchedAttributes(run1, { a: 'run1' });
    setMatchedAttributes(run2, { b: 'run2' });
    expect(getAttribute(base, 'rule.matched', 'a')).toBe('1');
    expect(getAttribute(run1, 'rule.matched', 'a')).toBe('run1');
    expect(getAttribute(run1, 'rule.matched', 'b')).toBeUndefined();
    expect(getAttribute(run2, 'rule.matched', 'a')).toBe('1');
    expect(getAttribute(run2, 'rule.matched', 'b')).toBe('run2');
  });

  it('creating rule.matched in a clone leaves the original without it', () => {
    const base = indexFeatures(features({}));
    const run = cloneFeatureIndex(base);
    setMatchedAttributes(run, {});
    expect(base.features.has('rule.matched')).toBe(false);
    expect(run.features.has('rule.matched')).toBe(true);
  });
});

describe('mergeNodeFeatures (§1.2)', () => {
  it('returns a deep copy of a single object', () => {
    const only = nodeFeature({ flags: { 'a.b': { elements: { f: {} } } } }, { l: 'v' });
    const merged = mergeNodeFeatures([only]);
    expect(merged).toEqual(only);
    expect(merged.spec.features.flags['a.b']).not.toBe(only.spec.features.flags['a.b']);
    expect(merged.metadata).not.toBe(only.metadata);
  });

  it('rejects an empty list', () => {
    expect(() => mergeNodeFeatures([])).toThrow(RangeError);
  });

  it('unions flags; an absent incoming map changes nothing; a present one (even empty) replaces an absent base map', () => {
    const merged = mergeNodeFeatures([
      nodeFeature({
        flags: {
          'u.nion': { elements: { a: {}, b: {} } },
          'k.eep': { elements: { x: {} } },
          'a.bsent': {},
          'a.bsent2': {},
        },
      }),
      nodeFeature({
        flags: {
          'u.nion': { elements: { b: {}, c: null } },
          'k.eep': {},
          'a.bsent': { elements: {} },
          'n.ew': {},
        },
      }),
      nodeFeature({ flags: { 'a.bsent2': { elements: { z: {} } } } }),
    ]);
    expect(merged.spec.features.flags).toEqual({
      'u.nion': { elements: { a: {}, b: {}, c: null } },
      'k.eep': { elements: { x: {} } },
      'a.bsent': { elements: {} },
      'a.bsent2': { elements: { z: {} } },
      'n.ew': {},
    });
  });

  it('unions attributes, incoming values overwrite', () => {
    const merged = mergeNodeFeatures([
      nodeFeature({ attributes: { 'k.v': { elements: { a: '1', b: '2' } }, 'a.bs': {} } }),
      nodeFeature({
        attributes: { 'k.v': { elements: { b: '3', c: '4' } }, 'a.bs': {}, 'n.ew': { elements: { x: 'y' } } },
      }),
      nodeFeature({ attributes: { 'k.v': {} } }),
    ]);
    expect(merged.spec.features.attributes).toEqual({
      'k.v': { elements: { a: '1', b: '3', c: '4' } },
      'a.bs': {},
      'n.ew': { elements: { x: 'y' } },
    });
  });

  it('appends instances as copies without de-duplication; absent lists change nothing', () => {
    const first = nodeFeature({
      instances: { 'p.d': { elements: [{ attributes: { v: '1' } }] }, 'a.bs': {} },
    });
    const second = nodeFeature({
      instances: { 'p.d': { elements: [{ attributes: { v: '1' } }, {}] }, 'a.bs': { elements: [] } },
    });
    const third = nodeFeature({ instances: { 'p.d': {} } });
    const merged = mergeNodeFeatures([first, second, third]);
    expect(merged.spec.features.instances).toEqual({
      'p.d': { elements: [{ attributes: { v: '1' } }, { attributes: { v: '1' } }, {}] },
      'a.bs': { elements: [] },
    });
    expect(merged.spec.features.instances['p.d']?.elements?.[1]).not.toBe(
      second.spec.features.instances['p.d']?.elements?.[0],
    );
  });

  it('merges labels, later objects winning, and keeps the base metadata', () => {
    const merged = mergeNodeFeatures([
      nodeFeature({}, { a: '1', b: '2' }, 'first'),
      nodeFeature({}, { b: '3', c: '4' }, 'second'),
    ]);
    expect(merged.spec.labels).toEqual({ a: '1', b: '3', c: '4' });
    expect(merged.metadata?.name).toBe('first');
  });

  it('never changes its inputs', () => {
    const first = nodeFeature(
      {
        flags: { 'f.f': { elements: { a: {} } } },
        attributes: { 'a.a': { elements: { k: '1' } } },
        instances: { 'i.i': { elements: [{ attributes: { k: '1' } }] } },
      },
      { l: '1' },
    );
    const second = nodeFeature(
      {
        flags: { 'f.f': { elements: { b: {} } } },
        attributes: { 'a.a': { elements: { k: '2' } } },
        instances: { 'i.i': { elements: [{ attributes: { k: '2' } }] } },
      },
      { l: '2' },
    );
    const before = structuredClone([first, second]);
    const merged = mergeNodeFeatures([first, second]);
    expect([first, second]).toEqual(before);
    // And the result shares nothing: changing it leaves the inputs alone.
    (merged.spec.features.attributes['a.a']?.elements as Record<string, string>).k = 'x';
    merged.spec.features.instances['i.i']?.elements?.push({});
    (merged.spec.features.instances['i.i']?.elements?.[0]?.attributes as Record<string, string>).k = 'x';
    merged.spec.labels.l = 'x';
    expect([first, second]).toEqual(before);
  });

  it('keeps __proto__ keys as data', () => {
    const labels = JSON.parse('{"__proto__":"p"}') as Record<string, string>;
    const merged = mergeNodeFeatures([
      nodeFeature({ attributes: { 'a.a': { elements: { x: '1' } } } }),
      nodeFeature(
        { attributes: { 'a.a': { elements: JSON.parse('{"__proto__":"v"}') as Record<string, string> } } },
        labels,
      ),
    ]);
    expect(Object.keys(merged.spec.features.attributes['a.a']?.elements ?? {})).toEqual(['x', '__proto__']);
    expect(Object.keys(merged.spec.labels)).toEqual(['__proto__']);
  });
});

describe('pickFeatures', () => {
  it('keeps only the named features of each type, sharing their sets', () => {
    const features = {
      flags: { 'cpu.cpuid': { elements: { AVX: {} } }, 'kernel.loadedmodule': { elements: { a: {} } } },
      attributes: { 'kernel.version': { elements: { major: '6' } } },
      instances: { 'pci.device': { elements: [{ attributes: { vendor: '10de' } }] } },
    };
    const picked = pickFeatures(features, ['cpu.cpuid', 'pci.device', 'absent']);
    expect(picked).toEqual({
      flags: { 'cpu.cpuid': { elements: { AVX: {} } } },
      attributes: {},
      instances: { 'pci.device': { elements: [{ attributes: { vendor: '10de' } }] } },
    });
    expect(picked.flags['cpu.cpuid']).toBe(features.flags['cpu.cpuid']);
  });
});
