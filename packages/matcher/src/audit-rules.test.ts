// Audit of the rule layer against matching.md §5–§9 and quirks Q10–Q17, Q23–Q28, Q32: rule
// execution, templates, rule sequences, outputs and `validate`.
import type { FeatureMatcherTerm, Features, GroupRule, MatchExpression, Rule } from '@nfd/spec';
import { loadNodeFeatureRule } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { compileGroupRuleSet, compileRuleSet } from './dryrun.ts';
import { type FeatureIndex, indexFeatures } from './features.ts';
import { annotationError, extendedResourceError, labelError, taintError } from './output-validation.ts';
import { compileGroupRule, compileRule, RuleError } from './rule.ts';
import { checkRule, validateNodeFeatureRule } from './validate.ts';

const features: Features = {
  flags: {
    'kernel.loadedmodule': { elements: { vfio_pci: {}, nvidia: {} } },
    'cpu.cpuid': { elements: { AVX2: {}, AVX512F: {} } },
    'kernel.config': { elements: { NO_HZ: {} } },
  },
  attributes: {
    'kernel.version': { elements: { major: '6', minor: '1', full: '6.1.0-18-amd64' } },
    'cpu.model': { elements: { vendor_id: 'Intel', family: '6', brand: 'Intel Corp' } },
    'kernel.config': { elements: { PREEMPT: 'y' } },
    'system.name': { elements: { nodename: 'worker-1' } },
    'my.dotted': { elements: { 'a.b': 'dotted' } },
    'a.b.c': { elements: { x: '1' } },
    nodot: { elements: { y: '2' } },
  },
  instances: {
    'pci.device': {
      elements: [
        { attributes: { vendor: '8086', class: '0200' } },
        { attributes: { vendor: '10de', class: '0300' } },
      ],
    },
  },
};

const node = (): FeatureIndex => indexFeatures(features);

const exists: MatchExpression = { op: 'Exists' };
const nvidia = { feature: 'kernel.loadedmodule', matchExpressions: { nvidia: exists } };
const intel: FeatureMatcherTerm = {
  feature: 'cpu.model',
  matchExpressions: { vendor_id: { op: 'In', value: ['Intel'] } },
};
const missing: FeatureMatcherTerm = { feature: 'kernel.loadedmodule', matchExpressions: { nosuch: exists } };
/** Errors whenever evaluated: In without values on an existing attribute. */
const erroring: FeatureMatcherTerm = { feature: 'cpu.model', matchExpressions: { vendor_id: { op: 'In' } } };

const exec = (rule: Rule, failFast = true) => compileRule(rule).execute(node(), failFast);
const execGroup = (rule: GroupRule, failFast = true) => compileGroupRule(rule).execute(node(), failFast);
const dryrun = (rules: Rule[]) => compileRuleSet(rules).run(node());

/** Prints every matched element of every feature the expansion sees as `domain.rest.Name=x`. */
const ALL_NAMES =
  '{{ range $d, $m := . }}{{ range $f, $es := $m }}{{ range $es }}{{ $d }}.{{ $f }}.{{ .Name }}=x\n{{ end }}{{ end }}{{ end }}';

describe('§5 matchAny short-circuit (Q10)', () => {
  it('stops at the first matching element without templates, so a later error stays hidden', () => {
    const out = exec({
      name: 'r',
      labels: { a: '1' },
      matchAny: [{ matchFeatures: [nvidia] }, { matchFeatures: [erroring] }],
    });
    expect(out.matched).toBe(true);
    expect(out.labels).toEqual({ a: '1' });
  });

  it('evaluates every element when a labelsTemplate or varsTemplate is present', () => {
    const any = [{ matchFeatures: [nvidia] }, { matchFeatures: [erroring] }];
    expect(() => exec({ name: 'r', labelsTemplate: 'a=b', matchAny: any })).toThrow(RuleError);
    expect(() => exec({ name: 'r', varsTemplate: 'a=b', matchAny: any })).toThrow(RuleError);
  });

  it('evaluates every element with failFast off, templates or not', () => {
    const any = [{ matchFeatures: [nvidia] }, { matchFeatures: [erroring] }];
    expect(() => exec({ name: 'r', matchAny: any }, false)).toThrow(RuleError);
    expect(() => execGroup({ name: 'r', matchAny: any }, false)).toThrow(RuleError);
  });

  it('a group rule looks only at varsTemplate', () => {
    const any = [{ matchFeatures: [nvidia] }, { matchFeatures: [erroring] }];
    expect(execGroup({ name: 'g', matchAny: any }).matched).toBe(true);
    expect(() => execGroup({ name: 'g', varsTemplate: 'a=b', matchAny: any })).toThrow(RuleError);
    // A labelsTemplate smuggled onto a group rule is no template of ExecuteGroupRule.
    const smuggled = { name: 'g', labelsTemplate: 'a=b', matchAny: any } as unknown as GroupRule;
    expect(execGroup(smuggled).matched).toBe(true);
  });

  it('under failFast, a failed matchAny hides matchFeatures errors', () => {
    const out = exec({ name: 'r', matchAny: [{ matchFeatures: [missing] }], matchFeatures: [erroring] });
    expect(out.matched).toBe(false);
  });

  it('a matchAny element with no terms matches', () => {
    expect(exec({ name: 'r', labels: { a: '1' }, matchAny: [{ matchFeatures: [] }] }).matched).toBe(true);
  });
});

