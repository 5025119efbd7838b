// list-specs / fetch-spec: find the compatibility artifacts of an image and read the newest
// (matching.md §11, oci.md §8, §9).
import { ARTIFACT_TYPE, CREATED_ANNOTATION, NfdError } from '@nfd/spec';
import { assertDigest } from '../digest.ts';
import { formatPlatform } from '../platform.ts';
import {
  type Descriptor,
  type ImageManifest,
  isIndexMediaType,
  MAX_SPEC_BYTES,
  type Platform,
} from '../registry/oci.ts';
import type { OperationOptions, Target } from '../registry/target.ts';
import { createdTime, MISSPELT_CREATED_ANNOTATION, validateSpecArtifact } from './manifest.ts';
import { chooseChild, fetchIndex, resolveSubject, type SpecSubject } from './subject.ts';

export interface SpecArtifactSummary {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  /** The created annotation as written (the misspelt key is used when the right one is missing). */
  readonly created?: string;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface ListSpecsOptions extends OperationOptions {
  /** Tag or digest of the image inside the target. */
  readonly image: string;
  /** Look on this platform's child of a multi-platform index. */
  readonly platform?: Platform;
  /** Without `platform`: when the index itself has no spec, look on this platform's child. */
  readonly machinePlatform?: Platform;
}

export interface ListSpecsResult {
  readonly subject: SpecSubject;
  /** Newest first (by created; missing or unparsable = oldest). */
  readonly artifacts: SpecArtifactSummary[];
  /** Set when the specs were found on the machine-platform child rather than on the index (say so). */
  readonly note?: string;
}

function summarize(d: Descriptor): SpecArtifactSummary {
  const annotations = d.annotations ?? {};
  const created = annotations[CREATED_ANNOTATION] ?? annotations[MISSPELT_CREATED_ANNOTATION];
  return {
    digest: d.digest,
    size: d.size,
    mediaType: d.mediaType,
    ...(created !== undefined ? { created } : {}),
    annotations,
  };
}

/** Newest first; missing/unparsable created times sort last (oldest); ties by digest for a stable order. */
export function sortNewestFirst<
  T extends { readonly digest: string; readonly annotations?: Readonly<Record<string, string>> },
>(list: readonly T[]): T[] {
  const key = (d: T): number => createdTime(d.annotations) ?? Number.NEGATIVE_INFINITY;
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka > kb ? -1 : 1;
    return a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0;
  });
}

async function specsOn(
  target: Target,
  subject: Descriptor,
  options: OperationOptions,
): Promise<Descriptor[]> {
  const listing = await target.listReferrers(subject, { ...options, artifactType: ARTIFACT_TYPE });
  return sortNewestFirst(listing.descriptors.filter((d) => d.artifactType === ARTIFACT_TYPE));
}

async function discover(
  target: Target,
  options: ListSpecsOptions,
): Promise<{ subject: SpecSubject; descriptors: Descriptor[]; note?: string }> {
  const subject = await resolveSubject(target, options.image, options.platform, options);
  const descriptors = await specsOn(target, subject.descriptor, options);
  if (descriptors.length > 0 || options.platform || !options.machinePlatform) return { subject, descriptors };
  if (!isIndexMediaType(subject.image.mediaType)) return { subject, descriptors };
  // oci.md §8 recommendation: nothing on the index → try the machine's child and say so.
  const index = await fetchIndex(target, subject.image, options);
  let picked: ReturnType<typeof chooseChild>;
  try {
    picked = chooseChild(target, options.image, index, options.machinePlatform);
  } catch {
    return { subject, descriptors };
  }
  const child: Descriptor = {
    mediaType: picked.choice.descriptor.mediaType,
    digest: picked.choice.descriptor.digest,
    size: picked.choice.descriptor.size,
    ...(picked.choice.descriptor.platform ? { platform: picked.choice.descriptor.platform } : {}),
  };
  const onChild = await specsOn(target, child, options);
  if (onChild.length === 0) return { subject, descriptors };
  return {
    subject: {
      descriptor: child,
      where: 'platform-child',
      image: subject.image,
      description: picked.description,
    },
    descriptors: onChild,
    note: `no compatibility spec is attached to the index ${subject.image.digest}; using the one(s) attached to its ${formatPlatform(options.machinePlatform)} image ${picked.description}`,
  };
}

/** Lists the compatibility artifacts attached to an image, newest first. */
export async function listSpecs(target: Target, options: ListSpecsOptions): Promise<ListSpecsResult> {
  const found = await discover(target, options);
  return {
    subject: found.subject,
    artifacts: found.descriptors.map(summarize),
    ...(found.note ? { note: found.note } : {}),
  };
}

