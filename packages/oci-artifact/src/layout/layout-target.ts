// An OCI image layout directory as a Target (oci.md §13): oci-layout, index.json, blobs/<alg>/<hex>.
// Referrers are written oras-style (untagged index.json entries) and as the fallback-tag index
// (regclient-style); reads merge both.
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NfdError, OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from '@nfd/spec';
import { checkDeclaredSize, goJson, parseDigest, verifyContent } from '../digest.ts';
import {
  buildFallbackIndex,
  checkFallbackIndex,
  dedupeDescriptors,
  type FallbackIndexState,
  filterByArtifactType,
} from '../registry/fallback-index.ts';
import {
  type Descriptor,
  declaredMediaType,
  descriptorJson,
  isImageManifestMediaType,
  isIndexMediaType,
  isManifestMediaType,
  MAX_MANIFEST_BYTES,
  parseDescriptor,
  parseImageIndex,
  parseImageManifest,
  parseJsonObject,
  REF_NAME_ANNOTATION,
  referrerDescriptor,
} from '../registry/oci.ts';
import {
  fallbackTag,
  type OperationOptions,
  type PushManifestResult,
  type ReferrerIndexUpdate,
  type ReferrersListing,
  type Target,
} from '../registry/target.ts';
import { withLockFile, writeFileAtomic } from './files.ts';

export interface LayoutTargetOptions {
  /** The layout directory. */
  readonly dir: string;
  readonly maxManifestBytes?: number;
  /** Lock wait (ms) for index.json updates. */
  readonly lockTimeoutMs?: number;
}

/** index.json as read: the raw object (unknown fields kept on rewrite) and its entries parsed. */
interface LayoutIndex {
  readonly raw: Record<string, unknown>;
  readonly entries: readonly { readonly raw: unknown; readonly descriptor: Descriptor | undefined }[];
}

const encoder = new TextEncoder();

function refName(d: Descriptor | undefined): string | undefined {
  return d?.annotations?.[REF_NAME_ANNOTATION];
}

function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

export class LayoutTarget implements Target {
  readonly kind = 'layout' as const;
  readonly name: string;
  readonly dir: string;
  private readonly maxManifestBytes: number;
  private readonly lockTimeoutMs: number;

  constructor(options: LayoutTargetOptions) {
    this.dir = options.dir;
    this.name = `oci:${options.dir}`;
    this.maxManifestBytes = options.maxManifestBytes ?? MAX_MANIFEST_BYTES;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  }

  displayReference(tagOrDigest: string): string {
    return `${this.name}${parseDigest(tagOrDigest) ? '@' : ':'}${tagOrDigest}`;
  }

  private blobPath(digest: string): string {
    const parsed = parseDigest(digest);
    if (!parsed) throw new NfdError('OCI_PROTOCOL', `invalid digest ${JSON.stringify(digest)}`);
    return join(this.dir, 'blobs', parsed.algorithm, parsed.hex);
  }