describe('§5 template expansion per matching element, and merge order', () => {
  it('runs the template once per matching matchAny element, each with only its own data', () => {
    const out = exec({
      name: 'r',
      labelsTemplate: ALL_NAMES,
      matchAny: [{ matchFeatures: [nvidia] }, { matchFeatures: [missing] }, { matchFeatures: [intel] }],
    });
    expect(out.labels).toEqual({
      'kernel.loadedmodule.nvidia': 'x',
      'cpu.model.vendor_id': 'x',
    });
  });

  it('an element that refers to data of another element hits a missing key (execution error)', () => {
    const rule: Rule = {
      name: 'r',
      labelsTemplate: '{{ range .kernel.loadedmodule }}{{ .Name }}=1\n{{ end }}',
      matchAny: [{ matchFeatures: [nvidia] }, { matchFeatures: [intel] }],
    };
    expect(() => exec(rule)).toThrow(RuleError);
    // Only the first element matching: fine.
    expect(
      exec({ ...rule, matchAny: [{ matchFeatures: [nvidia] }, { matchFeatures: [missing] }] }).labels,
    ).toEqual({
      nvidia: '1',
    });
  });

  it('later matchAny expansions overwrite earlier ones, matchFeatures overwrites them, static labels win', () => {
    const template = '{{ range $d, $m := . }}k={{ $d }}\nk-{{ $d }}=1\n{{ end }}';
    const any = [{ matchFeatures: [nvidia] }, { matchFeatures: [intel] }];
    expect(exec({ name: 'r', labelsTemplate: template, matchAny: any }).labels).toEqual({
      k: 'cpu',
      'k-kernel': '1',
      'k-cpu': '1',
    });
    const withFeatures: Rule = {
      name: 'r',
      labelsTemplate: template,
      varsTemplate: template,
      matchAny: any,
      matchFeatures: [{ feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: ['10de'] } } }],
    };
    const out = exec(withFeatures);
    expect(out.labels).toEqual({ k: 'pci', 'k-kernel': '1', 'k-cpu': '1', 'k-pci': '1' });
    expect(out.vars).toEqual(out.labels);
    const statics = exec({ ...withFeatures, labels: { k: 'static' }, vars: { 'k-pci': 'v' } });
    expect(statics.labels.k).toBe('static');
    expect(statics.vars['k-pci']).toBe('v');
    expect(statics.vars.k).toBe('pci');
  });

  it('never templates annotations, extended resources or taints', () => {
    const out = exec({
      name: 'r',
      annotations: { 'a/b': '{{ .x }}' },
      extendedResources: { 'a/r': '@cpu.model.family' },
      taints: [{ key: 'a/t', value: '{{ .x }}', effect: 'NoSchedule' }],
      matchFeatures: [nvidia],
    });
    expect(out.annotations).toEqual({ 'a/b': '{{ .x }}' });
    expect(out.extendedResources).toEqual({ 'a/r': '@cpu.model.family' });
    expect(out.taints).toEqual([{ key: 'a/t', value: '{{ .x }}', effect: 'NoSchedule' }]);
  });
});

