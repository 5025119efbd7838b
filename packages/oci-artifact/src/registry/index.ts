export { checkFallbackIndex, type FallbackIndexState } from './fallback-index.ts';
export type {
  Descriptor,
  ImageIndex,
  ImageManifest,
  Platform,
} from './oci.ts';
export { RegistryTarget, type RegistryTargetOptions } from './registry-target.ts';
export {
  fallbackTag,
  type OperationOptions,
  type ProgressEvent,
  type PushManifestResult,
  type ReferrerIndexUpdate,
  type ReferrersListing,
  type ReferrersMode,
  type Target,
} from './target.ts';
