export { type AttachSpecOptions, type AttachSpecResult, attachSpec } from './attach.ts';
export {
  type FetchSpecOptions,
  type FetchSpecResult,
  fetchSpec,
  type ListSpecsOptions,
  type ListSpecsResult,
  listSpecs,
  type SpecArtifactSummary,
  SpecNotFoundError,
  sortNewestFirst,
} from './discover.ts';
export {
  type BuildSpecManifestInput,
  type BuiltSpecManifest,
  buildSpecManifest,
  validateSpecArtifact,
} from './manifest.ts';
export { type RemoveSpecsOptions, removeSpecs } from './remove.ts';
export type { SpecSubject } from './subject.ts';
