// A repository on a registry, through the RegistryTransport (oci.md §3–§5, §9).
import { NfdError, OCI_INDEX_MEDIA_TYPE } from '@nfd/spec';
import { ContentMismatchError, checkDeclaredSize, digestOf, parseDigest, verifyContent } from '../digest.ts';
import { parseRegistryErrors, RegistryHttpError } from '../errors.ts';
import type { Action, RegistryRequest, RegistryResponse, RegistryTransport } from '../transport/types.ts';
import {
  buildFallbackIndex,
  checkFallbackIndex,
  dedupeDescriptors,
  type FallbackIndexState,
  filterByArtifactType,
} from './fallback-index.ts';
import {
  baseContentType,
  type Descriptor,
  DOCKER_SCHEMA1_MEDIA_TYPES,
  declaredMediaType,
  isManifestMediaType,
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  MAX_REFERRERS_PAGES,
  parseImageIndex,
} from './oci.ts';
import {
  fallbackTag,
  type OperationOptions,
  type PushManifestResult,
  type ReferrerIndexUpdate,
  type ReferrersListing,
  type ReferrersMode,
  type Target,
} from './target.ts';

export interface RegistryTargetOptions {
  readonly transport: RegistryTransport;
  /** `https://host[:port]` (from `registryEndpoint`). */
  readonly endpoint: string;
  /** Registry name for messages, e.g. `docker.io` or `localhost:5000`. */
  readonly registry: string;
  readonly repository: string;
  /** `auto` (detect, cached per target), `api` (never touch fallback tags) or `tag` (always use them). */
  readonly referrersMode?: ReferrersMode;
  /**
   * Every action the whole operation will need, so one token covers it (oci.md §10.4); each request
   * asks for the union of this and what it needs itself.
   */
  readonly actions?: readonly Action[];
  /** Delete the superseded fallback index by digest after attach (off by default, like the oras CLI). */
  readonly deleteSupersededIndexes?: boolean;
  readonly maxManifestBytes?: number;
  readonly maxReferrersPages?: number;
  /** How often a fallback-index update is re-read and redone when a concurrent writer lost our entry. */
  readonly fallbackUpdateAttempts?: number;
}

const ZERO_STATUS_OK = [200, 201, 202, 204] as const;

