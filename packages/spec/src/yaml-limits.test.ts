import { describe, expect, it } from 'vitest';
import { aliasBomb, nested } from '../../../test/support/fuzz-inputs.ts';
import { NfdError } from './errors.ts';
import {
  loadCompatibilitySpecForEvaluation,
  loadNodeFeaturesForEvaluation,
  loadRuleFileForEvaluation,
} from './evaluate-load.ts';
import { formatIssue, type SpecIssue } from './issue.ts';
import { loadCompatibilitySpec, loadNodeFeatureRule } from './load.ts';
import type { Rule } from './rule.ts';
import { MAX_YAML_DEPTH } from './yaml-limits.ts';

// Hostile YAML (issue 15): nesting past the limit, alias bombs, unresolved aliases and bad merge
// keys are located problems of every loader, never a stack overflow, an exhausted heap or a raw
// ReferenceError, RangeError or Error of the YAML library.

const FILE = 'spec.yaml';

/** The strict loader's issues, each formatted (it never throws). */
function strictIssues(text: string): string[] {
  const result = loadCompatibilitySpec(text, { file: FILE });
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.issues.map((issue: SpecIssue) => formatIssue(issue));
}

/** The evaluating loaders' error: an NfdError, its message. */
function evaluationError(load: () => unknown): string {
  let thrown: unknown;
  try {
    load();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(NfdError);
  return (thrown as NfdError).message;
}

const evaluate = {
  spec: (text: string) => () => loadCompatibilitySpecForEvaluation(text, { file: FILE }),
  rules: (text: string) => () => loadRuleFileForEvaluation(text, { file: FILE }),
  nodeFeatures: (text: string) => () => loadNodeFeaturesForEvaluation(text, { file: FILE }),
};

describe('nesting', () => {
  const deep = {
    'block mappings': `version: v1alpha1\nx:\n${nested(1000, 'block-map')
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n')}\n`,
    'flow sequences': `version: v1alpha1\nx: ${nested(1000, 'flow-seq')}\n`,
    'flow mappings': `version: v1alpha1\nx: ${nested(1000, 'flow-map')}\n`,
    'compact block sequences': `version: v1alpha1\nx:\n  ${nested(1000, 'block-seq')}\n`,
    'JSON arrays': `{"version": "v1alpha1", "x": ${'['.repeat(1000)}${']'.repeat(1000)}}\n`,
    'JSON objects': `{"version": "v1alpha1", "x": ${'{"a": '.repeat(1000)}1${'}'.repeat(1000)}}\n`,
  };

  it.each(Object.entries(deep))(
    '1,000 levels of %s: a located error, the same for every loader',
    (_, text) => {
      const [issue, ...others] = strictIssues(text);
      expect(others).toEqual([]);
      expect(issue).toMatch(
        /^spec\.yaml:\d+:\d+: error: nested deeper than 256 levels \(the limit for YAML and JSON input\)$/,
      );
      const at = issue?.split(': error')[0] as string;
      for (const load of Object.values(evaluate)) {
        expect(evaluationError(load(text))).toBe(
          `${at}: nested deeper than 256 levels (the limit for YAML and JSON input)`,
        );
      }
    },
  );

  it('points at the collection that is one level too deep', () => {
    const text = `a: ${nested(MAX_YAML_DEPTH + 1, 'flow-seq')}\n`;
    // `a:`'s mapping is level 1; its value's 257th `[` (column 3 + 256) is level 258.
    expect(evaluationError(evaluate.spec(text))).toBe(
      `${FILE}:1:259: nested deeper than 256 levels (the limit for YAML and JSON input)`,
    );
  });

  it('reads 256 levels (the limit), block and flow, YAML and JSON', () => {
    const flow = `version: v1alpha1\nx: ${nested(MAX_YAML_DEPTH - 1, 'flow-seq')}\n`;
    expect(loadCompatibilitySpecForEvaluation(flow, { file: FILE }).spec.version).toBe('v1alpha1');
    const json = `{"version": "v1alpha1", "x": ${'['.repeat(MAX_YAML_DEPTH - 1)}${']'.repeat(MAX_YAML_DEPTH - 1)}}`;
    expect(loadCompatibilitySpecForEvaluation(json, { file: FILE }).spec.version).toBe('v1alpha1');
    const result = loadCompatibilitySpec(flow, { file: FILE });
    expect(result.ok ? [] : result.issues.map((issue) => issue.message)).not.toContainEqual(
      expect.stringContaining('nested deeper'),
    );
  });

  it('counts the levels an alias brings in', () => {
    // Each anchor nests the previous one a level deeper: 300 levels once expanded.
    const lines = ['version: v1alpha1', 'a0: &a0 [x]'];
    for (let i = 1; i < 300; i++) lines.push(`a${i}: &a${i} [*a${i - 1}]`);
    const text = `${lines.join('\n')}\n`;
    expect(evaluationError(evaluate.rules(text))).toMatch(
      /^spec\.yaml:\d+:\d+: alias \*a\d+ nests the document deeper than 256 levels/,
    );
    expect(strictIssues(text)[0]).toMatch(/^spec\.yaml:\d+:\d+: error: alias \*a\d+: /);
  });
});

describe('aliases', () => {
  it('a billion laughs is refused at once, located at the alias that makes it one', () => {
    const text = `version: v1alpha1\n${aliasBomb(9, 9)}compatibilities: *l9\n`;
    const started = performance.now();
    expect(evaluationError(evaluate.spec(text))).toMatch(
      /^spec\.yaml:5:\d+: alias \*l2: the document contains excessive aliasing \([\d,]+ nodes once expanded, [\d,]+ of them from aliases\)$/,
    );
    expect(evaluationError(evaluate.nodeFeatures(text))).toMatch(/excessive aliasing/);
    // The strict loader also keeps the YAML library's maxAliasCount (100).
    expect(strictIssues(text)[0]).toMatch(
      /^spec\.yaml:\d+:\d+: error: alias \*l\d: more than 100 aliases resolved/,
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('an unresolved alias is located, in every loader', () => {
    const text = 'version: v1alpha1\ncompatibilities:\n  - rules: *rules\n';
    expect(strictIssues(text)).toEqual([
      `${FILE}:3:12: error: invalid YAML: unknown anchor 'rules' referenced`,
    ]);
    for (const load of Object.values(evaluate))
      expect(evaluationError(load(text))).toBe(
        `${FILE}:3:12: invalid YAML: unknown anchor 'rules' referenced`,
      );
  });

  it('an alias used before its anchor, or inside it, is located', () => {
    expect(strictIssues('a: *x\nb: &x 1\n')[0]).toBe(
      `${FILE}:1:4: error: invalid YAML: unknown anchor 'x' referenced`,
    );
    expect(evaluationError(evaluate.spec('a: &x [1, *x]\n'))).toBe(
      `${FILE}:1:11: invalid YAML: anchor 'x' value contains itself`,
    );
    expect(strictIssues('a: &x [1, *x]\n')[0]).toBe(
      `${FILE}:1:11: error: invalid YAML: anchor 'x' value contains itself`,
    );
  });

  it('resolves each alias once: 40,000 aliases take well under a second', () => {
    const text = `apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nx: &x []\ny:\n${'  - *x\n'.repeat(40_000)}`;
    const started = performance.now();
    expect(loadRuleFileForEvaluation(text, { file: FILE }).warnings[0]?.message).toMatch(/unknown field "x"/);
    expect(strictIssues(text.replace('kind: NodeFeatureRule', 'version: v1alpha1'))[0]).toMatch(
      /more than 100 aliases/,
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('keeps aliases people write: a shared matchFeatures list and a merged labels map', () => {
    const text = [
      'apiVersion: nfd.k8s-sigs.io/v1alpha1',
      'kind: NodeFeatureRule',
      'metadata: { name: r }',
      'spec:',
      '  rules:',
      '    - name: a',
      '      labels: &labels { example.com/a: "true" }',
      '      matchFeatures: &kernel',
      '        - feature: kernel.version',
      '          matchExpressions: { major: { op: Gt, value: ["4"] } }',
      '    - name: b',
      '      labels: { <<: *labels, example.com/b: "true" }',
      '      matchFeatures: *kernel',
      '',
    ].join('\n');
    const loaded = loadRuleFileForEvaluation(text, { file: FILE });
    expect(
      loaded.rules.map((entry) => ('rule' in entry ? (entry.rule as Rule).labels : entry.error)),
    ).toEqual([{ 'example.com/a': 'true' }, { 'example.com/a': 'true', 'example.com/b': 'true' }]);
    const strict = loadNodeFeatureRule(text.replace('{ <<: *labels, ', '{ '), { file: FILE });
    expect(strict.ok).toBe(true);
  });
});

describe('merge keys', () => {
  it('a merge of something that is no mapping is located (go-yaml reading)', () => {
    for (const load of Object.values(evaluate))
      expect(evaluationError(load('version: v1alpha1\na: &a [1]\n<<: *a\n'))).toBe(
        `${FILE}:3:1: invalid YAML: map merge requires map or sequence of maps as the value`,
      );
  });

  it('a merge of something that is no mapping is located (the YAML library, %YAML 1.1)', () => {
    for (const value of ['3', '*a', '[*a, 1]', '[1, 2]'])
      expect(strictIssues(`%YAML 1.1\n---\nversion: v1alpha1\na: &a [1]\n<<: ${value}\n`)).toEqual([
        `${FILE}:5:1: error: invalid YAML: merge key << takes a mapping, an alias of one, or a list of them`,
      ]);
  });

  it('merges of mappings still merge (%YAML 1.1)', () => {
    const result = loadCompatibilitySpec('%YAML 1.1\n---\nbase: &b {version: v1alpha1}\n<<: *b\n', {
      file: FILE,
    });
    const messages = result.ok ? [] : result.issues.map((issue) => issue.message);
    // `version` came through the merge; only the anchor's own key is unknown.
    expect(messages).toContain('unknown field "base"; expected one of: version, compatibilities');
    expect(messages.filter((message) => message.includes('version'))).toHaveLength(1);
  });
});

describe('the console', () => {
  it('stays quiet for a mapping key that is a collection (the YAML library warns on stderr)', async () => {
    const warnings: unknown[] = [];
    const listener = (warning: unknown): void => {
      warnings.push(warning);
    };
    process.on('warning', listener);
    try {
      const result = loadCompatibilitySpec('version: v1alpha1\n? [a, b]\n: c\n', { file: FILE });
      expect(result.ok).toBe(false);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(warnings).toEqual([]);
  });

  it('a YAML error quoting a carriage return prints it escaped, on one line', () => {
    const [issue] = strictIssues('? |\r\r\n  k\r\r\n: v\r\r\n{}\r\r\n');
    expect(issue).not.toMatch(/[\r\n]/);
    expect(issue).toContain('\\r');
  });
});
