// The upstream Go types the evaluating loader decodes into (./go-decode.ts), with the names Go
// prints in its errors. Sources: api/nfd/v1alpha1/types.go, api/image-compatibility/v1alpha1/spec.go,
// k8s.io/api/core/v1 Taint, k8s.io/apimachinery ObjectMeta (only the fields we read; the rest raw).
import type { GoField, GoType } from './go-decode.ts';

const str = (name = 'string'): GoType => ({ kind: 'string', name });
const field = (type: GoType, pointer = false): GoField => ({ type, pointer });
const stringMap: GoType = { kind: 'map', name: 'map[string]string', elem: str() };
const any: GoType = { kind: 'any', name: 'interface {}' };
/** Decoded on its own afterwards (rule by rule). */
const later: GoType = { kind: 'node', name: 'json.RawMessage' };

const objectMeta: GoType = {
  kind: 'struct',
  name: 'v1.ObjectMeta',
  fields: {
    name: field(str()),
    generateName: field(str()),
    namespace: field(str()),
    selfLink: field(str()),
    uid: field(str('types.UID')),
    resourceVersion: field(str()),
    generation: field({ kind: 'int', name: 'int64' }),
    creationTimestamp: field(any),
    deletionTimestamp: field(any, true),
    deletionGracePeriodSeconds: field({ kind: 'int', name: 'int64' }, true),
    labels: field(stringMap),
    annotations: field(stringMap),
    ownerReferences: field(any),
    finalizers: field({ kind: 'slice', name: '[]string', elem: str() }),
    managedFields: field(any),
  },
};

const matchExpression: GoType = {
  kind: 'struct',
  name: 'v1alpha1.MatchExpression',
  fields: {
    op: field(str('v1alpha1.MatchOp')),
    value: field({ kind: 'slice', name: 'v1alpha1.MatchValue', elem: str() }),
    type: field(str('v1alpha1.ValueType')),
  },
};

const featureMatcherTerm: GoType = {
  kind: 'struct',
  name: 'v1alpha1.FeatureMatcherTerm',
  fields: {
    feature: field(str()),
    matchExpressions: field(
      { kind: 'map', name: 'v1alpha1.MatchExpressionSet', elem: matchExpression },
      true,
    ),
    matchName: field(matchExpression, true),
  },
};

const featureMatcher: GoType = { kind: 'slice', name: 'v1alpha1.FeatureMatcher', elem: featureMatcherTerm };

const matchAny: GoType = {
  kind: 'slice',
  name: '[]v1alpha1.MatchAnyElem',
  elem: { kind: 'struct', name: 'v1alpha1.MatchAnyElem', fields: { matchFeatures: field(featureMatcher) } },
};

const taint: GoType = {
  kind: 'struct',
  name: 'v1.Taint',
  fields: {
    key: field(str()),
    value: field(str()),
    effect: field(str('v1.TaintEffect')),
    timeAdded: field(any, true),
  },
};

/** The fields a GroupRule has; a Rule has these and its outputs. */
const groupRuleFields: Record<string, GoField> = {
  name: field(str()),
  vars: field(stringMap),
  varsTemplate: field(str()),
  matchFeatures: field(featureMatcher),
  matchAny: field(matchAny),
};

/** v1alpha1.Rule (a NodeFeatureRule's rule). */
export const GO_RULE: GoType = {
  kind: 'struct',
  name: 'v1alpha1.Rule',
  fields: {
    ...groupRuleFields,
    labels: field(stringMap),
    labelsTemplate: field(str()),
    annotations: field(stringMap),
    taints: field({ kind: 'slice', name: '[]v1.Taint', elem: taint }),
    extendedResources: field(stringMap),
  },
};

/** v1alpha1.GroupRule (a NodeFeatureGroup's or a compatibility set's rule). */
export const GO_GROUP_RULE: GoType = { kind: 'struct', name: 'v1alpha1.GroupRule', fields: groupRuleFields };

/** An object's envelope: TypeMeta (inline) and metadata; `spec` and `status` are decoded separately. */
export const GO_OBJECT_ENVELOPE: GoType = {
  kind: 'struct',
  name: 'v1alpha1.NodeFeatureRule',
  fields: {
    apiVersion: field(str()),
    kind: field(str()),
    metadata: field(objectMeta),
    spec: field(later),
    status: field(later),
  },
};

const features: GoType = {
  kind: 'struct',
  name: 'v1alpha1.Features',
  fields: {
    flags: field({
      kind: 'map',
      name: 'map[string]v1alpha1.FlagFeatureSet',
      elem: {
        kind: 'struct',
        name: 'v1alpha1.FlagFeatureSet',
        fields: {
          elements: field({
            kind: 'map',
            name: 'map[string]v1alpha1.Nil',
            elem: { kind: 'struct', name: 'v1alpha1.Nil', fields: {} },
          }),
        },
      },
    }),
    attributes: field({
      kind: 'map',
      name: 'map[string]v1alpha1.AttributeFeatureSet',
      elem: { kind: 'struct', name: 'v1alpha1.AttributeFeatureSet', fields: { elements: field(stringMap) } },
    }),
    instances: field({
      kind: 'map',
      name: 'map[string]v1alpha1.InstanceFeatureSet',
      elem: {
        kind: 'struct',
        name: 'v1alpha1.InstanceFeatureSet',
        fields: {
          elements: field({
            kind: 'slice',
            name: '[]v1alpha1.InstanceFeature',
            elem: {
              kind: 'struct',
              name: 'v1alpha1.InstanceFeature',
              fields: { attributes: field(stringMap) },
            },
          }),
        },
      },
    }),
  },
};

/** v1alpha1.Features: a bare features document, as `nfd export features` prints it. */
export const GO_FEATURES: GoType = features;

/** v1alpha1.NodeFeatureSpec. */
export const GO_NODE_FEATURE_SPEC: GoType = {
  kind: 'struct',
  name: 'v1alpha1.NodeFeatureSpec',
  fields: { features: field(features), labels: field(stringMap) },
};

/** The image compatibility spec (api/image-compatibility/v1alpha1.Spec). */
export const GO_COMPATIBILITY_SPEC: GoType = {
  kind: 'struct',
  name: 'v1alpha1.Spec',
  fields: {
    version: field(str()),
    compatibilities: field({
      kind: 'slice',
      name: '[]v1alpha1.Compatibility',
      elem: {
        kind: 'struct',
        name: 'v1alpha1.Compatibility',
        fields: {
          rules: field({ kind: 'slice', name: '[]v1alpha1.GroupRule', elem: GO_GROUP_RULE }),
          weight: field({ kind: 'int', name: 'int' }),
          tag: field(str()),
          description: field(str()),
        },
      },
    }),
  },
};
