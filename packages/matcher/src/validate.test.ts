import { formatIssue, loadNodeFeatureGroup, loadNodeFeatureRule } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { validateNodeFeatureGroup, validateNodeFeatureRule } from './validate.ts';

function validate(text: string): string[] {
  const loaded = loadNodeFeatureRule(text, { file: 'r.yaml' });
  if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  return loaded.documents.flatMap((doc) => validateNodeFeatureRule(doc, 'r.yaml')).map(formatIssue);
}

const header =
  'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata: {name: x}\nspec:\n  rules:\n';

describe('validate (matching.md §9.1 and §9.3)', () => {
  it('accepts a valid rule', () => {
    expect(
      validate(
        `${header}  - name: ok\n    labels: {vendor.io/gpu: "true", vendor.io/count: "@pci.device.count"}\n    extendedResources: {vendor.io/gpus: "@kernel.version.major"}\n    labelsTemplate: "{{ range .pci.device }}vendor.io/{{ .vendor }}=true\\n{{ end }}"\n    matchFeatures:\n    - feature: pci.device\n      matchExpressions: {vendor: {op: In, value: ["10de"]}}\n`,
      ),
    ).toEqual([]);
  });

  it('points a template error at the template’s own line and column, in a block scalar too', () => {
    expect(
      validate(
        `${header}  - name: t\n    labelsTemplate: |\n      {{ range .kernel.version }}\n      vendor.io/x={{ .Name }\n      {{ end }}\n`,
      ),
    ).toEqual([
      'r.yaml:9:28: error: spec.rules[0].labelsTemplate: invalid template: template: labelsTemplate:2:21: unexpected "}" in operand',
    ]);
  });

  it('reports upstream’s checks, located', () => {
    expect(
      validate(
        `${header}  - name: ""\n    labels: {unprefixed: "x"}\n    annotations: {kubernetes.io/a: "b"}\n    taints: [{key: vendor.io/t, effect: Never}]\n    extendedResources: {vendor.io/r: "lots"}\n    labelsTemplate: "{{ .x "\n    matchFeatures:\n    - feature: nodot\n`,
      ),
    ).toEqual([
      'r.yaml:6:11: error: spec.rules[0].name: rule name cannot be empty',
      'r.yaml:8:36: error: spec.rules[0].annotations["kubernetes.io/a"]: invalid annotation "kubernetes.io/a":"b" namespace is not allowed',
      'r.yaml:7:26: error: spec.rules[0].labels.unprefixed: invalid label "unprefixed":"x" unprefixed keys are not allowed',
      'r.yaml:9:14: error: spec.rules[0].taints[0]: invalid taint vendor.io/t=:Never: invalid taint effect',
      expect.stringMatching(
        /^r\.yaml:10:38: error: spec\.rules\[0\]\.extendedResources\["vendor\.io\/r"\]: invalid extended resource "vendor\.io\/r":"lots"/,
      ),
      // Inside the template: where the action is left open (template line 1, Go column 6).
      'r.yaml:11:28: error: spec.rules[0].labelsTemplate: invalid template: template: labelsTemplate:1:6: unclosed action',
      'r.yaml:13:16: error: spec.rules[0].matchFeatures[0].feature: invalid feature name nodot (not <domain>.<feature>), cannot be used for templating',
    ]);
  });

  it('checks expressions beyond upstream', () => {
    const issues = validate(
      `${header}  - name: exprs\n    matchFeatures:\n    - feature: kernel.version\n      matchExpressions:\n        major: {op: GtLt, value: ["9", "5"]}\n        minor: {op: In}\n        full: {op: Ge, value: ["5.x"], type: version}\n      matchName: {op: InRegexp, value: ["a(?=b)"]}\n`,
    );
    expect(issues).toHaveLength(4);
    expect(issues.join('\n')).toContain('spec.rules[0].matchFeatures[0].matchExpressions.major');
    expect(issues.join('\n')).toContain('spec.rules[0].matchFeatures[0].matchExpressions.minor');
    expect(issues.join('\n')).toContain('spec.rules[0].matchFeatures[0].matchExpressions.full');
    expect(issues.join('\n')).toContain(
      'spec.rules[0].matchFeatures[0].matchName: invalid regular expression "a(?=b)"',
    );
  });

  it('validates NodeFeatureGroups', () => {
    const loaded = loadNodeFeatureGroup(
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureGroup\nmetadata: {name: g}\nspec:\n  featureGroupRules:\n  - name: g\n    matchFeatures: [{feature: a.b.c}]\n',
      { file: 'g.yaml' },
    );
    if (!loaded.ok) throw new Error('fixture');
    expect(
      loaded.documents.flatMap((doc) => validateNodeFeatureGroup(doc, 'g.yaml')).map(formatIssue),
    ).toEqual([
      'g.yaml:7:31: error: spec.featureGroupRules[0].matchFeatures[0].feature: invalid feature name a.b.c (not <domain>.<feature>), cannot be used for templating',
    ]);
  });
});
