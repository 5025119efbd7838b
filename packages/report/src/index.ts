export { renderCodeFrame } from './code-frame.ts';
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
