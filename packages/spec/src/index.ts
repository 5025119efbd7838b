export { checkCompatibilitySpec } from './check-compatibility-spec.ts';
export {
  type CompatibilitySet,
  type CompatibilitySpec,
  CompatibilitySpecSchema,
} from './compatibility-spec.ts';
export {
  ARM_HWCAP,
  ARM_HWCAP2,
  ARM64_HWCAP,
  ARM64_HWCAP2,
  CPUINFO_X86_FLAGS,
  PPC64LE_HWCAP,
  PPC64LE_HWCAP2,
  S390X_HWCAP,
  X86_64_LEVEL_FLAGS,
  X86_FEATURE_NAMES,
} from './cpu-feature-names.ts';
export { NfdError, type NfdErrorCode } from './errors.ts';
export {
  type EvaluatedRule,
  type EvaluatedRuleFile,
  type EvaluationLoadOptions,
  loadCompatibilitySpecForEvaluation,
  loadNodeFeaturesForEvaluation,
  loadRuleFileForEvaluation,
} from './evaluate-load.ts';
export type {
  FeatureMatcherTerm,
  MatchAnyElem,
  MatchExpression,
} from './feature-matcher.ts';
export { formatDuration } from './format.ts';
export { decodeGo, GoDecodeError, type GoField, type GoType } from './go-decode.ts';
export { goJsonEscape } from './go-json.ts';
export { formatGoFloat32, type GoNode, type GoScalar, parseGoYaml, resolvePlainScalar } from './go-yaml.ts';
export { stringifyForGo } from './go-yaml-write.ts';
export { formatIssue, formatIssuePath, type SourceLocation, type SpecIssue } from './issue.ts';
export {
  COMPATIBILITY_SPEC_SCHEMA_ID,
  createCompatibilitySpecJsonSchema,
  renderCompatibilitySpecJsonSchema,
} from './json-schema.ts';
export {
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
  quantityError,
} from './k8s-validation.ts';
export {
  type LoadCompatibilitySpecOptions,
  type LoadOptions,
  loadCompatibilitySpec,
  loadNodeFeature,
  loadNodeFeatureGroup,
  loadNodeFeatureRule,
  readCompatibilitySpecFile,
  readNodeFeatureFile,
  readNodeFeatureGroupFile,
  readNodeFeatureRuleFile,
  readTextFile,
} from './load.ts';
export type { LoadedDocument, LoadResult } from './load-result.ts';
export {
  describeValueCount,
  isMatchOp,
  isValueCountAllowed,
  MATCH_OPS,
  type MatchOp,
  TYPED_MATCH_OPS,
  VALUE_TYPES,
  type ValueCount,
  valueCountForOp,
} from './match-ops.ts';
export {
  ARTIFACT_TYPE,
  CREATED_ANNOTATION,
  type InlineDescriptor,
  NFD_API_VERSION,
  NFD_API_VERSIONS,
  NFD_OPENSHIFT_API_VERSION,
  type NfdApiVersion,
  OCI_EMPTY_CONFIG,
  OCI_EMPTY_MEDIA_TYPE,
  OCI_INDEX_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  SPEC_MEDIA_TYPE,
  SPEC_VERSIONS,
  type SpecVersion,
} from './media-types.ts';
export type {
  AttributeFeatureSet,
  Features,
  FlagElement,
  FlagFeatureSet,
  InstanceFeature,
  InstanceFeatureSet,
  NodeFeature,
} from './node-feature.ts';
export type { NodeFeatureGroup } from './node-feature-group.ts';
export type { NodeFeatureRule } from './node-feature-rule.ts';
export type { ObjectMeta } from './object-meta.ts';
export type {
  CompatibilityStatus,
  DryrunResult,
  GroupDryrunResult,
  GroupRuleRunResult,
  HostFacts,
  MatchAnyStatus,
  MatchedExpressionStatus,
  ReportedExpression,
  RuleRunResult,
  RuleStatus,
} from './results.ts';
export type { GroupRule, Rule, Taint } from './rule.ts';
export { DMI_ID_ATTRIBUTES } from './system-feature-names.ts';