describe('§5 rules without matchers (Q11) and template errors (Q12)', () => {
  it('a rule without matchers matches and never parses its templates', () => {
    for (const rule of [
      { name: 'r', labels: { a: '1' }, labelsTemplate: '{{', varsTemplate: '{{ nosuchfunc }}' },
      { name: 'r', labels: { a: '1' }, labelsTemplate: '{{', matchAny: [], matchFeatures: [] },
    ] as Rule[]) {
      const out = exec(rule);
      expect(out.matched).toBe(true);
      expect(out.labels).toEqual({ a: '1' });
      expect(out.vars).toEqual({});
    }
  });

  it('never parses or runs templates of a rule that did not match', () => {
    for (const labelsTemplate of ['{{', '{{ .nosuch.key }}', 'no equals sign']) {
      const out = exec({ name: 'r', labelsTemplate, matchFeatures: [missing] });
      expect(out).toMatchObject({ matched: false, labels: {}, vars: {} });
    }
  });

  it('reports parse, execution and output errors as rule errors once the rule matches', () => {
    for (const labelsTemplate of ['{{', '{{ .nosuch.key }}', 'no equals sign', `${'x'.repeat(65537)}`]) {
      expect(() => exec({ name: 'r', labelsTemplate, matchFeatures: [nvidia] })).toThrow(RuleError);
    }
  });

  it('accepts a template of exactly 65536 UTF-8 bytes, counting bytes', () => {
    const ok = `a=${'é'.repeat(32767)}`; // 2 + 65534 bytes
    expect(Buffer.byteLength(ok)).toBe(65536);
    expect(exec({ name: 'r', labelsTemplate: ok, matchFeatures: [nvidia] }).labels.a).toHaveLength(32767);
    expect(() => exec({ name: 'r', labelsTemplate: `${ok}x`, matchFeatures: [nvidia] })).toThrow(RuleError);
  });
});

describe('§6.2 template data and §6.3 output parsing', () => {
  it('gives flag elements a Name (the brief’s loadedmodule example)', () => {
    const out = exec({
      name: 'r',
      labelsTemplate: '{{ range .kernel.loadedmodule }}{{ .Name }}=loaded\n{{ end }}',
      matchFeatures: [
        { feature: 'kernel.loadedmodule', matchName: { op: 'In', value: ['nvidia', 'vfio_pci'] } },
      ],
    });
    expect(out.labels).toEqual({ nvidia: 'loaded', vfio_pci: 'loaded' });
  });

  it('has no Value on flag elements: .Value is a missing key', () => {
    expect(() =>
      exec({
        name: 'r',
        labelsTemplate: '{{ range .kernel.loadedmodule }}{{ .Name }}={{ .Value }}\n{{ end }}',
        matchFeatures: [nvidia],
      }),
    ).toThrow(RuleError);
  });

  it('gives attribute elements Name and Value ("" for a DoesNotExist hit), flag element first', () => {
    const out = exec({
      name: 'r',
      labelsTemplate:
        '{{ range $i, $e := .kernel.config }}e{{ $i }}={{ $e.Name }}:{{ index $e "Value" }}:{{ len $e }}\n{{ end }}',
      matchFeatures: [
        { feature: 'kernel.config', matchExpressions: { PREEMPT: exists, XYZ: { op: 'DoesNotExist' } } },
      ],
    });
    expect(out.labels).toEqual({ e0: 'PREEMPT:y:2', e1: 'XYZ::1', e2: 'XYZ::2' });
  });

  it('gives instance elements their whole attribute map', () => {
    const out = exec({
      name: 'r',
      labelsTemplate: '{{ range .pci.device }}pci-{{ .vendor }}={{ .class }}\n{{ end }}',
      matchFeatures: [
        { feature: 'pci.device', matchExpressions: { class: { op: 'InRegexp', value: ['^0[23]'] } } },
      ],
    });
    expect(out.labels).toEqual({ 'pci-8086': '0200', 'pci-10de': '0300' });
  });

  it('keys data by the rule’s spelling of the feature (Q8), split at the first dot', () => {
    const spelled = { feature: 'Kernel.LoadedModule', matchExpressions: { nvidia: exists } };
    expect(
      exec({
        name: 'r',
        labelsTemplate: '{{ range .Kernel.LoadedModule }}{{ .Name }}=1\n{{ end }}',
        matchFeatures: [spelled],
      }).labels,
    ).toEqual({ nvidia: '1' });
    expect(() =>
      exec({
        name: 'r',
        labelsTemplate: '{{ range .kernel.loadedmodule }}{{ .Name }}=1\n{{ end }}',
        matchFeatures: [spelled],
      }),
    ).toThrow(RuleError);
  });

  it('parses the output as §6.3 says', () => {
    const out = exec({
      name: 'r',
      labelsTemplate: '  a=b=c \r\n\n c = d \n=x\na=again\n\t\n',
      matchFeatures: [nvidia],
    });
    expect(out.labels).toEqual({ a: 'again', 'c ': ' d', '': 'x' });
    expect(() => exec({ name: 'r', varsTemplate: 'ok=1\njustakey\n', matchFeatures: [nvidia] })).toThrow(
      /justakey/,
    );
  });

  it('expands matchName elements after expression elements of the same term', () => {
    const out = exec({
      name: 'r',
      labelsTemplate: '{{ range $i, $e := .cpu.model }}e{{ $i }}={{ $e.Name }}\n{{ end }}',
      matchFeatures: [
        {
          feature: 'cpu.model',
          matchExpressions: { vendor_id: exists },
          matchName: { op: 'In', value: ['family'] },
        },
      ],
    });
    expect(out.labels).toEqual({ e0: 'vendor_id', e1: 'family' });
  });

  it('omitted op matches anything (Q32)', () => {
    const out = exec({
      name: 'r',
      labels: { a: '1' },
      matchFeatures: [{ feature: 'cpu.model', matchExpressions: { nosuch: { op: '' } } }],
    });
    expect(out.matched).toBe(true);
  });
});

