// An in-memory registry implementing RegistryTransport for unit tests. By default it behaves like
// distribution 2.8 (oci.md §3–§5, test-registry.md A.5): no referrers API (plain-text 404), no
// OCI-Subject, 404 for OCI content without the OCI Accept type, 202 for POST-with-digest, tags not
// deletable (400 DIGEST_INVALID), DELETE by digest drops the tags, manifests must reference existing
// blobs/children. Options switch on the referrers API (with paging) and other registries' quirks.
import { randomUUID } from 'node:crypto';
import { OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from '@nfd/spec';
import { digestOf } from '../digest.ts';
import { RegistryHttpError } from '../errors.ts';
import type { RegistryRequest, RegistryResponse, RegistryTransport } from '../transport/types.ts';
import { DOCKER_MANIFEST_LIST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE } from './oci.ts';

export interface FakeRegistryOptions {
  readonly origin?: string;
  /** Serve `GET /referrers/<digest>` and send `OCI-Subject` on pushes with a subject. */
  readonly referrersApi?: boolean;
  /** Referrers page size (Link paging); default: everything on one page. */
  readonly referrersPageSize?: number;
  /** Apply `?artifactType=` server-side (and say so in OCI-Filters-Applied). Default true. */
  readonly referrersFilter?: boolean;
  /** GitLab: a `sha256-<hex>` tag that does not exist resolves as the digest `sha256:<hex>`. */
  readonly gitlabFallbackQuirk?: boolean;
  /** `storage.delete.enabled` (default true); false → 405 UNSUPPORTED on DELETE. */
  readonly deleteEnabled?: boolean;
  /** Allow DELETE by tag (default false, like distribution 2.8). */
  readonly tagDelete?: boolean;
  /** Omit Docker-Content-Digest on HEAD (forces the GET fallback). */
  readonly headWithoutDigest?: boolean;
  /** Absolute Location on this origin for uploads (default: relative). */
  readonly uploadLocation?: 'relative' | 'absolute' | 'foreign';
}

interface StoredManifest {
  bytes: Uint8Array;
  mediaType: string;
}

interface Repo {
  blobs: Map<string, Uint8Array>;
  manifests: Map<string, StoredManifest>;
  tags: Map<string, string>;
  uploads: Set<string>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function json(value: unknown): Uint8Array {
  return textEncoder.encode(JSON.stringify(value));
}

function errorBody(code: string, message: string): Uint8Array {
  return json({ errors: [{ code, message }] });
}

export class FakeRegistry implements RegistryTransport {
  readonly origin: string;
  readonly options: FakeRegistryOptions;
  readonly repos: Map<string, Repo> = new Map();
  readonly log: LoggedRequest[] = [];
  /** Called before each request is served; may throw to simulate failures. */
  beforeRequest: ((req: RegistryRequest) => void) | undefined;
  /** Runs after the request changed the store: throwing here is an answer lost on the way back. */
  afterRequest: ((req: RegistryRequest) => void) | undefined;

  constructor(options: FakeRegistryOptions = {}) {
    this.options = options;
    this.origin = options.origin ?? 'https://registry.test';
  }

  repo(name: string): Repo {
    let r = this.repos.get(name);
    if (!r) {
      r = { blobs: new Map(), manifests: new Map(), tags: new Map(), uploads: new Set() };
      this.repos.set(name, r);
    }
    return r;
  }

  /** Stores content directly (test setup), bypassing checks. */
  putBlob(repo: string, bytes: Uint8Array): string {
    const d = digestOf(bytes);
    this.repo(repo).blobs.set(d, bytes);
    return d;
  }

  putManifest(repo: string, bytes: Uint8Array, mediaType: string, tag?: string): string {
    const d = digestOf(bytes);
    const r = this.repo(repo);
    r.manifests.set(d, { bytes, mediaType });
    if (tag !== undefined) r.tags.set(tag, d);
    return d;
  }

  async close(): Promise<void> {}

  async request(req: RegistryRequest): Promise<RegistryResponse> {
    this.beforeRequest?.(req);
    const url = new URL(req.url);
    const res = this.serve(req, url);
    this.afterRequest?.(req);
    this.log.push({ method: req.method, path: `${url.pathname}${url.search}`, status: res.status });
    const expected = req.expectedStatus;
    const ok = expected ? expected.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!ok) {
      const code =
        res.status === 404
          ? 'OCI_NOT_FOUND'
          : res.status === 401 || res.status === 403
            ? 'OCI_UNAUTHORIZED'
            : 'OCI_PROTOCOL';
      let errors: { code: string; message: string }[] = [];
      try {
        const parsed = JSON.parse(textDecoder.decode(res.body)) as {
          errors?: { code: string; message: string }[];
        };
        errors = parsed.errors ?? [];
      } catch {
        errors = [];
      }
      throw new RegistryHttpError(
        code,
        `${req.method} ${req.url}: ${res.status} ${errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`,
        { status: res.status, method: req.method, url: req.url, errors },
      );
    }
    const max = req.maxBytes ?? 4 * 1024 * 1024;
    if (res.body.byteLength > max) {
      throw new RegistryHttpError('OCI_PROTOCOL', `response body larger than ${max} bytes`, {
        status: res.status,
        method: req.method,
        url: req.url,
        errors: [],
      });
    }
    return { ...res, body: req.method === 'HEAD' ? new Uint8Array() : res.body, url: req.url };
  }

  private serve(req: RegistryRequest, url: URL): Omit<RegistryResponse, 'url'> {
    const m = /^\/v2\/(.+?)\/(manifests|blobs|referrers)\/(.*)$/.exec(url.pathname);
    if (!m)
      return {
        status: 404,
        headers: { 'content-type': 'text/plain' },
        body: textEncoder.encode('404 page not found\n'),
      };
    const [, name = '', kind, rest = ''] = m;
    if (kind === 'referrers') return this.referrers(req, url, name, rest);
    if (kind === 'blobs') {
      if (rest.startsWith('uploads/')) return this.upload(req, url, name, rest.slice('uploads/'.length));
      return this.blob(req, name, rest);
    }
    return this.manifest(req, url, name, rest);
  }

  private notFound(code: string, message: string): Omit<RegistryResponse, 'url'> {
    return { status: 404, headers: { 'content-type': 'application/json' }, body: errorBody(code, message) };
  }

  private blob(req: RegistryRequest, name: string, digest: string): Omit<RegistryResponse, 'url'> {
    const r = this.repo(name);
    if (req.method === 'DELETE') {
      if (this.options.deleteEnabled === false)
        return { status: 405, headers: {}, body: errorBody('UNSUPPORTED', 'deletes disabled') };
      r.blobs.delete(digest);
      return { status: 202, headers: {}, body: new Uint8Array() };
    }
    const bytes = r.blobs.get(digest);
    if (!bytes) return this.notFound('BLOB_UNKNOWN', 'blob unknown to registry');
    return {
      status: 200,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.byteLength),
        'docker-content-digest': digest,
      },
      body: bytes,
    };
  }

  private upload(req: RegistryRequest, url: URL, name: string, id: string): Omit<RegistryResponse, 'url'> {
    const r = this.repo(name);
    if (req.method === 'POST' && id === '') {
      const uuid = randomUUID();
      r.uploads.add(uuid);
      const path = `/v2/${name}/blobs/uploads/${uuid}?_state=${uuid.slice(0, 8)}`;
      const location =
        this.options.uploadLocation === 'absolute'
          ? `${this.origin}${path}`
          : this.options.uploadLocation === 'foreign'
            ? `https://storage.elsewhere.test${path}`
            : path;
      return {
        status: 202,
        headers: { location, range: '0-0', 'docker-upload-uuid': uuid },
        body: new Uint8Array(),
      };
    }
    if (req.method === 'PUT') {
      if (!r.uploads.has(id) || !url.searchParams.get('_state')) {
        return this.notFound('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
      }
      const digest = url.searchParams.get('digest');
      const body = req.body ?? new Uint8Array();
      if (!digest || digestOf(body) !== digest) {
        return {
          status: 400,
          headers: {},
          body: errorBody('DIGEST_INVALID', 'provided digest did not match uploaded content'),
        };
      }
      r.uploads.delete(id);
      r.blobs.set(digest, body);
      return {
        status: 201,
        headers: { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest },
        body: new Uint8Array(),
      };
    }
    return { status: 405, headers: {}, body: errorBody('UNSUPPORTED', 'method not allowed') };
  }

  private lookup(r: Repo, ref: string): string | undefined {
    if (ref.includes(':')) return r.manifests.has(ref) ? ref : undefined;
    const tagged = r.tags.get(ref);
    if (tagged) return tagged;
    if (this.options.gitlabFallbackQuirk && /^sha256-[0-9a-f]{64}$/.test(ref)) {
      const asDigest = ref.replace('-', ':');
      if (r.manifests.has(asDigest)) return asDigest;
    }
    return undefined;
  }

  private manifest(req: RegistryRequest, url: URL, name: string, ref: string): Omit<RegistryResponse, 'url'> {
    const r = this.repo(name);
    if (req.method === 'GET' || req.method === 'HEAD') {
      const digest = this.lookup(r, ref);
      const stored = digest ? r.manifests.get(digest) : undefined;
      if (!digest || !stored) return this.notFound('MANIFEST_UNKNOWN', 'manifest unknown');
      const accept = req.headers?.accept ?? req.headers?.Accept ?? '';
      const acceptable = accept.split(',').map((s) => s.trim());
      if (
        (stored.mediaType === OCI_MANIFEST_MEDIA_TYPE || stored.mediaType === OCI_INDEX_MEDIA_TYPE) &&
        !acceptable.includes(stored.mediaType)
      ) {
        return this.notFound(
          'MANIFEST_UNKNOWN',
          'OCI manifest found, but accept header does not support OCI manifests',
        );
      }
      const headers: Record<string, string> = {
        'content-type': stored.mediaType,
        'content-length': String(stored.bytes.byteLength),
        etag: `"${digest}"`,
      };
      if (!(req.method === 'HEAD' && this.options.headWithoutDigest))
        headers['docker-content-digest'] = digest;
      return { status: 200, headers, body: stored.bytes };
    }
    if (req.method === 'PUT') return this.putManifestRequest(req, url, name, r, ref);
    if (req.method === 'DELETE') {
      if (this.options.deleteEnabled === false)
        return { status: 405, headers: {}, body: errorBody('UNSUPPORTED', 'deletes disabled') };
      if (!ref.includes(':')) {
        if (!this.options.tagDelete)
          return {
            status: 400,
            headers: {},
            body: errorBody('DIGEST_INVALID', 'provided digest did not match uploaded content'),
          };
        if (!r.tags.delete(ref)) return this.notFound('MANIFEST_UNKNOWN', 'manifest unknown');
        return { status: 202, headers: {}, body: new Uint8Array() };
      }
      if (!r.manifests.delete(ref)) return this.notFound('MANIFEST_UNKNOWN', 'manifest unknown');
      for (const [tag, d] of [...r.tags]) if (d === ref) r.tags.delete(tag);
      return { status: 202, headers: {}, body: new Uint8Array() };
    }
    return { status: 405, headers: {}, body: errorBody('UNSUPPORTED', 'method not allowed') };
  }

  private putManifestRequest(
    req: RegistryRequest,
    _url: URL,
    name: string,
    r: Repo,
    ref: string,
  ): Omit<RegistryResponse, 'url'> {
    const body = req.body ?? new Uint8Array();
    if (body.byteLength > 4 * 1024 * 1024) {
      return {
        status: 400,
        headers: {},
        body: errorBody('MANIFEST_INVALID', 'http: request body too large'),
      };
    }
    const contentType = (req.headers?.['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    let doc: {
      mediaType?: string;
      config?: { digest: string };
      layers?: { digest: string }[];
      manifests?: { digest: string }[];
      subject?: { digest: string };
    };
    try {
      doc = JSON.parse(textDecoder.decode(body));
    } catch {
      return { status: 400, headers: {}, body: errorBody('MANIFEST_INVALID', 'manifest invalid') };
    }
    const isIndex = contentType === OCI_INDEX_MEDIA_TYPE || contentType === DOCKER_MANIFEST_LIST_MEDIA_TYPE;
    const isManifest = contentType === OCI_MANIFEST_MEDIA_TYPE || contentType === DOCKER_MANIFEST_MEDIA_TYPE;
    if (
      (!isIndex && !isManifest) ||
      (doc.mediaType !== undefined && doc.mediaType !== contentType) ||
      (isIndex && !doc.manifests) ||
      (isManifest && !doc.config)
    ) {
      return { status: 400, headers: {}, body: errorBody('MANIFEST_INVALID', 'manifest invalid') };
    }
    const missing = isIndex
      ? (doc.manifests ?? []).filter((c) => !r.manifests.has(c.digest)).map((c) => c.digest)
      : [doc.config?.digest ?? '', ...(doc.layers ?? []).map((l) => l.digest)].filter((d) => !r.blobs.has(d));
    if (missing.length > 0) {
      return {
        status: 400,
        headers: {},
        body: errorBody('MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${missing.join(', ')}`),
      };
    }
    const digest = digestOf(body);
    if (ref.includes(':') && ref !== digest) {
      return {
        status: 400,
        headers: {},
        body: errorBody('DIGEST_INVALID', 'provided digest did not match uploaded content'),
      };
    }
    r.manifests.set(digest, { bytes: body, mediaType: contentType });
    if (!ref.includes(':')) r.tags.set(ref, digest);
    const headers: Record<string, string> = {
      location: `/v2/${name}/manifests/${digest}`,
      'docker-content-digest': digest,
    };
    if (this.options.referrersApi && doc.subject?.digest) headers['oci-subject'] = doc.subject.digest;
    return { status: 201, headers, body: new Uint8Array() };
  }

  private referrers(
    req: RegistryRequest,
    url: URL,
    name: string,
    digest: string,
  ): Omit<RegistryResponse, 'url'> {
    if (!this.options.referrersApi || req.method !== 'GET') {
      return {
        status: 404,
        headers: { 'content-type': 'text/plain' },
        body: textEncoder.encode('404 page not found\n'),
      };
    }
    if (!this.repos.has(name)) return this.notFound('NAME_UNKNOWN', 'repository name not known to registry');
    const r = this.repo(name);
    const artifactType = url.searchParams.get('artifactType');
    const filter = this.options.referrersFilter !== false && artifactType !== null;
    const all: unknown[] = [];
    for (const [d, stored] of [...r.manifests].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const doc = JSON.parse(textDecoder.decode(stored.bytes)) as {
        artifactType?: string;
        config?: { mediaType: string };
        subject?: { digest: string };
        annotations?: Record<string, string>;
      };
      if (doc.subject?.digest !== digest) continue;
      const type = doc.artifactType ?? doc.config?.mediaType;
      if (filter && type !== artifactType) continue;
      all.push({
        mediaType: stored.mediaType,
        digest: d,
        size: stored.bytes.byteLength,
        ...(type ? { artifactType: type } : {}),
        ...(doc.annotations ? { annotations: doc.annotations } : {}),
      });
    }
    const size = this.options.referrersPageSize ?? Number.POSITIVE_INFINITY;
    const page = Number(url.searchParams.get('page') ?? '0');
    const slice = all.slice(page * size, (page + 1) * size);
    const headers: Record<string, string> = { 'content-type': OCI_INDEX_MEDIA_TYPE };
    if (filter) headers['oci-filters-applied'] = 'artifactType';
    if ((page + 1) * size < all.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.pathname}${next.search}>; rel="next"`;
    }
    return {
      status: 200,
      headers,
      body: json({ schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests: slice }),
    };
  }
}