export interface FetchSpecOptions extends ListSpecsOptions {
  /** Fetch this artifact instead of the newest. */
  readonly artifactDigest?: string;
  /** Cap on the spec blob (default 1 MiB). */
  readonly maxSpecBytes?: number;
}

export interface FetchSpecResult {
  readonly specBytes: Uint8Array;
  /** The artifact manifest (validated). */
  readonly artifact: ImageManifest;
  readonly artifactDigest: string;
  /** The spec layer's descriptor. */
  readonly specLayer: Descriptor;
  readonly subject: SpecSubject;
  /** Same as `subject`, named for callers that say where the spec was found. */
  readonly foundOn: SpecSubject;
  readonly note?: string;
}

/**
 * The image exists and its referrers were read, and none is a compatibility spec (code
 * `OCI_NOT_FOUND`). Any other failure — the image missing, a listed artifact or its layer
 * missing, a corrupted answer — is a different error, never this one.
 */
export class SpecNotFoundError extends NfdError {
  constructor(message: string, hint: string) {
    super('OCI_NOT_FOUND', message, { hint });
    this.name = 'SpecNotFoundError';
  }
}

/** A read of something the referrers list named: "not found" there means the listing is stale or corrupted. */
async function listedContent<T>(missing: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof NfdError) || e.code !== 'OCI_NOT_FOUND') throw e;
    throw new NfdError('OCI_PROTOCOL', `${missing}: ${e.message}`, {
      cause: e,
      hint: 'the registry lists an artifact it no longer has (a stale referrers fallback tag?); remove the artifact with compat remove-spec --digest, or attach the spec again',
    });
  }
}

function notFound(target: Target, options: ListSpecsOptions, subject: SpecSubject): NfdError {
  const where =
    subject.where === 'platform-child' ? ` (${subject.description ?? subject.descriptor.digest})` : '';
  return new SpecNotFoundError(
    `no compatibility spec attached to ${target.displayReference(options.image)}${where}`,
    `attach one with: nfd compat attach-spec --image ${target.displayReference(options.image)} --spec spec.yaml${options.platform ? ` --platform ${formatPlatform(options.platform)}` : ''}`,
  );
}

/** Fetches and validates the newest (or the given) compatibility artifact of an image and its spec bytes. */
export async function fetchSpec(target: Target, options: FetchSpecOptions): Promise<FetchSpecResult> {
  let subject: SpecSubject;
  let artifactDescriptor: Descriptor;
  let note: string | undefined;
  let allowedSubjects: string[];
  if (options.artifactDigest !== undefined) {
    assertDigest(options.artifactDigest, 'artifact digest');
    subject = await resolveSubject(target, options.image, options.platform, options);
    const resolved = await target.resolve(options.artifactDigest, options);
    artifactDescriptor = { mediaType: resolved.mediaType, digest: resolved.digest, size: resolved.size };
    allowedSubjects = [subject.descriptor.digest];
    if (!options.platform && isIndexMediaType(subject.image.mediaType)) {
      // An explicit artifact may be attached to one of the index's children.
      const index = await fetchIndex(target, subject.image, options);
      allowedSubjects.push(...index.manifests.map((m) => m.digest));
    }
  } else {
    const found = await discover(target, options);
    subject = found.subject;
    note = found.note;
    const newest = found.descriptors[0];
    if (!newest) throw notFound(target, options, subject);
    artifactDescriptor = { mediaType: newest.mediaType, digest: newest.digest, size: newest.size };
    allowedSubjects = [subject.descriptor.digest];
  }
  const listed = options.artifactDigest === undefined;
  const bytes = listed
    ? await listedContent(
        `the referrers of ${subject.descriptor.digest} list the artifact ${artifactDescriptor.digest}, which is missing`,
        () => target.fetchManifest(artifactDescriptor, options),
      )
    : await target.fetchManifest(artifactDescriptor, options);
  const { manifest, specLayer } = validateSpecArtifact(
    bytes,
    artifactDescriptor,
    allowedSubjects,
    options.onWarning,
  );
  if (
    options.artifactDigest !== undefined &&
    manifest.subject &&
    manifest.subject.digest !== subject.descriptor.digest
  ) {
    const child = manifest.subject;
    subject = {
      descriptor: { mediaType: child.mediaType, digest: child.digest, size: child.size },
      where: 'platform-child',
      image: subject.image,
      description: child.digest,
    };
  }
  const specBytes = await listedContent(
    `the spec layer ${specLayer.digest} of the artifact ${artifactDescriptor.digest} is missing`,
    () => target.fetchBlob(specLayer, { ...options, maxBytes: options.maxSpecBytes ?? MAX_SPEC_BYTES }),
  );
  return {
    specBytes,
    artifact: manifest,
    artifactDigest: artifactDescriptor.digest,
    specLayer,
    subject,
    foundOn: subject,
    ...(note ? { note } : {}),
  };
}
