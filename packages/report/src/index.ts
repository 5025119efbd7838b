export { renderCodeFrame } from './code-frame.ts';
export type {
  CompatibilityFormat,
  CompatibilityRenderOptions,
  CompatibilityStatus,
  HostFacts,
  MatchedExpressionStatus,
  ReportedExpression,
  RuleStatus,
} from './compatibility-report.ts';
export {
  formatReportedExpression,
  renderCompatibilityReport,
  withoutHostFacts,
} from './compatibility-report.ts';
export type {
  DryrunFormat,
  DryrunRenderOptions,
  DryrunReport,
  GroupDryrunReport,
  GroupRuleRun,
  RuleRun,
  TaintOutput,
} from './dryrun-report.ts';
export { renderDryrun, renderGroupDryrun } from './dryrun-report.ts';
export type { RuleValidationFormat, RuleValidationResult } from './rule-validation.ts';
export { renderRuleValidation } from './rule-validation.ts';
export type {
  RenderOptions,
  SpecSummary,
  SpecValidationDocument,
  SpecValidationFormat,
  SpecValidationResult,
} from './spec-validation.ts';
export { renderSpecValidation, toSpecValidationDocument } from './spec-validation.ts';
export type { Styler } from './style.ts';
export { createStyler } from './style.ts';
export type { TableOptions } from './table.ts';
export { renderTable } from './table.ts';
