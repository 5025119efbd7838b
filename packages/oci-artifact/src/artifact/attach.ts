// attach-spec: upload config + spec, push the artifact manifest by digest, make it discoverable.
import { NfdError, OCI_EMPTY_CONFIG } from '@nfd/spec';
import type { Descriptor, Platform } from '../registry/oci.ts';
import type { OperationOptions, ReferrerIndexUpdate, Target } from '../registry/target.ts';
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
  const subject = await resolveSubject(target, options.image, options.platform, options);
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
      `uploading the spec to ${target.name} failed: ${message(e)} (uploaded blobs ${pushed.join(', ')} are unreferenced; registry garbage collection removes them)`,
    );
  }

  const artifactDescriptor: Descriptor = {
    mediaType: built.descriptor.mediaType,
    digest: built.descriptor.digest,
    size: built.descriptor.size,
  };
  const push = await target.pushManifest(artifactDescriptor, built.bytes, options);
  pushed.push(built.descriptor.digest);

  let referrers: ReferrerIndexUpdate;
  try {
    referrers = await target.addReferrer(subject.descriptor, built.descriptor, push, options);
  } catch (e) {
    const image = target.displayReference(options.image);
    throw rewrap(
      e,
      `the compatibility artifact ${built.descriptor.digest} was pushed to ${target.name}, attached to ${subject.descriptor.digest}, but updating the referrers fallback index failed: ${message(e)}`,
      `retry the attach, or remove the artifact with: nfd compat remove-spec --image ${image} --digest ${built.descriptor.digest}`,
    );
  }
  if (referrers.index && !referrers.alreadyListed) pushed.push(referrers.index.digest);
  return { artifactDigest: built.descriptor.digest, artifact: built.descriptor, subject, pushed, referrers };
}

function rewrap(e: unknown, text: string, hint?: string): NfdError {
  if (e instanceof DOMException && e.name === 'AbortError') {
    return new NfdError('OCI_PROTOCOL', `interrupted: ${text}`, { cause: e, ...(hint ? { hint } : {}) });
  }
  const code = e instanceof NfdError ? e.code : 'OCI_PROTOCOL';
  const originalHint = e instanceof NfdError ? e.hint : undefined;
  const combined = [hint, originalHint].filter(Boolean).join('; ');
  return new NfdError(code, text, { cause: e, ...(combined ? { hint: combined } : {}) });
}
