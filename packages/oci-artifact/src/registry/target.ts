// What the artifact operations need of a place that stores OCI content: a repository on a registry
// (RegistryTarget) or an OCI image layout directory (LayoutTarget).
import type { Descriptor } from './oci.ts';

export type ReferrersMode = 'auto' | 'api' | 'tag';

/** Progress of a write, for status lines like oras's `Exists` / `Uploaded`. */
export type ProgressEvent =
  | { readonly type: 'blob-exists'; readonly descriptor: Descriptor; readonly title?: string }
  | { readonly type: 'blob-uploaded'; readonly descriptor: Descriptor; readonly title?: string }
  | { readonly type: 'manifest-pushed'; readonly descriptor: Descriptor; readonly tag?: string }
  | {
      readonly type: 'referrers-index-updated';
      readonly tag: string;
      /** The new index, or undefined when the tag was removed. */
      readonly descriptor: Descriptor | undefined;
      readonly entries: number;
    }
  | { readonly type: 'manifest-deleted'; readonly digest: string };

/** Options every operation accepts. */
export interface OperationOptions {
  readonly signal?: AbortSignal;
  readonly onWarning?: (message: string) => void;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface PushManifestResult {
  /** The `OCI-Subject` response header (registry proved it indexes referrers), if any. */
  readonly ociSubject?: string;
}

export interface ReferrersListing {
  readonly descriptors: readonly Descriptor[];
  /** Where the list came from. */
  readonly source: 'api' | 'tag' | 'layout';
}

export interface ReferrerIndexUpdate {
  /** `api`: the registry indexes referrers itself; `tag`/`layout`: a fallback index was written or already listed it. */
  readonly via: 'api' | 'tag' | 'layout';
  /** The fallback tag (`sha256-<hex>`) when one was involved. */
  readonly tag?: string;
  /** The fallback index now under the tag, when it changed. */
  readonly index?: Descriptor;
  /** True when the entry was already listed (nothing written). */
  readonly alreadyListed: boolean;
}

export interface Target {
  readonly kind: 'registry' | 'layout';
  /** `registry.example/repo` or `oci:DIR`, for messages. */
  readonly name: string;
  /** A reference to `tagOrDigest` in this target as a user would type it (for hints). */
  displayReference(tagOrDigest: string): string;
  /**
   * Tag or digest → descriptor (mediaType, digest, size), verified. A registry answers from HEAD
   * when it can; `content: true` reads and hashes the manifest instead (for a descriptor that is
   * written into another manifest, whose size must be the content's, not a header's).
   */
  resolve(reference: string, options?: OperationOptions & { content?: boolean }): Promise<Descriptor>;
  /** Raw bytes of a manifest or index, verified against the descriptor (4 MiB cap). */
  fetchManifest(descriptor: Descriptor, options?: OperationOptions): Promise<Uint8Array>;
  /** Raw bytes of a blob, verified; `maxBytes` caps the declared size. */
  fetchBlob(descriptor: Descriptor, options?: OperationOptions & { maxBytes?: number }): Promise<Uint8Array>;
  /** Uploads unless present; says which. */
  pushBlob(
    descriptor: Descriptor,
    bytes: Uint8Array,
    options?: OperationOptions,
  ): Promise<'exists' | 'pushed'>;
  /** Stores a manifest by digest, or under `tag`; checks the digest the store reports. */
  pushManifest(
    descriptor: Descriptor,
    bytes: Uint8Array,
    options?: OperationOptions & { tag?: string },
  ): Promise<PushManifestResult>;
  /** Deletes a manifest by digest. */
  deleteManifest(digest: string, options?: OperationOptions): Promise<void>;
  /** Referrers of `subject` (filtered client-side by `artifactType` when given). */
  listReferrers(
    subject: Descriptor,
    options?: OperationOptions & { artifactType?: string },
  ): Promise<ReferrersListing>;
  /** After pushing `artifact` (a manifest whose subject is `subject`), makes it discoverable (§5 attach). */
  addReferrer(
    subject: Descriptor,
    artifact: Descriptor,
    push: PushManifestResult,
    options?: OperationOptions,
  ): Promise<ReferrerIndexUpdate>;
  /** Unlists the artifacts from `subject`'s referrers and deletes them, in the §5 order. */
  removeReferrers(
    subject: Descriptor,
    artifacts: readonly Descriptor[],
    options?: OperationOptions,
  ): Promise<void>;
}

/** `sha256-<hex>` for a subject digest (oci.md §5; hex capped at 64 characters as the spec says). */
export function fallbackTag(subjectDigest: string): string {
  const [alg = '', hex = ''] = subjectDigest.split(':');
  return `${alg}-${hex.slice(0, 64)}`;
}
