export {
  describeKnownFeature,
  type FeatureType,
  KNOWN_FEATURES,
  type KnownElement,
  type KnownFeature,
  lookupElement,
  lookupFeature,
  type OpenElements,
  type ValueFormat,
} from './catalogue/known-features.ts';
export {
  type LintContext,
  lintCompatibilitySpec,
  lintRuleTerms,
  lintTerms,
  type RequirementFinding,
  specRequirementIssues,
} from './catalogue/lint-requirements.ts';
export { checkCompatibilitySpecRules } from './check-spec.ts';
export {
  type CompatibilityStatus,
  type CompiledSpec,
  compileCompatibilitySpec,
  type EvaluateOptions,
  isCompatible,
  isSetCompatible,
  type MatchAnyStatus,
  type MatchedExpressionStatus,
  type ReportedExpression,
  type RuleStatus,
} from './compatibility.ts';
export {
  compileGroupRuleSet,
  compileRuleSet,
  type DryrunResult,
  type GroupDryrunResult,
  type GroupRuleRunResult,
  type GroupRuleSet,
  type RuleRunResult,
  type RuleSet,
  type UndecodedRule,
} from './dryrun.ts';
export { describeHostFacts, explainExpression, type HostFacts } from './explain.ts';
export {
  type CompiledExpression,
  checkExpression,
  compileExpression,
  ExpressionError,
  type ExpressionErrorKind,
  type ExpressionProblem,
  evaluateExpression,
  formatExpression,
} from './expression.ts';
export {
  cloneFeatureIndex,
  type FeatureIndex,
  type FeatureParts,
  getAttribute,
  type InstanceAttributes,
  indexFeatures,
  mergeNodeFeatures,
  pickFeatures,
  RULE_MATCHED_FEATURE,
  setMatchedAttributes,
} from './features.ts';
export { parseGoInt } from './integer.ts';
export {
  type CompiledTerms,
  compileTerms,
  type MatchedElement,
  type ProcessedTerm,
  type TemplateData,
  TermError,
  type TermsResult,
} from './match-features.ts';
export {
  annotationError,
  extendedResourceError,
  labelError,
  prefixKeys,
  taintError,
} from './output-validation.ts';
export { compileRegex, type Regex, RegexSyntaxError, regexFinds } from './regex.ts';
export { type CompiledRule, compileGroupRule, compileRule, RuleError, type RuleOutput } from './rule.ts';
export type {
  ParseTemplateOptions,
  Template,
} from './template/index.ts';
export {
  type CheckOptions,
  checkGroupRule,
  checkRule,
  type Finding,
  validateNodeFeatureGroup,
  validateNodeFeatureRule,
} from './validate.ts';
export { compareVersions, parseVersion, type Version } from './version.ts';
