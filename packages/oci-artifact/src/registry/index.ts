export { checkFallbackIndex, type FallbackIndexState } from './fallback-index.ts';
export {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  MAX_REFERRERS_PAGES,
  MAX_SPEC_BYTES,
  type Platform,
  parseImageIndex,
  parseImageManifest,
  serializeIndex,
  serializeManifest,
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