describe('§5 non-failFast outputs (Q16)', () => {
  it('returns the vars of a rule whose matchAny failed, with matched false', () => {
    const rule = {
      name: 'g',
      vars: { v: '1' },
      varsTemplate: 'w=2',
      matchAny: [{ matchFeatures: [missing] }],
    };
    const out = execGroup(rule, false);
    expect(out).toMatchObject({ matched: false, vars: { v: '1' } });
    // With matchFeatures matching, its template expansion is included.
    const both = execGroup({ ...rule, matchFeatures: [nvidia] }, false);
    expect(both).toMatchObject({ matched: false, vars: { v: '1', w: '2' } });
    // With matchFeatures failing: nothing.
    expect(execGroup({ ...rule, matchFeatures: [missing] }, false)).toMatchObject({
      matched: false,
      vars: {},
    });
    // failFast: nothing.
    expect(execGroup(rule, true)).toMatchObject({ matched: false, vars: {} });
  });
});

describe('§7 rule sequences (Q14, Q15)', () => {
  const ruleMatchedPresent: Rule = {
    name: 'probe',
    labels: { probe: 'yes' },
    matchFeatures: [{ feature: 'rule.matched', matchExpressions: { x: { op: 'DoesNotExist' } } }],
  };

  it('rule.matched does not exist before any rule ran', () => {
    expect(dryrun([ruleMatchedPresent]).rules[0]?.matched).toBe(false);
  });

  it('is created (empty) by a non-matching first rule', () => {
    const result = dryrun([{ name: 'no', labels: { x: '1' }, matchFeatures: [missing] }, ruleMatchedPresent]);
    expect(result.rules.map((r) => r.matched)).toEqual([false, true]);
  });

  it('is not created by an errored rule', () => {
    const result = dryrun([{ name: 'err', matchFeatures: [erroring] }, ruleMatchedPresent]);
    expect(result.rules[0]?.error).toBeDefined();
    expect(result.rules[1]?.matched).toBe(false);
    expect(result.errors).toHaveLength(1);
  });

  it('feeds raw labels then vars; later rules see them in templates; outputs are copies', () => {
    const result = dryrun([
      { name: 'one', labels: { k: 'label', plain: '@cpu.model.family' }, vars: { k: 'var' } },
      {
        name: 'two',
        labelsTemplate: '{{ range .rule.matched }}seen-{{ .Name }}={{ .Value }}\n{{ end }}',
        vars: { k: 'two' },
        matchFeatures: [{ feature: 'rule.matched', matchExpressions: { k: { op: 'In', value: ['var'] } } }],
      },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.rules[1]?.labels).toEqual({ 'seen-k': 'var' });
    // Q15: the first rule's outputs are not changed by later insertions.
    expect(result.rules[0]?.labels).toEqual({ k: 'label', plain: '@cpu.model.family' });
    expect(result.rules[0]?.vars).toEqual({ k: 'var' });
    expect(result.labels).toEqual({
      'feature.node.kubernetes.io/k': 'label',
      'feature.node.kubernetes.io/plain': '6',
      'feature.node.kubernetes.io/seen-k': 'var',
    });
  });

  it('a group feeds back vars only, also of non-matching rules', () => {
    const result = compileGroupRuleSet([
      { name: 'a', vars: { v: '1' }, matchFeatures: [nvidia] },
      { name: 'b', matchFeatures: [{ feature: 'rule.matched', matchExpressions: { v: { op: 'IsTrue' } } }] },
      {
        name: 'c',
        matchFeatures: [{ feature: 'rule.matched', matchExpressions: { v: { op: 'In', value: ['1'] } } }],
      },
    ]).run(node());
    expect(result.rules.map((r) => r.matched)).toEqual([true, false, true]);
    expect(result.matched).toBe(true);
  });
});

describe('§8.1 prefixing, §8.3 dynamic values', () => {
  it('lets the explicit prefix win within one rule, whatever the key order', () => {
    const result = dryrun([{ name: 'r', labels: { 'feature.node.kubernetes.io/foo': 'b', foo: 'a' } }]);
    expect(result.labels).toEqual({ 'feature.node.kubernetes.io/foo': 'b' });
  });

  it('lets a later rule win across rules, prefixed or not', () => {
    expect(
      dryrun([
        { name: 'a', labels: { 'feature.node.kubernetes.io/foo': 'a' } },
        { name: 'b', labels: { foo: 'b' } },
      ]).labels,
    ).toEqual({ 'feature.node.kubernetes.io/foo': 'b' });
    expect(
      dryrun([
        { name: 'a', labels: { foo: 'a' } },
        { name: 'b', labels: { 'feature.node.kubernetes.io/foo': 'b' } },
      ]).labels,
    ).toEqual({ 'feature.node.kubernetes.io/foo': 'b' });
  });

  it('prefixes annotations and extended resources, never taints', () => {
    const result = dryrun([
      {
        name: 'r',
        annotations: { note: 'x' },
        extendedResources: { res: '3' },
        taints: [{ key: 'plain', effect: 'NoSchedule' }],
      },
    ]);
    expect(result.annotations).toEqual({ 'feature.node.kubernetes.io/note': 'x' });
    expect(result.extendedResources).toEqual({ 'feature.node.kubernetes.io/res': '3' });
    expect(result.taints).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/unprefixed/);
  });

  it('resolves @ values after all rules, against the final rule.matched', () => {
    const result = dryrun([
      {
        name: 'a',
        labels: { l: '@rule.matched.v' },
        extendedResources: { r: '@rule.matched.n' },
        vars: { v: 'early', n: '1' },
      },
      { name: 'b', vars: { v: 'late', n: '2' } },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.labels).toEqual({ 'feature.node.kubernetes.io/l': 'late' });
    expect(result.extendedResources).toEqual({ 'feature.node.kubernetes.io/r': '2' });
    // The rule's own output stays raw.
    expect(result.rules[0]?.labels).toEqual({ l: '@rule.matched.v' });
  });

  it('never resolves annotations, vars or taints', () => {
    const result = dryrun([
      {
        name: 'a',
        annotations: { 'vendor.io/a': '@cpu.model.family' },
        vars: { v: '@cpu.model.family' },
        taints: [{ key: 'vendor.io/t', value: '@cpu.model.family', effect: 'NoSchedule' }],
      },
    ]);
    expect(result.annotations).toEqual({ 'vendor.io/a': '@cpu.model.family' });
    expect(result.taints).toEqual([{ key: 'vendor.io/t', value: '@cpu.model.family', effect: 'NoSchedule' }]);
    expect(result.rules[0]?.vars).toEqual({ v: '@cpu.model.family' });
    expect(result.errors).toEqual([]);
  });

  it('reads attribute features only, exact names, element after the second dot; failures are left out', () => {
    const result = dryrun([
      {
        name: 'a',
        labels: {
          'vendor.io/dotted': '@my.dotted.a.b',
          'vendor.io/short': '@cpu.model',
          'vendor.io/flag': '@kernel.loadedmodule.nvidia',
          'vendor.io/case': '@CPU.model.family',
          'vendor.io/noelem': '@cpu.model.nosuch',
          'vendor.io/invalid': '@cpu.model.brand',
        },
      },
    ]);
    expect(result.labels).toEqual({ 'vendor.io/dotted': 'dotted' });
    expect(result.errors).toHaveLength(5);
    expect(result.errors.find((e) => e.includes('vendor.io/invalid'))).toMatch(/Intel Corp/);
  });

  it('does not resolve @ values of a non-matching rule, nor output them', () => {
    const result = dryrun([{ name: 'a', labels: { x: '@no.such.thing' }, matchFeatures: [missing] }]);
    expect(result.errors).toEqual([]);
    expect(result.rules[0]).toMatchObject({ matched: false, labels: {} });
  });
});

describe('§8.2 output validation', () => {
  it('checks key syntax first, then unprefixed, namespace, value; one error per entry', () => {
    expect(labelError('bad key', 'v')).toMatch(/invalid label key/);
    expect(labelError('a/b/c', 'v')).toMatch(/invalid label key/);
    expect(labelError('/x', 'v')).toMatch(/invalid label key/);
    expect(labelError('plain', 'v')).toBe('unprefixed keys are not allowed');
    expect(labelError('plain', 'bad value')).toBe('unprefixed keys are not allowed');
    expect(labelError('kubernetes.io/x', 'bad value')).toBe('namespace is not allowed');
    expect(labelError('node.kubernetes.io/x', 'v')).toBe('namespace is not allowed');
    expect(labelError('vendor.io/x', 'bad value')).toMatch(/invalid value/);
  });

  it('allows feature.node / profile.node (and sub-domains) for labels, feature.node only for the rest', () => {
    for (const ns of [
      'feature.node.kubernetes.io',
      'x.feature.node.kubernetes.io',
      'profile.node.kubernetes.io',
      'y.profile.node.kubernetes.io',
      'vendor.io',
    ]) {
      expect(labelError(`${ns}/x`, 'v')).toBeUndefined();
    }
    expect(annotationError('profile.node.kubernetes.io/x', 'v')).toBe('namespace is not allowed');
    expect(annotationError('x.feature.node.kubernetes.io/x', 'anything at all!')).toBeUndefined();
    expect(extendedResourceError('profile.node.kubernetes.io/x', '1')).toBe('namespace is not allowed');
    expect(taintError({ key: 'profile.node.kubernetes.io/x', effect: 'NoSchedule' })).toBe(
      'namespace is not allowed',
    );
    expect(taintError({ key: 'vendor.io/x', effect: 'NoSchedule' })).toBeUndefined();
    expect(labelError('xfeature.node.kubernetes.io/x', 'v')).toBe('namespace is not allowed');
  });

  it('limits label values to 63 characters and annotation values to 1024 bytes', () => {
    expect(labelError('vendor.io/x', 'a'.repeat(63))).toBeUndefined();
    expect(labelError('vendor.io/x', 'a'.repeat(64))).toMatch(/invalid value/);
    expect(labelError('vendor.io/x', '')).toBeUndefined();
    expect(annotationError('vendor.io/x', 'é'.repeat(512))).toBeUndefined();
    expect(annotationError('vendor.io/x', `${'é'.repeat(512)}a`)).toMatch(/too long/);
  });

  it('does not syntax-check taint keys (Q26) nor values; checks the effect', () => {
    expect(
      taintError({ key: 'vendor.io/bad key!/x', value: 'any value !', effect: 'NoExecute' }),
    ).toBeUndefined();
    expect(taintError({ key: 'plain', effect: '' })).toBe('unprefixed keys are not allowed');
    expect(taintError({ key: 'kubernetes.io/x', effect: '' })).toBe('namespace is not allowed');
    expect(taintError({ key: 'vendor.io/x', effect: '' })).toBe('empty taint effect');
    expect(taintError({ key: 'vendor.io/x', effect: 'noschedule' })).toBe('invalid taint effect');
    for (const effect of ['NoSchedule', 'PreferNoSchedule', 'NoExecute']) {
      expect(taintError({ key: 'feature.node.kubernetes.io/x', effect })).toBeUndefined();
    }
  });

  it('uses label-key syntax for extended resources and the quantity scanner for values (§8.4, Q27)', () => {
    expect(extendedResourceError('vendor.io/bad key', '1')).toMatch(/invalid name/);
    for (const ok of [
      '0',
      '123',
      '1.5',
      '100m',
      '1Gi',
      '2e3',
      '+7',
      '-5',
      '.',
      '+',
      '1.',
      '1E',
      '1e-3',
      '5Ei',
      '-1.5k',
      '1E+6',
    ]) {
      expect([ok, extendedResourceError('vendor.io/r', ok)]).toEqual([ok, undefined]);
    }
    for (const bad of [
      '',
      '1Gb',
      'abc',
      '1 ',
      ' 1',
      '1e',
      '1ee5',
      '1Ki5',
      '1e+',
      '1..5',
      '1K',
      '--1',
      '0x10',
    ]) {
      expect([bad, extendedResourceError('vendor.io/r', bad)]).not.toEqual([bad, undefined]);
    }
  });

  it('dryrun leaves invalid entries out with one error each, and validates the taints of matched rules only', () => {
    const result = dryrun([
      {
        name: 'a',
        labels: { 'vendor.io/ok': 'v', 'vendor.io/bad': 'no spaces' },
        annotations: { 'kubernetes.io/x': 'v' },
        extendedResources: { 'vendor.io/r': '1Gb', 'vendor.io/neg': '-3' },
        taints: [
          { key: 'vendor.io/t', effect: 'NoSchedule' },
          { key: 'vendor.io/u', effect: 'Never' },
        ],
      },
      { name: 'b', taints: [{ key: 'plain', effect: '' }], matchFeatures: [missing] },
    ]);
    expect(result.labels).toEqual({ 'vendor.io/ok': 'v' });
    expect(result.annotations).toEqual({});
    expect(result.extendedResources).toEqual({ 'vendor.io/neg': '-3' });
    expect(result.taints).toEqual([{ key: 'vendor.io/t', effect: 'NoSchedule' }]);
    expect(result.errors).toHaveLength(4);
  });
});

describe('§9.1/§9.3 validate (Q9, Q11, Q24)', () => {
  const load = (text: string) => {
    const loaded = loadNodeFeatureRule(text, { file: 'r.yaml' });
    if (!loaded.ok || loaded.documents[0] === undefined) throw new Error('fixture does not load');
    return validateNodeFeatureRule(loaded.documents[0], 'r.yaml').map((issue) => issue.message);
  };
  const doc = (rules: string) =>
    `apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata: {name: x}\nspec:\n  rules:\n${rules}`;

  it('replaces @ values by 0 for labels and extended resources, and checks unprefixed keys (Q24)', () => {
    expect(
      checkRule(
        { name: 'r', labels: { 'vendor.io/l': '@a.b.c' }, extendedResources: { 'vendor.io/r': '@x' } },
        [],
      ),
    ).toEqual([]);
    const findings = checkRule(
      { name: 'r', labels: { plain: 'v' }, extendedResources: { res: '1' }, annotations: { note: 'n' } },
      [],
    );
    expect(findings).toHaveLength(3);
    for (const f of findings) expect(f.message).toMatch(/unprefixed keys are not allowed/);
    // Annotations keep their @ value; taints are not resolved either.
    expect(checkRule({ name: 'r', annotations: { 'vendor.io/a': '@a.b.c' } }, [])).toEqual([]);
  });

  it('wants a rule name, valid templates (even on a rule without matchers, Q11), never runs them', () => {
    expect(
      checkRule({ name: '', labelsTemplate: '{{', varsTemplate: '{{ .never.run }}' }, []).map((f) => f.path),
    ).toEqual([['name'], ['labelsTemplate']]);
    expect(checkRule({ name: 'r', labelsTemplate: '{{ env "HOME" }}' }, [])).toHaveLength(1);
  });

  it('wants exactly one dot in feature names (Q9), in matchFeatures and matchAny', () => {
    const findings = checkRule(
      {
        name: 'r',
        matchFeatures: [{ feature: 'nodot' }, { feature: 'a.b.c' }, { feature: 'a.b' }],
        matchAny: [{ matchFeatures: [{ feature: 'rule.matched' }, { feature: 'x' }] }],
      },
      [],
    );
    expect(findings.map((f) => f.path)).toEqual([
      ['matchFeatures', 0, 'feature'],
      ['matchFeatures', 1, 'feature'],
      ['matchAny', 0, 'matchFeatures', 1, 'feature'],
    ]);
  });

  it('checks expressions beyond upstream, one error each, whether or not the feature exists', () => {
    const messages = load(
      doc(`    - name: r
      matchFeatures:
        - feature: no.such
          matchExpressions:
            a: {op: In}
            b: {op: GtLt, value: ["5", "1"]}
            c: {op: InRegexp, value: ["(?=x)"]}
            d: {op: Gt, value: ["x"]}
            e: {op: Gt, value: ["1.2"], type: version}
            f: {op: Ge, value: ["1"], type: semver}
            g: {op: Exists, value: ["x"]}
            h: {op: IsTrue, value: ["x"]}
            i: {op: Gt, value: ["1.x"], type: version}
            ok: {op: GeLe, value: ["5", "5"], type: version}
            omitted: {value: []}
`),
    );
    expect(messages).toHaveLength(8);
  });

  it('accepts negative quantities (Q27) and unchecked taint keys (Q26)', () => {
    expect(
      checkRule(
        {
          name: 'r',
          extendedResources: { 'vendor.io/r': '-1' },
          taints: [{ key: 'vendor.io/a b', effect: 'NoSchedule' }],
        },
        [],
      ),
    ).toEqual([]);
  });
});

describe('keys that are special in JavaScript are ordinary keys (§6.3, §7.1)', () => {
  it('keeps a __proto__ key from a template', () => {
    const out = exec({
      name: 'r',
      labelsTemplate: '__proto__=x\nconstructor=y\n',
      varsTemplate: '__proto__=v',
      matchFeatures: [nvidia],
    });
    expect(Object.entries(out.labels)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(Object.entries(out.vars)).toEqual([['__proto__', 'v']]);
  });

  it('feeds a __proto__ var back and validates a __proto__ label (invalid key)', () => {
    const result = dryrun([
      { name: 'a', labelsTemplate: '__proto__=x', varsTemplate: 'p=1\n__proto__=v', matchFeatures: [nvidia] },
      {
        name: 'b',
        labels: { 'vendor.io/seen': 'true' },
        matchFeatures: [
          { feature: 'rule.matched', matchExpressions: { ['__proto__']: { op: 'In', value: ['v'] } } },
        ],
      },
    ]);
    expect(result.rules.map((r) => r.matched)).toEqual([true, true]);
    expect(result.labels).toEqual({ 'vendor.io/seen': 'true' });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/__proto__/);
  });
});

describe('§4 template data keys for other feature names', () => {
  it('splits at the first dot; a dot-less name is keyed (lower-cased) under ""', () => {
    const out = exec({
      name: 'r',
      labelsTemplate:
        '{{ range index . "a" "b.c" }}abc-{{ .Name }}={{ .Value }}\n{{ end }}{{ range index . "nodot" "" }}nodot-{{ .Name }}={{ .Value }}\n{{ end }}',
      matchFeatures: [
        { feature: 'a.b.c', matchExpressions: { x: exists } },
        { feature: 'NoDot', matchExpressions: { y: exists } },
      ],
    });
    expect(out.labels).toEqual({ 'abc-x': '1', 'nodot-y': '2' });
  });

  it('appends several terms on one feature to the same list, in term order', () => {
    const out = exec({
      name: 'r',
      labelsTemplate: '{{ range $i, $e := .cpu.model }}e{{ $i }}={{ $e.Name }}\n{{ end }}',
      matchFeatures: [
        { feature: 'cpu.model', matchExpressions: { vendor_id: exists } },
        { feature: 'cpu.model', matchExpressions: { family: exists } },
      ],
    });
    expect(out.labels).toEqual({ e0: 'vendor_id', e1: 'family' });
  });
});

describe('§6.1 size cap in validate', () => {
  it('rejects a template over 65536 UTF-8 bytes, accepts exactly 65536', () => {
    const ok = `a=${'é'.repeat(32767)}`;
    expect(checkRule({ name: 'r', labelsTemplate: ok }, [])).toEqual([]);
    expect(checkRule({ name: 'r', varsTemplate: `${ok}x` }, []).map((f) => f.path)).toEqual([
      ['varsTemplate'],
    ]);
  });
});
