// Resolving the image a spec is attached to, with optional platform selection (oci.md §8).
import { NfdError } from '@nfd/spec';
import { describeChild, formatPlatform, type PlatformChoice, selectPlatform } from '../platform.ts';
import {
  type Descriptor,
  DOCKER_IMAGE_CONFIG_MEDIA_TYPE,
  type ImageIndex,
  isIndexMediaType,
  MAX_MANIFEST_BYTES,
  OCI_IMAGE_CONFIG_MEDIA_TYPE,
  type Platform,
  parseImageIndex,
  parseImageManifest,
  parseJsonObject,
} from '../registry/oci.ts';
import type { OperationOptions, Target } from '../registry/target.ts';

/** Where the artifacts were looked for / attached. */
export interface SpecSubject {
  /** The subject descriptor (mediaType, digest, size; `platform` for an index child). */
  readonly descriptor: Descriptor;
  /** `reference`: what the image reference resolves to; `platform-child`: a child of that index. */
  readonly where: 'reference' | 'platform-child';
  /** What the image reference resolved to (equals `descriptor` when `where` is `reference`). */
  readonly image: Descriptor;
  /** For `platform-child`: e.g. `linux/arm64 (sha256:…, entry 2 of 3)`. */
  readonly description?: string;
}

export async function fetchIndex(
  target: Target,
  descriptor: Descriptor,
  options?: OperationOptions,
): Promise<ImageIndex> {
  const bytes = await target.fetchManifest(descriptor, options);
  return parseImageIndex(bytes, `index ${descriptor.digest}`, descriptor.mediaType);
}

/** Picks `platform` among the children of `index`, or throws OCI_NOT_FOUND listing what exists. */
export function chooseChild(
  target: Target,
  image: string,
  index: ImageIndex,
  platform: Platform,
): { choice: PlatformChoice; description: string } {
  const choice = selectPlatform(index.manifests, platform);
  if (!choice) {
    const available = index.manifests
      .flatMap((m) =>
        m.platform && !(m.platform.os === 'unknown' && m.platform.architecture === 'unknown')
          ? [formatPlatform(m.platform)]
          : [],
      )
      .join(', ');
    throw new NfdError(
      'OCI_NOT_FOUND',
      `${target.displayReference(image)} has no image for platform ${formatPlatform(platform)}${available ? ` (available: ${available})` : ''}`,
    );
  }
  return { choice, description: describeChild(choice, index.manifests.length) };
}

function childDescriptor(d: Descriptor): Descriptor {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.platform ? { platform: d.platform } : {}),
  };
}

/**
 * Resolves `image` in `target`; with `platform`, selects the index child (or checks a single image's
 * config matches, as oras does).
 */
export async function resolveSubject(
  target: Target,
  image: string,
  platform: Platform | undefined,
  options?: OperationOptions & { content?: boolean },
): Promise<SpecSubject> {
  const resolved = await target.resolve(image, options);
  const imageDescriptor: Descriptor = {
    mediaType: resolved.mediaType,
    digest: resolved.digest,
    size: resolved.size,
  };
  if (!platform) return { descriptor: imageDescriptor, where: 'reference', image: imageDescriptor };
  if (isIndexMediaType(resolved.mediaType)) {
    const index = await fetchIndex(target, imageDescriptor, options);
    const { choice, description } = chooseChild(target, image, index, platform);
    return {
      descriptor: childDescriptor(choice.descriptor),
      where: 'platform-child',
      image: imageDescriptor,
      description,
    };
  }
  // A single image: its config must describe the wanted platform.
  const manifest = parseImageManifest(
    await target.fetchManifest(imageDescriptor, options),
    `manifest ${imageDescriptor.digest}`,
    imageDescriptor.mediaType,
  );
  const configType = manifest.config.mediaType;
  if (configType !== OCI_IMAGE_CONFIG_MEDIA_TYPE && configType !== DOCKER_IMAGE_CONFIG_MEDIA_TYPE) {
    throw new NfdError(
      'USAGE',
      `${target.displayReference(image)} is not a multi-platform index and its config (${configType}) is not an image config, so --platform ${formatPlatform(platform)} cannot be checked`,
    );
  }
  const config = parseJsonObject(
    await target.fetchBlob(manifest.config, { ...options, maxBytes: MAX_MANIFEST_BYTES }),
    `image config ${manifest.config.digest}`,
  );
  const own: Platform = {
    os: typeof config.os === 'string' ? config.os : '',
    architecture: typeof config.architecture === 'string' ? config.architecture : '',
    ...(typeof config.variant === 'string' && config.variant ? { variant: config.variant } : {}),
    ...(typeof config['os.version'] === 'string' && config['os.version']
      ? { osVersion: config['os.version'] }
      : {}),
  };
  if (!selectPlatform([{ ...imageDescriptor, platform: own }], platform)) {
    throw new NfdError(
      'OCI_NOT_FOUND',
      `${target.displayReference(image)} is a single-platform image for ${formatPlatform(own)}, not ${formatPlatform(platform)}`,
    );
  }
  return { descriptor: imageDescriptor, where: 'reference', image: imageDescriptor };
}