  private async checkLayout(): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(this.dir, 'oci-layout'));
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') {
        throw new NfdError('OCI_NOT_FOUND', `${this.dir} is not an OCI image layout (no oci-layout file)`);
      }
      throw new NfdError('OCI_PROTOCOL', `cannot read ${join(this.dir, 'oci-layout')}`, { cause: e });
    }
    const o = parseJsonObject(bytes, `${join(this.dir, 'oci-layout')}`);
    if (typeof o.imageLayoutVersion !== 'string') {
      throw new NfdError('OCI_PROTOCOL', `${join(this.dir, 'oci-layout')} has no imageLayoutVersion`);
    }
  }

  private async readIndex(): Promise<LayoutIndex> {
    await this.checkLayout();
    const path = join(this.dir, 'index.json');
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') {
        throw new NfdError(
          'OCI_PROTOCOL',
          `${this.dir} is not a valid OCI image layout: index.json is missing`,
        );
      }
      throw new NfdError('OCI_PROTOCOL', `cannot read ${path}`, { cause: e });
    }
    const raw = parseJsonObject(bytes, path);
    const list = raw.manifests ?? [];
    if (!Array.isArray(list)) throw new NfdError('OCI_PROTOCOL', `${path}: manifests is not an array`);
    return {
      raw,
      entries: list.map((entry: unknown) => {
        try {
          return { raw: entry, descriptor: parseDescriptor(entry, `${path} entry`) };
        } catch {
          return { raw: entry, descriptor: undefined }; // kept as is, never used
        }
      }),
    };
  }

  private async writeIndex(index: LayoutIndex): Promise<void> {
    const out: Record<string, unknown> = {
      ...index.raw,
      schemaVersion: 2,
      manifests: index.entries.map((e) => e.raw),
    };
    if (out.mediaType === undefined) out.mediaType = OCI_INDEX_MEDIA_TYPE;
    await writeFileAtomic(join(this.dir, 'index.json'), encoder.encode(`${JSON.stringify(out)}\n`));
  }

  private async updateIndex<T>(
    fn: (index: LayoutIndex) => Promise<{ index?: LayoutIndex; result: T }>,
    options: OperationOptions | undefined,
  ): Promise<T> {
    await this.checkLayout();
    return withLockFile(
      join(this.dir, 'index.json.lock'),
      async () => {
        const { index, result } = await fn(await this.readIndex());
        if (index) await this.writeIndex(index);
        return result;
      },
      {
        timeoutMs: this.lockTimeoutMs,
        ...(options?.signal ? { signal: options.signal } : {}),
        ...(options?.onWarning ? { onWarning: options.onWarning } : {}),
      },
    );
  }

  private static entry(descriptor: Descriptor): { raw: unknown; descriptor: Descriptor } {
    return { raw: JSON.parse(goJson(descriptorJson(descriptor))) as unknown, descriptor };
  }

  async resolve(reference: string, options?: OperationOptions): Promise<Descriptor> {
    options?.signal?.throwIfAborted();
    const index = await this.readIndex();
    const isDigest = parseDigest(reference) !== undefined;
    let found: Descriptor | undefined;
    for (const { descriptor } of index.entries) {
      if (!descriptor) continue;
      if (isDigest ? descriptor.digest === reference : refName(descriptor) === reference) found = descriptor;
    }
    if (found) {
      const info = await stat(this.blobPath(found.digest)).catch(() => undefined);
      if (!info) {
        throw new NfdError(
          'OCI_NOT_FOUND',
          `${this.displayReference(reference)}: index.json lists ${found.digest} but its blob is missing`,
        );
      }
      if (info.size !== found.size) {
        throw new NfdError(
          'OCI_PROTOCOL',
          `size mismatch for ${found.digest} in ${this.dir}: index.json says ${found.size} bytes, the blob has ${info.size}`,
        );
      }
      return {
        mediaType: found.mediaType,
        digest: found.digest,
        size: found.size,
        ...(found.platform ? { platform: found.platform } : {}),
      };
    }
    if (isDigest) {
      const bytes = await readFile(this.blobPath(reference)).catch((e: unknown) => {
        if (errnoCode(e) === 'ENOENT') return undefined;
        throw e;
      });
      if (bytes) {
        const descriptor = { mediaType: '', digest: reference, size: bytes.byteLength };
        checkDeclaredSize(descriptor, this.maxManifestBytes, 'manifest');
        verifyContent(descriptor, bytes, this.blobPath(reference));
        const mediaType = declaredMediaType(bytes);
        if (mediaType && isManifestMediaType(mediaType)) return { ...descriptor, mediaType };
        throw new NfdError('OCI_PROTOCOL', `${this.displayReference(reference)} is not a manifest or index`);
      }
    }
    throw new NfdError('OCI_NOT_FOUND', `${this.displayReference(reference)} not found`);
  }

  private async readBlob(descriptor: Descriptor, cap: number, what: string): Promise<Uint8Array> {
    checkDeclaredSize(descriptor, cap, what);
    const path = this.blobPath(descriptor.digest);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') {
        throw new NfdError('OCI_NOT_FOUND', `${what} ${descriptor.digest} not found in ${this.name}`);
      }
      throw new NfdError('OCI_PROTOCOL', `cannot read ${path}`, { cause: e });
    }
    verifyContent(descriptor, bytes, path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async fetchManifest(descriptor: Descriptor, options?: OperationOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    return this.readBlob(descriptor, this.maxManifestBytes, 'manifest');
  }

  async fetchBlob(
    descriptor: Descriptor,
    options?: OperationOptions & { maxBytes?: number },
  ): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    return this.readBlob(descriptor, options?.maxBytes ?? this.maxManifestBytes, 'blob');
  }

  async pushBlob(
    descriptor: Descriptor,
    bytes: Uint8Array,
    options?: OperationOptions,
  ): Promise<'exists' | 'pushed'> {
    options?.signal?.throwIfAborted();
    verifyContent(descriptor, bytes, 'the content to write');
    await this.checkLayout();
    const path = this.blobPath(descriptor.digest);
    const existing = await readFile(path).catch(() => undefined);
    if (existing) {
      try {
        verifyContent(descriptor, existing, path);
        return 'exists';
      } catch {
        options?.onWarning?.(`replacing corrupted blob ${path}`);
      }
    }
    await mkdir(join(path, '..'), { recursive: true });
    await writeFileAtomic(path, bytes);
    return 'pushed';
  }

  async pushManifest(
    descriptor: Descriptor,
    bytes: Uint8Array,
    options?: OperationOptions & { tag?: string },
  ): Promise<PushManifestResult> {
    await this.pushBlob(descriptor, bytes, options);
    const tag = options?.tag;
    await this.updateIndex(async (index) => {
      if (tag !== undefined) {
        const kept = index.entries.filter((e) => refName(e.descriptor) !== tag);
        const plain = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
        const entry = LayoutTarget.entry({ ...plain, annotations: { [REF_NAME_ANNOTATION]: tag } });
        return { index: { raw: index.raw, entries: [...kept, entry] }, result: undefined };
      }
      if (index.entries.some((e) => e.descriptor?.digest === descriptor.digest)) return { result: undefined };
      // oras lists every pushed manifest; an artifact's entry carries its artifactType and annotations.
      let entryDescriptor: Descriptor = descriptor;
      if (isImageManifestMediaType(descriptor.mediaType)) {
        entryDescriptor = referrerDescriptor(
          descriptor,
          parseImageManifest(bytes, `manifest ${descriptor.digest}`),
        );
      }
      return {
        index: { raw: index.raw, entries: [...index.entries, LayoutTarget.entry(entryDescriptor)] },
        result: undefined,
      };
    }, options);
    options?.onProgress?.({ type: 'manifest-pushed', descriptor, ...(tag !== undefined ? { tag } : {}) });
    return {};
  }

  async deleteManifest(digest: string, options?: OperationOptions): Promise<void> {
    const removed = await this.updateIndex(async (index) => {
      const kept = index.entries.filter((e) => e.descriptor?.digest !== digest);
      const exists = kept.length !== index.entries.length || (await this.blobExists(digest));
      if (!exists) throw new NfdError('OCI_NOT_FOUND', `${this.displayReference(digest)} not found`);
      const candidates = await this.ownedBlobs(digest);
      const next = { raw: index.raw, entries: kept };
      return { index: next, result: { next, candidates } };
    }, options);
    await this.collectGarbage(removed.next, removed.candidates, options);
    options?.onProgress?.({ type: 'manifest-deleted', digest });
  }

  private async blobExists(digest: string): Promise<boolean> {
    return (await stat(this.blobPath(digest)).catch(() => undefined)) !== undefined;
  }

  /** A manifest and the blobs it references directly (config, layers) or, for an index, nothing else. */
  private async ownedBlobs(digest: string): Promise<string[]> {
    const out = [digest];
    const bytes = await readFile(this.blobPath(digest)).catch(() => undefined);
    if (!bytes || bytes.byteLength > this.maxManifestBytes) return out;
    try {
      const m = parseImageManifest(bytes, digest);
      out.push(m.config.digest, ...m.layers.map((l) => l.digest));
    } catch {
      // not an image manifest: only itself
    }
    return out;
  }

  /** Every digest reachable from index.json (manifests, indexes, configs, layers); missing blobs are skipped. */
  private async reachable(index: LayoutIndex): Promise<Set<string>> {
    const seen = new Set<string>();
    const queue: Descriptor[] = index.entries.flatMap((e) => (e.descriptor ? [e.descriptor] : []));
    while (queue.length > 0) {
      const d = queue.pop();
      if (!d || seen.has(d.digest)) continue;
      seen.add(d.digest);
      if (!isManifestMediaType(d.mediaType) || d.size > this.maxManifestBytes) continue;
      const bytes = await readFile(this.blobPath(d.digest)).catch(() => undefined);
      if (!bytes) continue;
      try {
        if (isIndexMediaType(d.mediaType)) {
          queue.push(...parseImageIndex(bytes, d.digest).manifests);
        } else {
          const m = parseImageManifest(bytes, d.digest);
          queue.push(m.config, ...m.layers);
        }
      } catch {
        // unreadable manifest: its children stay (we only ever delete our own candidates)
      }
    }
    return seen;
  }

  /** Deletes those `candidates` no longer reachable from index.json (oras-style auto GC, limited to what we touched). */
  private async collectGarbage(
    index: LayoutIndex,
    candidates: readonly string[],
    options?: OperationOptions,
  ): Promise<void> {
    if (candidates.length === 0) return;
    const live = await this.reachable(index);
    for (const digest of new Set(candidates)) {
      if (live.has(digest) || !parseDigest(digest)) continue;
      try {
        await rm(this.blobPath(digest), { force: true });
      } catch (e) {
        options?.onWarning?.(
          `could not delete unreferenced blob ${digest}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }

  private async readFallback(
    index: LayoutIndex,
    subjectDigest: string,
  ): Promise<FallbackIndexState & { entryDigest?: string }> {
    const tag = fallbackTag(subjectDigest);
    let entry: Descriptor | undefined;
    for (const e of index.entries) if (refName(e.descriptor) === tag) entry = e.descriptor;
    if (!entry) return { kind: 'absent' };
    let bytes: Uint8Array;
    try {
      bytes = await this.readBlob(entry, this.maxManifestBytes, 'referrers index');
    } catch (e) {
      return { kind: 'invalid', digest: entry.digest, reason: e instanceof Error ? e.message : String(e) };
    }
    return checkFallbackIndex(bytes, entry.mediaType, subjectDigest);
  }

  async listReferrers(
    subject: Descriptor,
    options?: OperationOptions & { artifactType?: string },
  ): Promise<ReferrersListing> {
    options?.signal?.throwIfAborted();
    const index = await this.readIndex();
    const artifactType = options?.artifactType;
    const found: Descriptor[] = [];
    // 1. oras: manifests listed in index.json whose subject is ours.
    for (const { descriptor } of index.entries) {
      if (!descriptor || descriptor.mediaType !== OCI_MANIFEST_MEDIA_TYPE) continue;
      if (
        artifactType !== undefined &&
        descriptor.artifactType !== undefined &&
        descriptor.artifactType !== artifactType
      ) {
        continue;
      }
      if (descriptor.digest === subject.digest) continue;
      let bytes: Uint8Array;
      try {
        bytes = await this.readBlob(descriptor, this.maxManifestBytes, 'manifest');
      } catch (e) {
        if (!(e instanceof NfdError && e.code === 'OCI_NOT_FOUND')) {
          options?.onWarning?.(
            `skipping ${descriptor.digest} in ${this.name}: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
        continue;
      }
      try {
        const manifest = parseImageManifest(bytes, `manifest ${descriptor.digest}`);
        if (manifest.subject?.digest === subject.digest) found.push(referrerDescriptor(descriptor, manifest));
      } catch {
        // not an image manifest we understand: not a referrer
      }
    }
    // 2. regclient: the fallback-tag index inside the layout.
    const state = await this.readFallback(index, subject.digest);
    if (state.kind === 'invalid') {
      options?.onWarning?.(
        `ignoring the referrers fallback tag ${fallbackTag(subject.digest)} in ${this.name} (${state.digest}): ${state.reason}`,
      );
    } else if (state.kind === 'valid') {
      for (const d of state.index.manifests) {
        if (await this.blobExists(d.digest)) found.push(d);
      }
    }
    return { descriptors: dedupeDescriptors(filterByArtifactType(found, artifactType)), source: 'layout' };
  }

  async addReferrer(
    subject: Descriptor,
    artifact: Descriptor,
    _push: PushManifestResult,
    options?: OperationOptions,
  ): Promise<ReferrerIndexUpdate> {
    const tag = fallbackTag(subject.digest);
    interface AddOutcome {
      changed: boolean;
      old: Descriptor | undefined;
      next: LayoutIndex | undefined;
      index: Descriptor | undefined;
      count: number;
    }
    const outcome = await this.updateIndex<AddOutcome>(async (index) => {
      const state = await this.readFallback(index, subject.digest);
      if (state.kind === 'invalid') {
        throw new NfdError(
          'OCI_PROTOCOL',
          `the referrers fallback tag ${tag} in ${this.name} is not a valid referrers index (${state.digest}: ${state.reason}); not overwriting it`,
        );
      }
      const current = state.kind === 'valid' ? state.index.manifests : [];
      let entries = index.entries;
      if (
        !entries.some((e) => e.descriptor?.digest === artifact.digest && refName(e.descriptor) === undefined)
      ) {
        entries = [...entries, LayoutTarget.entry(artifact)];
      }
      if (current.some((d) => d.digest === artifact.digest)) {
        return {
          ...(entries !== index.entries ? { index: { raw: index.raw, entries } } : {}),
          result: {
            changed: false,
            old: undefined,
            next: undefined,
            index: undefined,
            count: current.length,
          },
        };
      }
      const built = buildFallbackIndex([...current, artifact]);
      await this.pushBlob(built.descriptor, built.bytes, options);
      const next: LayoutIndex = {
        raw: index.raw,
        entries: [
          ...entries.filter((e) => refName(e.descriptor) !== tag),
          LayoutTarget.entry({ ...built.descriptor, annotations: { [REF_NAME_ANNOTATION]: tag } }),
        ],
      };
      return {
        index: next,
        result: {
          changed: true,
          old: state.kind === 'valid' ? state.descriptor : undefined,
          next,
          index: built.descriptor,
          count: current.length + 1,
        },
      };
    }, options);
    if (outcome.changed && outcome.next) {
      options?.onProgress?.({
        type: 'referrers-index-updated',
        tag,
        descriptor: outcome.index,
        entries: outcome.count,
      });
      if (outcome.old) await this.collectGarbage(outcome.next, [outcome.old.digest], options);
    }
    return {
      via: 'layout',
      tag,
      alreadyListed: !outcome.changed,
      ...(outcome.index ? { index: outcome.index } : {}),
    };
  }

  async removeReferrers(
    subject: Descriptor,
    artifacts: readonly Descriptor[],
    options?: OperationOptions,
  ): Promise<void> {
    const digests = new Set(artifacts.map((a) => a.digest));
    const tag = fallbackTag(subject.digest);
    const outcome = await this.updateIndex(async (index) => {
      const candidates: string[] = [];
      for (const d of digests) candidates.push(...(await this.ownedBlobs(d)));
      let entries = index.entries.filter((e) => !(e.descriptor && digests.has(e.descriptor.digest)));
      const state = await this.readFallback(index, subject.digest);
      let indexUpdate: { descriptor: Descriptor | undefined; entries: number } | undefined;
      if (state.kind === 'invalid') {
        options?.onWarning?.(
          `not updating the referrers fallback tag ${tag} in ${this.name} (${state.digest}): ${state.reason}`,
        );
      } else if (state.kind === 'valid' && state.index.manifests.some((d) => digests.has(d.digest))) {
        candidates.push(state.descriptor.digest);
        const remaining = state.index.manifests.filter((d) => !digests.has(d.digest));
        entries = entries.filter((e) => refName(e.descriptor) !== tag);
        if (remaining.length > 0) {
          const built = buildFallbackIndex(remaining);
          await this.pushBlob(built.descriptor, built.bytes, options);
          entries = [
            ...entries,
            LayoutTarget.entry({ ...built.descriptor, annotations: { [REF_NAME_ANNOTATION]: tag } }),
          ];
          indexUpdate = { descriptor: built.descriptor, entries: remaining.length };
        } else {
          indexUpdate = { descriptor: undefined, entries: 0 };
        }
      }
      const next = { raw: index.raw, entries };
      return { index: next, result: { next, candidates, indexUpdate } };
    }, options);
    if (outcome.indexUpdate) {
      options?.onProgress?.({ type: 'referrers-index-updated', tag, ...outcome.indexUpdate });
    }
    await this.collectGarbage(outcome.next, outcome.candidates, options);
    for (const digest of digests) options?.onProgress?.({ type: 'manifest-deleted', digest });
  }
}
