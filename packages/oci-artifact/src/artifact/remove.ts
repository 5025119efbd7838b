// remove-spec: unlist and delete compatibility artifacts (oci.md §5 "Remove").
import { ARTIFACT_TYPE, NfdError } from '@nfd/spec';
import { assertDigest } from '../digest.ts';
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
  for (const { subject: s, artifacts } of groups.values()) {
    try {
      await target.removeReferrers(s, artifacts, options);
    } catch (e) {
      if (removed.length === 0 || !(e instanceof NfdError)) throw e;
      throw new NfdError(e.code, `${e.message} (already removed: ${removed.join(', ')})`, {
        cause: e,
        ...(e.hint ? { hint: e.hint } : {}),
      });
    }
    removed.push(...artifacts.map((a) => a.digest));
  }
  return removed;
}
