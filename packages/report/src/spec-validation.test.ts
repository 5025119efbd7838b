import type { SpecIssue } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSpecValidation, type SpecValidationResult } from './spec-validation.ts';

const error: SpecIssue = {
  severity: 'error',
  file: 'spec.yaml',
  line: 2,
  column: 3,
  path: 'compatibilities[0].weight',
  message: 'expected an integer',
};
const warning: SpecIssue = {
  ...error,
  severity: 'warning',
  line: 3,
  column: 1,
  path: '',
  message: 'careful',
};

const invalid: SpecValidationResult = {
  file: 'spec.yaml',
  valid: false,
  issues: [error, warning],
  summary: null,
  source: 'version: v1alpha1\n  weight: x\nz\n',
};
const valid: SpecValidationResult = {
  file: 'spec.yaml',
  valid: true,
  issues: [],
  summary: { version: 'v1alpha1', documents: 1, compatibilities: 2, rules: 1 },
};

describe('renderSpecValidation', () => {
  it('prints a one-line verdict for a valid spec', () => {
    expect(renderSpecValidation(valid, 'text')).toBe(
      'spec.yaml: valid image compatibility spec (v1alpha1: 2 compatibility sets, 1 rule)\n',
    );
  });

  it('mentions documents and warnings of a valid spec', () => {
    const result = {
      ...valid,
      issues: [warning],
      summary: { version: 'v1alpha1', documents: 2, compatibilities: 2, rules: 1 },
    };
    expect(renderSpecValidation(result, 'text').split('\n').at(-2)).toBe(
      'spec.yaml: valid image compatibility spec (v1alpha1: 2 compatibility sets, 1 rule in 2 documents; 1 warning)',
    );
  });

  it('prints each issue located, with a code frame, then the verdict', () => {
    expect(renderSpecValidation(invalid, 'text')).toBe(
      [
        'spec.yaml:2:3: error: compatibilities[0].weight: expected an integer',
        '  2 |   weight: x',
        '    |   ^',
        'spec.yaml:3:1: warning: careful',
        '  3 | z',
        '    | ^',
        '',
        'spec.yaml: invalid (1 error, 1 warning)',
        '',
      ].join('\n'),
    );
  });

  it('colours text only when asked', () => {
    expect(renderSpecValidation(invalid, 'text', { color: true })).toContain('\u001b[31m');
    expect(renderSpecValidation(invalid, 'text', { color: false })).not.toContain('\u001b[');
  });

  it('gives JSON and YAML the same document, errors and warnings as located strings', () => {
    const json = JSON.parse(renderSpecValidation(invalid, 'json', { color: true }));
    expect(json).toEqual({
      file: 'spec.yaml',
      valid: false,
      errors: ['spec.yaml:2:3: error: compatibilities[0].weight: expected an integer'],
      warnings: ['spec.yaml:3:1: warning: careful'],
      issues: [error, warning],
      summary: null,
    });
    expect(parse(renderSpecValidation(invalid, 'yaml'))).toEqual(json);
  });
});
