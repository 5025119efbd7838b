// attach-spec: upload config + spec, push the artifact manifest by digest, make it discoverable.
import { NfdError, OCI_EMPTY_CONFIG } from '@nfd/spec';
import { formatPlatform } from '../platform.ts';
import type { Descriptor, Platform } from '../registry/oci.ts';
import type {
  OperationOptions,
  PushManifestResult,
  ReferrerIndexUpdate,
  Target,
} from '../registry/target.ts';
import { buildSpecManifest } from './manifest.ts';
import { resolveSubject, type SpecSubject } from './subject.ts';

export interface AttachSpecOptions extends OperationOptions {
  /** Tag or digest of the image inside the target. */
  readonly image: string;
  /** The spec file's bytes, already validated by the caller. */
  readonly specBytes: Uint8Array;
  /** Attach to this platform's child of a multi-platform index. */
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Default: now. */
  readonly created?: Date | string;
  /** `org.opencontainers.image.title` of the spec layer. */
  readonly title?: string;
}

export interface AttachSpecResult {
  readonly artifactDigest: string;
  readonly artifact: Descriptor;
  readonly subject: SpecSubject;
  /** Digests written by this call (blobs that were missing, the manifest, a new fallback index). */
  readonly pushed: string[];
  readonly referrers: ReferrerIndexUpdate;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Attaches a compatibility spec to `image`; idempotent for identical input (same created time). */
export async function attachSpec(target: Target, options: AttachSpecOptions): Promise<AttachSpecResult> {
  // The subject descriptor is written into the artifact: its size comes from the content, not a header.
  const subject = await resolveSubject(target, options.image, options.platform, {
    ...options,
    content: true,
  });
  const built = buildSpecManifest({
    specBytes: options.specBytes,
    subject: subject.descriptor,
    created: options.created ?? new Date(),
    ...(options.annotations ? { annotations: options.annotations } : {}),
    ...(options.title !== undefined ? { title: options.title } : {}),
  });
  const pushed: string[] = [];
  const config: Descriptor = {
    mediaType: OCI_EMPTY_CONFIG.mediaType,
    digest: OCI_EMPTY_CONFIG.digest,
    size: OCI_EMPTY_CONFIG.size,
  };
  const blobs: [Descriptor, Uint8Array, string | undefined][] = [
    [config, built.configBytes, undefined],
    [built.specDescriptor, options.specBytes, options.title],
  ];
  try {
    for (const [descriptor, bytes, title] of blobs) {
      const outcome = await target.pushBlob(descriptor, bytes, options);
      if (outcome === 'pushed') pushed.push(descriptor.digest);
      options.onProgress?.({
        type: outcome === 'pushed' ? 'blob-uploaded' : 'blob-exists',
        descriptor,
        ...(title !== undefined ? { title } : {}),
      });
    }
  } catch (e) {
    if (pushed.length === 0) throw e;
    throw rewrap(
      e,
      options.signal,
      `uploading the spec to ${target.name} failed: ${message(e)}${unreferenced(pushed)}`,
    );
  }

  const artifactDescriptor: Descriptor = {
    mediaType: built.descriptor.mediaType,
    digest: built.descriptor.digest,
    size: built.descriptor.size,
  };
  const image = target.displayReference(options.image);
  const removal = `nfd compat remove-spec --image ${image}${options.platform === undefined ? '' : ` --platform ${formatPlatform(options.platform)}`} --digest ${built.descriptor.digest}`;
  let push: PushManifestResult;
  try {
    push = await target.pushManifest(artifactDescriptor, built.bytes, options);
  } catch (e) {
    if (e instanceof NfdError && e.code === 'USAGE') throw e;
    // The answer may be what failed, not the write: look whether the manifest is there.
    const stored = await isStored(target, built.descriptor.digest, options.signal);
    const text = `pushing the compatibility artifact ${built.descriptor.digest} to ${target.name} failed: ${message(e)}`;
    if (stored === false) throw rewrap(e, options.signal, `${text}${unreferenced(pushed)}`);
    throw rewrap(
      e,
      options.signal,
      `${text}; ${stored === true ? 'the registry stored it nonetheless' : 'it may have been stored'}${unreferenced(pushed)}`,
      `run the attach again, or remove it with: ${removal}`,
    );
  }
  pushed.push(built.descriptor.digest);

  let referrers: ReferrerIndexUpdate;
  try {
    referrers = await target.addReferrer(subject.descriptor, built.descriptor, push, options);
  } catch (e) {
    throw rewrap(
      e,
      options.signal,
      `the compatibility artifact ${built.descriptor.digest} was pushed to ${target.name}, attached to ${subject.descriptor.digest}, but updating the referrers fallback index failed: ${message(e)}`,
      `run the attach again, or remove the artifact with: ${removal}`,
    );
  }
  if (referrers.index && !referrers.alreadyListed) pushed.push(referrers.index.digest);
  return { artifactDigest: built.descriptor.digest, artifact: built.descriptor, subject, pushed, referrers };
}

/** Whether a manifest is in the target: true, false, or undefined when that cannot be told. */
async function isStored(
  target: Target,
  digest: string,
  signal: AbortSignal | undefined,
): Promise<boolean | undefined> {
  if (signal?.aborted === true) return undefined;
  try {
    await target.resolve(digest, signal === undefined ? {} : { signal });
    return true;
  } catch (e) {
    return e instanceof NfdError && e.code === 'OCI_NOT_FOUND' ? false : undefined;
  }
}

function unreferenced(blobs: readonly string[]): string {
  return blobs.length === 0
    ? ''
    : ` (uploaded blobs ${blobs.join(', ')} are unreferenced; registry garbage collection removes them)`;
}

function rewrap(e: unknown, signal: AbortSignal | undefined, text: string, hint?: string): NfdError {
  if (signal?.aborted === true || (e instanceof DOMException && e.name === 'AbortError')) {
    return new NfdError('OCI_PROTOCOL', `interrupted: ${text}`, { cause: e, ...(hint ? { hint } : {}) });
  }
  const code = e instanceof NfdError ? e.code : 'OCI_PROTOCOL';
  const originalHint = e instanceof NfdError ? e.hint : undefined;
  const combined = [hint, originalHint].filter(Boolean).join('; ');
  return new NfdError(code, text, { cause: e, ...(combined ? { hint: combined } : {}) });
}
