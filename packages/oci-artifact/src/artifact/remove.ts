// remove-spec: unlist and delete compatibility artifacts (oci.md §5 "Remove").
import { ARTIFACT_TYPE, NfdError } from '@nfd/spec';
import { assertDigest } from '../digest.ts';
import { formatPlatform } from '../platform.ts';
import { type Descriptor, isIndexMediaType, type Platform, parseImageManifest } from '../registry/oci.ts';
import type { OperationOptions, Target } from '../registry/target.ts';
import { fetchIndex, resolveSubject } from './subject.ts';

export interface RemoveSpecsOptions extends OperationOptions {
  /** Tag or digest of the image inside the target. */
  readonly image: string;
  /** Remove these artifacts (each must be a compatibility artifact attached to the image or one of its children). */
  readonly digests?: readonly string[];
  /** Remove every compatibility artifact attached to what `image` (or its `platform` child) resolves to. */
  readonly all?: boolean;
  readonly platform?: Platform;
}

/** Removes compatibility artifacts; returns the removed digests. */
export async function removeSpecs(target: Target, options: RemoveSpecsOptions): Promise<string[]> {
  const digests = options.digests ?? [];
  if (digests.length > 0 === (options.all === true)) {
    throw new NfdError('USAGE', 'remove-spec needs either one or more artifact digests or --all (not both)');
  }
  for (const d of digests) assertDigest(d, 'artifact digest');
  const subject = await resolveSubject(target, options.image, options.platform, options);

  // subject digest → artifacts to remove from it
  const groups = new Map<string, { subject: Descriptor; artifacts: Descriptor[] }>();
  const add = (s: Descriptor, a: Descriptor): void => {
    const g = groups.get(s.digest) ?? { subject: s, artifacts: [] };
    if (!g.artifacts.some((x) => x.digest === a.digest)) g.artifacts.push(a);
    groups.set(s.digest, g);
  };

  if (options.all) {
    const listing = await target.listReferrers(subject.descriptor, {
      ...options,
      artifactType: ARTIFACT_TYPE,
    });
    for (const d of listing.descriptors) {
      if (d.artifactType === ARTIFACT_TYPE) add(subject.descriptor, d);
    }
  } else {
    let children: Descriptor[] = [];
    if (!options.platform && isIndexMediaType(subject.image.mediaType)) {
      children = [...(await fetchIndex(target, subject.image, options)).manifests];
    }
    for (const digest of new Set(digests)) {
      const resolved = await target.resolve(digest, options).catch((e: unknown) => {
        if (e instanceof NfdError && e.code === 'OCI_NOT_FOUND') {
          throw new NfdError('OCI_NOT_FOUND', `no artifact ${digest} in ${target.name}`, { cause: e });
        }
        throw e;
      });
      const descriptor: Descriptor = {
        mediaType: resolved.mediaType,
        digest: resolved.digest,
        size: resolved.size,
      };
      const bytes = await target.fetchManifest(descriptor, options);
      let manifest: ReturnType<typeof parseImageManifest>;
      try {
        manifest = parseImageManifest(bytes, `manifest ${digest}`);
      } catch (cause) {
        throw new NfdError('USAGE', `${digest} is not a compatibility artifact; refusing to delete it`, {
          cause,
        });
      }
      const type = manifest.artifactType ?? manifest.config.mediaType;
      if (type !== ARTIFACT_TYPE) {
        throw new NfdError(
          'USAGE',
          `${digest} is not a compatibility artifact (${type}); refusing to delete it`,
        );
      }
      const s = manifest.subject;
      const related =
        s !== undefined &&
        (s.digest === subject.descriptor.digest || children.some((c) => c.digest === s.digest));
      if (!s || !related) {
        throw new NfdError(
          'USAGE',
          `artifact ${digest} is attached to ${s?.digest ?? 'nothing'}, not to ${target.displayReference(options.image)}; refusing to delete it`,
        );
      }
      add(
        { mediaType: s.mediaType, digest: s.digest, size: s.size },
        {
          ...descriptor,
          ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
          artifactType: ARTIFACT_TYPE,
        },
      );
    }
  }

  const removed: string[] = [];
  const deleted = new Set<string>();
  const tracking: OperationOptions = {
    ...options,
    onProgress: (event) => {
      if (event.type === 'manifest-deleted') deleted.add(event.digest);
      options.onProgress?.(event);
    },
  };
  for (const { subject: s, artifacts } of groups.values()) {
    try {
      await target.removeReferrers(s, artifacts, tracking);
    } catch (e) {
      const remaining = [...groups.values()].flatMap((g) =>
        g.artifacts.filter((a) => !deleted.has(a.digest)).map((a) => ({ subject: g.subject, artifact: a })),
      );
      throw await partialRemoval(
        target,
        options,
        e,
        [...removed, ...artifacts.map((a) => a.digest).filter((d) => deleted.has(d))],
        remaining,
      );
    }
    removed.push(...artifacts.map((a) => a.digest));
  }
  return removed;
}

/**
 * A removal that failed part-way: says what was removed, what is left (re-reading whether each
 * leftover is still listed as a referrer, or only stored), and the command that finishes the job.
 */
async function partialRemoval(
  target: Target,
  options: RemoveSpecsOptions,
  cause: unknown,
  removed: readonly string[],
  remaining: readonly { subject: Descriptor; artifact: Descriptor }[],
): Promise<unknown> {
  const signal = options.signal;
  const interrupted = signal?.aborted === true;
  if (!(cause instanceof NfdError) && !interrupted) return cause;
  if (cause instanceof NfdError && cause.code === 'USAGE') return cause;
  if (removed.length === 0 && remaining.length === 0) return cause;
  const states: string[] = [];
  for (const { subject, artifact } of remaining) {
    let state = 'state unknown';
    if (!interrupted) {
      try {
        const listing = await target.listReferrers(subject, {
          ...(signal ? { signal } : {}),
          artifactType: ARTIFACT_TYPE,
        });
        state = listing.descriptors.some((d) => d.digest === artifact.digest)
          ? 'still attached'
          : 'no longer listed as a referrer, but still stored';
      } catch {
        // The registry is failing: say what is known.
      }
    }
    states.push(`${artifact.digest} (${state})`);
  }
  const parts = [interrupted ? 'interrupted' : (cause as NfdError).message];
  if (removed.length > 0) parts.push(`removed: ${removed.join(', ')}`);
  if (states.length > 0) parts.push(`not removed: ${states.join(', ')}`);
  const image = target.displayReference(options.image);
  const platform = options.platform === undefined ? '' : ` --platform ${formatPlatform(options.platform)}`;
  const finish =
    remaining.length === 0
      ? undefined
      : `finish with: nfd compat remove-spec --image ${image}${platform} ${remaining.map((r) => `--digest ${r.artifact.digest}`).join(' ')}`;
  const known = cause instanceof NfdError ? cause : undefined;
  const hint = [finish, known?.hint].filter((h) => h !== undefined && h !== '').join('; ');
  return new NfdError(known?.code ?? 'OCI_PROTOCOL', parts.join('; '), {
    cause,
    ...(hint === '' ? {} : { hint }),
  });
}