/** Splits `Link` header values and returns the `rel="next"` target, if any. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*(.*)$/.exec(part);
    if (!m) continue;
    const params = m[2] ?? '';
    if (/(^|;)\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(params)) return m[1];
  }
  return undefined;
}

export class RegistryTarget implements Target {
  readonly kind = 'registry' as const;
  readonly name: string;
  readonly registry: string;
  readonly repository: string;
  readonly endpoint: string;
  readonly referrersMode: ReferrersMode;
  private readonly transport: RegistryTransport;
  private readonly actions: readonly Action[];
  private readonly deleteSuperseded: boolean;
  private readonly maxManifestBytes: number;
  private readonly maxPages: number;
  private readonly updateAttempts: number;
  /** Referrers API support as detected (undefined = unknown). */
  private apiSupported: boolean | undefined;
  /** Serialises fallback-tag read-modify-write inside this process (per tag). */
  private readonly tagLocks = new Map<string, Promise<unknown>>();

  constructor(options: RegistryTargetOptions) {
    this.transport = options.transport;
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.registry = options.registry;
    this.repository = options.repository;
    this.name = `${options.registry}/${options.repository}`;
    this.referrersMode = options.referrersMode ?? 'auto';
    this.actions = options.actions ?? [];
    this.deleteSuperseded = options.deleteSupersededIndexes ?? false;
    this.maxManifestBytes = options.maxManifestBytes ?? MAX_MANIFEST_BYTES;
    this.maxPages = options.maxReferrersPages ?? MAX_REFERRERS_PAGES;
    this.updateAttempts = options.fallbackUpdateAttempts ?? 3;
    this.apiSupported =
      this.referrersMode === 'api' ? true : this.referrersMode === 'tag' ? false : undefined;
  }

  /** What detection concluded so far (`undefined` = not known yet). */
  get referrersApiSupported(): boolean | undefined {
    return this.apiSupported;
  }

  displayReference(tagOrDigest: string): string {
    return `${this.name}${parseDigest(tagOrDigest) ? '@' : ':'}${tagOrDigest}`;
  }

  private url(path: string): string {
    return `${this.endpoint}/v2/${this.repository}/${path}`;
  }

  private async send(
    req: Omit<RegistryRequest, 'repository' | 'actions'> & { actions: readonly Action[] },
    options: OperationOptions | undefined,
  ): Promise<RegistryResponse> {
    options?.signal?.throwIfAborted();
    const actions = [...new Set([...this.actions, ...req.actions])];
    const response = await this.transport.request({ ...req, repository: this.repository, actions });
    options?.signal?.throwIfAborted();
    return response;
  }

  /**
   * Runs a verified read; bytes that are not what was asked for (a digest or size mismatch: a
   * corrupted transfer) are fetched once more, and a second mismatch is an error — never taken
   * for "absent" or "nothing there".
   */
  private async verifiedRead<T>(options: OperationOptions | undefined, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (first) {
      if (!(first instanceof ContentMismatchError)) throw first;
      options?.onWarning?.(`${first.message}; fetching it again`);
      try {
        return await read();
      } catch (second) {
        if (!(second instanceof ContentMismatchError)) throw second;
        throw new NfdError('OCI_PROTOCOL', `${second.message} (fetched twice)`, {
          cause: second,
          hint: `the content ${this.registry} sent is corrupted, in its storage or on the way (a proxy?); try again, or ask the registry's operator`,
        });
      }
    }
  }

  async resolve(reference: string, options?: OperationOptions & { content?: boolean }): Promise<Descriptor> {
    return this.verifiedRead(options, () => this.resolveOnce(reference, options));
  }

  private async resolveOnce(
    reference: string,
    options?: OperationOptions & { content?: boolean },
  ): Promise<Descriptor> {
    const isDigest = parseDigest(reference) !== undefined;
    const url = this.url(`manifests/${reference}`);
    if (options?.content === true) return this.resolveByGet(reference, url, isDigest, options);
    const head = await this.send(
      {
        method: 'HEAD',
        url,
        actions: ['pull'],
        headers: { accept: MANIFEST_ACCEPT },
        expectedStatus: [200, 404, 405],
      },
      options,
    );
    if (head.status === 404) throw this.manifestNotFound(reference);
    const headDigest = head.headers['docker-content-digest'];
    const headType = baseContentType(head.headers['content-type']);
    const headSize = Number(head.headers['content-length']);
    if (isDigest && headDigest !== undefined && headDigest !== reference) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${this.registry} answered HEAD ${reference} with Docker-Content-Digest ${headDigest}`,
      );
    }
    const digest = isDigest ? reference : headDigest;
    if (
      head.status === 200 &&
      digest !== undefined &&
      parseDigest(digest) &&
      headType &&
      isManifestMediaType(headType) &&
      Number.isSafeInteger(headSize) &&
      headSize >= 0 &&
      head.headers['content-length'] !== undefined
    ) {
      checkDeclaredSize({ digest, size: headSize }, this.maxManifestBytes, 'manifest');
      return { mediaType: headType, digest, size: headSize };
    }
    this.rejectSchema1(headType, reference);
    // No usable digest/type/size from HEAD: GET and hash the body (oci.md §3).
    return this.resolveByGet(reference, url, isDigest, options);
  }

  private async resolveByGet(
    reference: string,
    url: string,
    isDigest: boolean,
    options: OperationOptions | undefined,
  ): Promise<Descriptor> {
    const get = await this.send(
      {
        method: 'GET',
        url,
        actions: ['pull'],
        headers: { accept: MANIFEST_ACCEPT },
        maxBytes: this.maxManifestBytes,
        expectedStatus: [200, 404],
      },
      options,
    );
    if (get.status === 404) throw this.manifestNotFound(reference);
    const body = get.body;
    const computed = digestOf(body, parseDigest(reference)?.algorithm ?? 'sha256');
    const served = get.headers['docker-content-digest'];
    if (isDigest && computed !== reference) {
      throw new ContentMismatchError(
        `digest mismatch for ${reference} from ${get.url}: the content hashes to ${computed}`,
      );
    }
    if (served !== undefined && parseDigest(served)?.algorithm === 'sha256' && served !== computed) {
      throw new ContentMismatchError(
        `digest mismatch for ${reference} from ${get.url}: Docker-Content-Digest ${served}, content hashes to ${computed}`,
      );
    }
    const type = baseContentType(get.headers['content-type']);
    this.rejectSchema1(type, reference);
    const mediaType = type && isManifestMediaType(type) ? type : declaredMediaType(body);
    if (!mediaType || !isManifestMediaType(mediaType)) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${this.displayReference(reference)} is served as ${type ?? 'no content type'}, not an OCI or Docker v2 manifest`,
      );
    }
    return { mediaType, digest: computed, size: body.byteLength };
  }

  private rejectSchema1(type: string | undefined, reference: string): void {
    if (type && DOCKER_SCHEMA1_MEDIA_TYPES.includes(type)) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${this.displayReference(reference)} is a Docker schema 1 manifest, which is not supported`,
      );
    }
  }

  private manifestNotFound(reference: string): NfdError {
    return new NfdError('OCI_NOT_FOUND', `${this.displayReference(reference)} not found on ${this.registry}`);
  }

  async fetchManifest(descriptor: Descriptor, options?: OperationOptions): Promise<Uint8Array> {
    checkDeclaredSize(descriptor, this.maxManifestBytes, 'manifest');
    return this.verifiedRead(options, () => this.fetchManifestOnce(descriptor, options));
  }

  private async fetchManifestOnce(descriptor: Descriptor, options?: OperationOptions): Promise<Uint8Array> {
    const res = await this.send(
      {
        method: 'GET',
        url: this.url(`manifests/${descriptor.digest}`),
        actions: ['pull'],
        headers: { accept: MANIFEST_ACCEPT },
        maxBytes: this.maxManifestBytes,
        expectedStatus: [200, 404],
      },
      options,
    );
    if (res.status === 404) throw this.manifestNotFound(descriptor.digest);
    verifyContent(descriptor, res.body, res.url);
    const type = baseContentType(res.headers['content-type']);
    this.rejectSchema1(type, descriptor.digest);
    return res.body;
  }

  async fetchBlob(
    descriptor: Descriptor,
    options?: OperationOptions & { maxBytes?: number },
  ): Promise<Uint8Array> {
    checkDeclaredSize(descriptor, options?.maxBytes ?? this.maxManifestBytes, 'blob');
    return this.verifiedRead(options, () => this.fetchBlobOnce(descriptor, options));
  }

  private async fetchBlobOnce(descriptor: Descriptor, options?: OperationOptions): Promise<Uint8Array> {
    const res = await this.send(
      {
        method: 'GET',
        url: this.url(`blobs/${descriptor.digest}`),
        actions: ['pull'],
        maxBytes: descriptor.size + 1,
        expectedStatus: [200, 404],
      },
      options,
    );
    if (res.status === 404) {
      throw new NfdError('OCI_NOT_FOUND', `blob ${descriptor.digest} not found in ${this.name}`);
    }
    const length = res.headers['content-length'];
    if (
      length !== undefined &&
      Number(length) !== descriptor.size &&
      res.body.byteLength !== descriptor.size
    ) {
      throw new ContentMismatchError(
        `size mismatch for ${descriptor.digest} from ${res.url}: expected ${descriptor.size} bytes, Content-Length ${length}`,
      );
    }
    verifyContent(descriptor, res.body, res.url);
    return res.body;
  }

  async pushBlob(
    descriptor: Descriptor,
    bytes: Uint8Array,
    options?: OperationOptions,
  ): Promise<'exists' | 'pushed'> {
    verifyContent(descriptor, bytes, 'the content to upload');
    if ((await this.headBlob(descriptor, options)) === 200) return 'exists';
    const postUrl = this.url('blobs/uploads/');
    const post = await this.send(
      { method: 'POST', url: postUrl, actions: ['pull', 'push'], expectedStatus: [201, 202] },
      options,
    );
    if (post.status === 201) return 'pushed'; // nothing was sent; a registry that "completes" an empty POST is odd but done
    const putUrl = this.uploadUrl(post, postUrl, descriptor.digest);
    let put: RegistryResponse;
    try {
      put = await this.send(
        {
          method: 'PUT',
          url: putUrl,
          actions: ['pull', 'push'],
          headers: { 'content-type': 'application/octet-stream' },
          body: bytes,
          expectedStatus: [201],
        },
        options,
      );
    } catch (e) {
      // The answer may be what was lost (a resend then meets a closed upload session: 404,
      // BLOB_UPLOAD_UNKNOWN): if the blob is there, the upload happened.
      if (
        options?.signal?.aborted === true ||
        !(e instanceof NfdError) ||
        !(await this.hasBlob(descriptor, options))
      )
        throw e;
      return 'pushed';
    }
    const served = put.headers['docker-content-digest'];
    if (served !== undefined && served !== descriptor.digest) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${this.registry} stored blob ${descriptor.digest} as ${served} (Docker-Content-Digest)`,
      );
    }
    return 'pushed';
  }

  /** Whether the blob is in the repository; false when that cannot be told either. */
  private async hasBlob(descriptor: Descriptor, options: OperationOptions | undefined): Promise<boolean> {
    try {
      return (await this.headBlob(descriptor, options)) === 200;
    } catch {
      return false;
    }
  }

  /** HEAD of a blob: 200 or 404. */
  private async headBlob(descriptor: Descriptor, options: OperationOptions | undefined): Promise<number> {
    const head = await this.send(
      {
        method: 'HEAD',
        url: this.url(`blobs/${descriptor.digest}`),
        actions: ['pull', 'push'],
        expectedStatus: [200, 404],
      },
      options,
    );
    return head.status;
  }

  /** `Location` of an upload, resolved against the request, same origin only, with `digest=` appended. */
  private uploadUrl(res: RegistryResponse, requestUrl: string, digest: string): string {
    const location = res.headers.location;
    if (!location) {
      throw new NfdError('OCI_PROTOCOL', `${this.registry} started an upload without a Location header`);
    }
    let url: URL;
    try {
      url = new URL(location, res.url || requestUrl);
    } catch (cause) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${this.registry} sent an invalid upload Location ${JSON.stringify(location)}`,
        {
          cause,
        },
      );
    }
    if (url.origin !== new URL(this.endpoint).origin) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${this.registry} sent an upload Location on another origin (${url.origin}); refusing to send data there`,
      );
    }
    url.searchParams.append('digest', digest);
    return url.toString();
  }

  async pushManifest(
    descriptor: Descriptor,
    bytes: Uint8Array,
    options?: OperationOptions & { tag?: string },
  ): Promise<PushManifestResult> {
    verifyContent(descriptor, bytes, 'the manifest to push');
    const reference = options?.tag ?? descriptor.digest;
    const res = await this.send(
      {
        method: 'PUT',
        url: this.url(`manifests/${reference}`),
        actions: ['pull', 'push'],
        headers: { 'content-type': descriptor.mediaType },
        body: bytes,
        expectedStatus: [200, 201, 202],
      },
      options,
    );
    const served = res.headers['docker-content-digest'];
    if (served !== undefined && served !== descriptor.digest) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${this.registry} stored manifest ${descriptor.digest} as ${served}: it did not keep the exact bytes`,
      );
    }
    options?.onProgress?.({
      type: 'manifest-pushed',
      descriptor,
      ...(options.tag !== undefined ? { tag: options.tag } : {}),
    });
    const ociSubject = res.headers['oci-subject'];
    return ociSubject ? { ociSubject } : {};
  }

  async deleteManifest(digest: string, options?: OperationOptions): Promise<void> {
    const res = await this.send(
      {
        method: 'DELETE',
        url: this.url(`manifests/${digest}`),
        actions: ['delete'],
        expectedStatus: [...ZERO_STATUS_OK, 404],
      },
      options,
    );
    if (res.status === 404) throw this.manifestNotFound(digest);
    options?.onProgress?.({ type: 'manifest-deleted', digest });
  }

  // -------------------------------------------------------------------------------------------
  // Referrers

  async listReferrers(
    subject: Descriptor,
    options?: OperationOptions & { artifactType?: string },
  ): Promise<ReferrersListing> {
    if (this.apiSupported !== false) {
      const viaApi = await this.listViaApiAgreed(subject.digest, options);
      if (viaApi !== undefined) return { descriptors: viaApi, source: 'api' };
      if (this.referrersMode === 'api') {
        throw new NfdError(
          'OCI_PROTOCOL',
          `${this.registry} does not serve the referrers API for ${this.repository}`,
          {
            hint: 'use --referrers auto (or tag) to read the fallback tag instead',
          },
        );
      }
    }
    const state = await this.readFallbackIndex(subject.digest, options);
    if (state.kind === 'invalid') {
      options?.onWarning?.(
        `ignoring the referrers fallback tag ${fallbackTag(subject.digest)} in ${this.name} (${state.digest}): ${state.reason}`,
      );
      return { descriptors: [], source: 'tag' };
    }
    const list = state.kind === 'valid' ? state.index.manifests : [];
    return {
      descriptors: dedupeDescriptors(filterByArtifactType(list, options?.artifactType)),
      source: 'tag',
    };
  }

  /**
   * The referrers API's answer is not content-addressed, so nothing in it can be verified: it is
   * read twice and must read the same (a third read settles a difference; three different answers
   * are an error). A corrupted byte could otherwise hide a spec (a changed artifactType), or pick
   * the wrong one as newest (a changed created time).
   */
  private async listViaApiAgreed(
    subjectDigest: string,
    options: (OperationOptions & { artifactType?: string }) | undefined,
  ): Promise<Descriptor[] | undefined> {
    const first = await this.listViaApi(subjectDigest, options);
    if (first === undefined) return undefined;
    const reads = [first];
    for (let read = 2; read <= 3; read++) {
      const next = await this.listViaApi(subjectDigest, options);
      if (next === undefined) break;
      const text = JSON.stringify(next);
      if (reads.some((earlier) => JSON.stringify(earlier) === text)) return next;
      reads.push(next);
    }
    throw new NfdError(
      'OCI_PROTOCOL',
      `${this.registry} answered the referrers of ${subjectDigest} differently each time (${reads.length} reads)`,
      { hint: 'the answers are corrupted on the way (a proxy?) or the referrers are changing; try again' },
    );
  }

  /** Pages through `GET /referrers/<digest>`; undefined when the registry has no such API. */
  private async listViaApi(
    subjectDigest: string,
    options: (OperationOptions & { artifactType?: string }) | undefined,
  ): Promise<Descriptor[] | undefined> {
    const artifactType = options?.artifactType;
    let url = this.url(`referrers/${subjectDigest}`);
    if (artifactType !== undefined) url += `?artifactType=${encodeURIComponent(artifactType)}`;
    const all: Descriptor[] = [];
    const seenUrls = new Set<string>();
    for (let page = 0; ; page++) {
      if (page >= this.maxPages) {
        throw new NfdError(
          'OCI_PROTOCOL',
          `${this.registry} returned more than ${this.maxPages} pages of referrers for ${subjectDigest}`,
        );
      }
      seenUrls.add(url);
      const res = await this.send(
        {
          method: 'GET',
          url,
          actions: ['pull'],
          headers: { accept: OCI_INDEX_MEDIA_TYPE },
          maxBytes: this.maxManifestBytes,
          expectedStatus: [200, 404],
        },
        options,
      );
      const type = baseContentType(res.headers['content-type']);
      if (page === 0) {
        if (res.status === 404) {
          if (parseRegistryErrors(res.body).some((e) => e.code === 'NAME_UNKNOWN')) {
            // The repository does not exist (yet): says nothing about support.
            return undefined;
          }
          if (this.referrersMode === 'auto') this.apiSupported = false;
          return undefined;
        }
        if (type !== OCI_INDEX_MEDIA_TYPE) {
          if (this.referrersMode === 'auto') this.apiSupported = false;
          return undefined;
        }
        this.apiSupported = true;
      } else if (res.status !== 200 || type !== OCI_INDEX_MEDIA_TYPE) {
        throw new NfdError(
          'OCI_PROTOCOL',
          `${this.registry} answered page ${page + 1} of the referrers of ${subjectDigest} with ${res.status} ${type ?? ''}`.trim(),
        );
      }
      let index: ReturnType<typeof parseImageIndex>;
      try {
        index = parseImageIndex(res.body, `referrers of ${subjectDigest} from ${this.registry}`);
      } catch (first) {
        // Not content-addressed, so nothing to verify against: a page that does not parse (a
        // corrupted transfer) is asked for once more before the error stands.
        options?.onWarning?.(`${first instanceof Error ? first.message : String(first)}; fetching it again`);
        const again = await this.send(
          {
            method: 'GET',
            url,
            actions: ['pull'],
            headers: { accept: OCI_INDEX_MEDIA_TYPE },
            maxBytes: this.maxManifestBytes,
            expectedStatus: [200],
          },
          options,
        );
        index = parseImageIndex(again.body, `referrers of ${subjectDigest} from ${this.registry}`);
      }
      all.push(...index.manifests);
      const next = nextLink(res.headers.link);
      if (next === undefined) break;
      const nextUrl = new URL(next, res.url || url);
      if (nextUrl.origin !== new URL(this.endpoint).origin) {
        throw new NfdError(
          'OCI_PROTOCOL',
          `${this.registry} sent a referrers Link to another origin (${nextUrl.origin})`,
        );
      }
      url = nextUrl.toString();
      if (seenUrls.has(url)) {
        throw new NfdError(
          'OCI_PROTOCOL',
          `${this.registry} sent a referrers Link that loops back to ${url}`,
        );
      }
    }
    return dedupeDescriptors(filterByArtifactType(all, artifactType));
  }

  /**
   * GET `sha256-<hex>`, validated (oci.md §5). A tag names no digest to check, so the content is
   * checked against Docker-Content-Digest when the registry sends one (a mismatch is fetched again,
   * then an error); without it, content that fails validation is fetched again, and only bytes
   * that read the same twice are taken for what the tag holds.
   */
  async readFallbackIndex(subjectDigest: string, options?: OperationOptions): Promise<FallbackIndexState> {
    const first = await this.verifiedRead(options, () => this.readFallbackIndexOnce(subjectDigest, options));
    if (first.state.kind !== 'invalid' || first.served) return first.state;
    const second = await this.verifiedRead(options, () => this.readFallbackIndexOnce(subjectDigest, options));
    if (second.state.kind === 'invalid' && second.state.digest !== first.state.digest) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `the referrers fallback tag ${fallbackTag(subjectDigest)} in ${this.name} read differently twice (${first.state.digest}, then ${second.state.digest}), neither a valid index`,
        { hint: 'the content is corrupted on the way (a proxy?) or changing; try again' },
      );
    }
    return second.state;
  }

  private async readFallbackIndexOnce(
    subjectDigest: string,
    options?: OperationOptions,
  ): Promise<{ state: FallbackIndexState; served: boolean }> {
    const tag = fallbackTag(subjectDigest);
    const res = await this.send(
      {
        method: 'GET',
        url: this.url(`manifests/${tag}`),
        actions: ['pull'],
        headers: { accept: MANIFEST_ACCEPT },
        maxBytes: this.maxManifestBytes,
        expectedStatus: [200, 404],
      },
      options,
    );
    if (res.status === 404) return { state: { kind: 'absent' }, served: false };
    const served = res.headers['docker-content-digest'];
    const algorithm = served === undefined ? undefined : parseDigest(served)?.algorithm;
    if (served !== undefined && algorithm !== undefined) {
      const computed = digestOf(res.body, algorithm);
      if (computed !== served) {
        throw new ContentMismatchError(
          `digest mismatch for the referrers fallback tag ${tag} from ${res.url}: Docker-Content-Digest ${served}, content hashes to ${computed}`,
        );
      }
    }
    return {
      state: checkFallbackIndex(res.body, res.headers['content-type'], subjectDigest),
      served: algorithm !== undefined,
    };
  }

  private async withTagLock<T>(tag: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tagLocks.get(tag) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.tagLocks.set(tag, settled);
    try {
      return await run;
    } finally {
      if (this.tagLocks.get(tag) === settled) this.tagLocks.delete(tag);
    }
  }

  async addReferrer(
    subject: Descriptor,
    artifact: Descriptor,
    push: PushManifestResult,
    options?: OperationOptions,
  ): Promise<ReferrerIndexUpdate> {
    if (push.ociSubject !== undefined && push.ociSubject === subject.digest) {
      if (this.referrersMode === 'auto') this.apiSupported = true;
      if (this.referrersMode !== 'tag') return { via: 'api', alreadyListed: false };
    }
    if (this.referrersMode === 'api' || (this.referrersMode === 'auto' && this.apiSupported === true)) {
      return { via: 'api', alreadyListed: false };
    }
    // No OCI-Subject: the spec says maintain the tag (no probe).
    if (this.referrersMode === 'auto') this.apiSupported = false;
    const tag = fallbackTag(subject.digest);
    return this.withTagLock(tag, async () => {
      const result = await this.updateFallbackIndex(
        subject.digest,
        (entries) => (entries.some((e) => e.digest === artifact.digest) ? undefined : [...entries, artifact]),
        { ...options, cleanup: this.deleteSuperseded, invalid: 'throw' },
      );
      return {
        via: 'tag',
        tag,
        alreadyListed: !result.changed,
        ...(result.index ? { index: result.index } : {}),
      };
    });
  }

  /**
   * Read–modify–write of the fallback tag with verification (oci.md §5 races, mitigation d): after
   * writing, re-read; if `mutate` would still change the list (a concurrent writer overwrote us),
   * redo it, at most `fallbackUpdateAttempts` times. `mutate` returns undefined for "no change".
   */
  private async updateFallbackIndex(
    subjectDigest: string,
    mutate: (entries: readonly Descriptor[]) => Descriptor[] | undefined,
    options: OperationOptions & { cleanup: boolean; invalid: 'throw' | 'skip' },
  ): Promise<{ changed: boolean; index?: Descriptor }> {
    const tag = fallbackTag(subjectDigest);
    let changed = false;
    let written: Descriptor | undefined;
    for (let attempt = 1; ; attempt++) {
      const state = await this.readFallbackIndex(subjectDigest, options);
      if (state.kind === 'invalid') {
        if (options.invalid === 'skip') {
          options.onWarning?.(
            `not updating the referrers fallback tag ${tag} in ${this.name} (${state.digest}): ${state.reason}`,
          );
          return { changed };
        }
        throw new NfdError(
          'OCI_PROTOCOL',
          `the referrers fallback tag ${tag} in ${this.name} holds something that is not a valid referrers index (${state.digest}: ${state.reason}); not overwriting it`,
          {
            hint: `inspect ${this.displayReference(tag)} and remove or fix it, or use a registry with the referrers API`,
          },
        );
      }
      const current = state.kind === 'valid' ? state.index.manifests : [];
      const next = mutate(current);
      if (next === undefined) return { changed, ...(written ? { index: written } : {}) };
      if (attempt > this.updateAttempts) {
        throw new NfdError(
          'OCI_PROTOCOL',
          `the referrers fallback tag ${tag} in ${this.name} kept changing under us (concurrent writers?); gave up after ${this.updateAttempts} attempts`,
        );
      }
      changed = true;
      const old = state.kind === 'valid' ? state.descriptor : undefined;
      let entries = next;
      if (entries.length > 0) {
        entries = await this.pushFallbackIndex(tag, entries, options);
      }
      if (entries.length > 0) {
        const { descriptor } = buildFallbackIndex(entries);
        written = descriptor;
        options.onProgress?.({ type: 'referrers-index-updated', tag, descriptor, entries: entries.length });
        if (old && options.cleanup && old.digest !== descriptor.digest) {
          await this.deleteSupersededIndex(old, options);
        }
      } else {
        written = undefined;
        await this.removeFallbackTag(subjectDigest, old, options);
        options.onProgress?.({ type: 'referrers-index-updated', tag, descriptor: undefined, entries: 0 });
      }
    }
  }

  /**
   * PUTs the fallback index under its tag. Registries that check children (distribution 2.8) refuse
   * an index listing a manifest that was deleted behind our back (`MANIFEST_BLOB_UNKNOWN`): then the
   * dangling entries are dropped (with a warning) and the push is retried once. Returns the entries written.
   */
  private async pushFallbackIndex(
    tag: string,
    entries: readonly Descriptor[],
    options: OperationOptions,
  ): Promise<Descriptor[]> {
    const first = buildFallbackIndex(entries);
    try {
      await this.pushManifest(first.descriptor, first.bytes, { ...options, tag });
      return [...entries];
    } catch (e) {
      if (!(e instanceof RegistryHttpError && e.hasCode('MANIFEST_BLOB_UNKNOWN'))) throw e;
    }
    const kept: Descriptor[] = [];
    for (const entry of entries) {
      const head = await this.send(
        {
          method: 'HEAD',
          url: this.url(`manifests/${entry.digest}`),
          actions: ['pull'],
          headers: { accept: MANIFEST_ACCEPT },
          expectedStatus: [200, 404],
        },
        options,
      );
      if (head.status === 200) kept.push(entry);
      else
        options.onWarning?.(
          `dropping ${entry.digest} from the referrers fallback tag ${tag}: the manifest no longer exists`,
        );
    }
    if (kept.length === entries.length || kept.length === 0) {
      if (kept.length === 0) return [];
      throw new NfdError(
        'OCI_PROTOCOL',
        `${this.registry} refused the referrers index for ${tag} (MANIFEST_BLOB_UNKNOWN)`,
      );
    }
    const second = buildFallbackIndex(kept);
    await this.pushManifest(second.descriptor, second.bytes, { ...options, tag });
    return kept;
  }

  /** Deletes an old, now untagged, fallback index; never an empty one (shared digest), failures only warn. */
  private async deleteSupersededIndex(old: Descriptor, options: OperationOptions): Promise<void> {
    if (old.digest === buildFallbackIndex([]).descriptor.digest) return;
    try {
      await this.send(
        {
          method: 'DELETE',
          url: this.url(`manifests/${old.digest}`),
          actions: ['delete'],
          expectedStatus: [...ZERO_STATUS_OK, 404],
        },
        options,
      );
    } catch (e) {
      options.onWarning?.(
        `could not delete the superseded referrers index ${old.digest} in ${this.name} (left as untagged garbage): ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /**
   * The last referrer is gone: delete the tag; if the registry refuses tag deletion (distribution
   * 2.8: 400), delete the index we read by digest — but only after checking the tag still points at
   * it; if deletes are disabled, push an empty index instead (oci.md §5).
   */
  private async removeFallbackTag(
    subjectDigest: string,
    old: Descriptor | undefined,
    options: OperationOptions,
  ): Promise<void> {
    const tag = fallbackTag(subjectDigest);
    const byTag = await this.send(
      {
        method: 'DELETE',
        url: this.url(`manifests/${tag}`),
        actions: ['delete'],
        expectedStatus: [...ZERO_STATUS_OK, 400, 404, 405],
      },
      options,
    );
    if (byTag.status < 300 || byTag.status === 404) return;
    if (old) {
      const now = await this.send(
        {
          method: 'HEAD',
          url: this.url(`manifests/${tag}`),
          actions: ['pull'],
          headers: { accept: MANIFEST_ACCEPT },
          expectedStatus: [200, 404],
        },
        options,
      );
      if (now.status === 404) return;
      const nowDigest = now.headers['docker-content-digest'];
      if (nowDigest === old.digest) {
        const byDigest = await this.send(
          {
            method: 'DELETE',
            url: this.url(`manifests/${old.digest}`),
            actions: ['delete'],
            expectedStatus: [...ZERO_STATUS_OK, 400, 404, 405],
          },
          options,
        );
        if (byDigest.status < 300 || byDigest.status === 404) return;
      } else if (nowDigest !== undefined) {
        // Someone else rewrote the tag meanwhile; the caller's re-read decides what to do.
        return;
      }
    }
    // Deletes refused: an empty index says "no referrers" (oras CLI behaviour).
    const { bytes, descriptor } = buildFallbackIndex([]);
    await this.pushManifest(descriptor, bytes, { ...options, tag });
    options.onWarning?.(
      `${this.registry} refused to delete the referrers fallback tag ${tag}; pushed an empty referrers index under it instead`,
    );
  }

  async removeReferrers(
    subject: Descriptor,
    artifacts: readonly Descriptor[],
    options?: OperationOptions,
  ): Promise<void> {
    const digests = new Set(artifacts.map((a) => a.digest));
    if (this.referrersMode !== 'api' && this.apiSupported !== true) {
      if (this.referrersMode === 'auto' && this.apiSupported === undefined) {
        // Detect before deciding (the listing caches the outcome).
        await this.listReferrers(subject, options);
      }
      // Unknown after detection (e.g. NAME_UNKNOWN): update the tag too; it is a no-op when absent.
      if (this.referrersApiSupported !== true) {
        const tag = fallbackTag(subject.digest);
        await this.withTagLock(tag, () =>
          this.updateFallbackIndex(
            subject.digest,
            (entries) =>
              entries.some((e) => digests.has(e.digest))
                ? entries.filter((e) => !digests.has(e.digest))
                : undefined,
            { ...(options ?? {}), cleanup: true, invalid: 'skip' },
          ),
        );
      }
    }
    for (const digest of digests) {
      try {
        await this.deleteManifest(digest, options);
      } catch (e) {
        // It existed when the removal began: gone now means deleted (by a DELETE whose answer
        // was lost and that the transport sent again, or by someone else).
        if (!(e instanceof NfdError) || e.code !== 'OCI_NOT_FOUND') throw e;
        options?.onProgress?.({ type: 'manifest-deleted', digest });
      }
    }
  }
}
