import { NfdError } from '@nfd/spec';

/** A registry image reference after Docker's normalisation (`ubuntu` → `docker.io/library/ubuntu:latest`). */
export interface ImageReference {
  /** `docker.io`, `localhost:5000`, `[::1]:5000`, `ghcr.io`, … (never `index.docker.io`). */
  registry: string;
  /** Repository path, e.g. `library/ubuntu`. */
  repository: string;
  /** The tag; `latest` when neither tag nor digest was given. Kept for display when a digest is also present. */
  tag?: string;
  /** `sha256:<64 hex>` or `sha512:<128 hex>`; wins over the tag for fetching. */
  digest?: string;
  /** As typed, for messages. */
  original: string;
}

/** A reference into an OCI image layout directory (`oci:DIR[:tag|@digest]` or `--oci-layout DIR`). */
export interface LayoutReference {
  /** The layout directory, as given. */
  layout: string;
  tag?: string;
  digest?: string;
  /** As typed, for messages. */
  original: string;
}

/** The Docker Hub registry name every Hub alias normalises to. */
export const DOCKER_HUB = 'docker.io';
/** The HTTP endpoint host of Docker Hub. */
export const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DNS_HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const IPV6_HOST = /^\[[0-9A-Fa-f:.]+(?:%[0-9A-Za-z._~-]+)?\]$/;
const PORT = /^[0-9]{1,5}$/;
const DIGEST_SHAPE = /^[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*:[0-9A-Za-z=_-]+$/;
const MAX_NAME_LENGTH = 255;

function usage(message: string, hint?: string): NfdError {
  return new NfdError('USAGE', message, hint === undefined ? {} : { hint });
}

/** Validates `sha256:<64 lower hex>` / `sha512:<128 lower hex>`; returns an error message or undefined. */
export function digestProblem(digest: string): string | undefined {
  if (!DIGEST_SHAPE.test(digest)) return `"${digest}" is not a digest (expected sha256:<64 hex digits>)`;
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = algorithm === 'sha256' ? 64 : algorithm === 'sha512' ? 128 : undefined;
  if (length === undefined)
    return `unsupported digest algorithm "${algorithm}" in "${digest}" (use sha256 or sha512)`;
  if (!/^[0-9a-f]*$/.test(hex)) return `digest "${digest}" must use lower-case hexadecimal digits`;
  if (hex.length !== length) {
    return `digest "${digest}" has ${hex.length} hex digits; ${algorithm} needs ${length}`;
  }
  return undefined;
}

function checkDigest(digest: string, original: string): void {
  const problem = digestProblem(digest);
  if (problem !== undefined) throw usage(`invalid reference "${original}": ${problem}`);
}

function checkTag(tag: string, original: string): void {
  if (!TAG.test(tag)) {
    throw usage(
      `invalid reference "${original}": invalid tag "${tag}"`,
      'a tag is 1-128 characters of letters, digits, "_", "." and "-", and must not start with "." or "-"',
    );
  }
}

function isDomain(component: string): boolean {
  return (
    component === 'localhost' ||
    component.includes('.') ||
    component.includes(':') ||
    component.startsWith('[') ||
    component !== component.toLowerCase()
  );
}

function checkDomain(domain: string, original: string): void {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const close = domain.indexOf(']');
    host = domain.slice(0, close + 1);
    const rest = domain.slice(close + 1);
    if (close < 0 || (rest !== '' && !rest.startsWith(':'))) {
      throw usage(`invalid reference "${original}": invalid registry "${domain}"`);
    }
    if (rest !== '') port = rest.slice(1);
    if (!IPV6_HOST.test(host)) throw usage(`invalid reference "${original}": invalid registry "${domain}"`);
  } else {
    const colon = domain.lastIndexOf(':');
    if (colon >= 0) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    if (!DNS_HOST.test(host)) throw usage(`invalid reference "${original}": invalid registry "${domain}"`);
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) {
    throw usage(`invalid reference "${original}": invalid port in registry "${domain}"`);
  }
}

function checkPath(path: string, original: string): void {
  if (path === '') throw usage(`invalid reference "${original}": missing repository name`);
  for (const component of path.split('/')) {
    if (PATH_COMPONENT.test(component)) continue;
    if (component !== component.toLowerCase() && PATH_COMPONENT.test(component.toLowerCase())) {
      throw usage(
        `invalid reference "${original}": repository name must be lowercase ("${component}")`,
        `use "${path.toLowerCase()}"`,
      );
    }
    throw usage(
      `invalid reference "${original}": invalid repository path component "${component}"`,
      'repository path components are lower-case letters and digits separated by ".", "_", "__" or "-"',
    );
  }
}

/** `index.docker.io` and `registry-1.docker.io` (any case) become `docker.io`; anything else is returned as is. */
export function normalizeRegistry(registry: string): string {
  const lower = registry.toLowerCase();
  if (lower === 'index.docker.io' || lower === 'docker.io' || lower === DOCKER_HUB_ENDPOINT)
    return DOCKER_HUB;
  return registry;
}

/**
 * Parses an image reference with Docker's grammar and normalisation.
 * Throws `NfdError('USAGE')` naming the offending part on bad input.
 */
export function parseImageReference(text: string): ImageReference {
  const original = text;
  if (text === '') throw usage('empty image reference', 'give an image like registry.example.com/repo:tag');
  if (/\s/.test(text)) throw usage(`invalid reference "${original}": contains white space`);
  if (text.includes('://')) {
    throw usage(
      `invalid reference "${original}": a reference has no URL scheme`,
      `drop the scheme, e.g. "${text.slice(text.indexOf('://') + 3)}"; use --plain-http for HTTP registries`,
    );
  }

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest === '') throw usage(`invalid reference "${original}": missing digest after "@"`);
    checkDigest(digest, original);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  // A colon inside a bracketed IPv6 host with no path (e.g. "[::1]:5000") is not a tag separator.
  if (lastColon > lastSlash && !(lastSlash < 0 && rest.startsWith('['))) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (tag === '') throw usage(`invalid reference "${original}": missing tag after ":"`);
    checkTag(tag, original);
  }
  if (rest === '') throw usage(`invalid reference "${original}": missing repository name`);

  let registry: string;
  let path: string;
  const firstSlash = rest.indexOf('/');
  const first = firstSlash >= 0 ? rest.slice(0, firstSlash) : rest;
  if (firstSlash >= 0 && isDomain(first)) {
    registry = first;
    path = rest.slice(firstSlash + 1);
    checkDomain(registry, original);
  } else {
    if (rest.startsWith('[') || (firstSlash < 0 && rest.includes(':'))) {
      throw usage(`invalid reference "${original}": missing repository after registry "${rest}"`);
    }
    registry = DOCKER_HUB;
    path = rest;
  }
  if (/^[a-f0-9]{64}$/.test(path)) {
    throw usage(
      `invalid reference "${original}": a 64-character hexadecimal string is an image ID, not a repository name`,
    );
  }
  checkPath(path, original);

  registry = normalizeRegistry(registry);
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (registry.length + 1 + path.length > MAX_NAME_LENGTH) {
    throw usage(
      `invalid reference "${original}": repository name is longer than ${MAX_NAME_LENGTH} characters`,
    );
  }

  const ref: ImageReference = { registry, repository: path, original };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) ref.tag = 'latest';
  return ref;
}

/** True for the result of `parseTargetReference` when it names an OCI layout. */
export function isLayoutReference(ref: ImageReference | LayoutReference): ref is LayoutReference {
  return 'layout' in ref;
}

function layoutReference(
  layout: string,
  selector: { tag?: string; digest?: string },
  original: string,
): LayoutReference {
  if (layout === '') throw usage(`invalid layout reference "${original}": missing directory`);
  const ref: LayoutReference = { layout, original };
  if (selector.tag !== undefined) {
    checkTag(selector.tag, original);
    ref.tag = selector.tag;
  }
  if (selector.digest !== undefined) {
    checkDigest(selector.digest, original);
    ref.digest = selector.digest;
  }
  return ref;
}

/**
 * Parses the target of a command: `oci:DIR`, `oci:DIR:tag`, `oci:DIR@sha256:…`; with `options.ociLayout`
 * the text is only a tag or digest (`v1`, `sha256:…`, `@sha256:…`, or empty) inside that layout;
 * anything else is an image reference. A layout reference without tag or digest has neither set.
 */
export function parseTargetReference(
  text: string,
  options: { ociLayout?: string } = {},
): ImageReference | LayoutReference {
  if (options.ociLayout !== undefined) {
    const original = text === '' ? options.ociLayout : `${options.ociLayout}:${text}`;
    if (text.startsWith('oci:')) {
      throw usage(`"${text}" names a layout itself; do not combine it with --oci-layout`);
    }
    if (text === '') return layoutReference(options.ociLayout, {}, original);
    const selector = text.startsWith('@') ? text.slice(1) : text;
    const at = selector.indexOf('@');
    if (at >= 0) {
      return layoutReference(
        options.ociLayout,
        { tag: selector.slice(0, at), digest: selector.slice(at + 1) },
        original,
      );
    }
    if (selector.includes(':')) return layoutReference(options.ociLayout, { digest: selector }, original);
    if (selector.includes('/')) {
      throw usage(
        `with --oci-layout, "${text}" must be a tag or digest`,
        'give just the tag (e.g. v1) or digest (sha256:…) inside the layout',
      );
    }
    return layoutReference(options.ociLayout, { tag: selector }, original);
  }

  if (text.startsWith('oci:')) {
    const body = text.slice('oci:'.length);
    const at = body.lastIndexOf('@');
    if (at >= 0) {
      const beforeDigest = body.slice(0, at);
      const slash = beforeDigest.lastIndexOf('/');
      const colon = beforeDigest.lastIndexOf(':');
      if (colon > slash) {
        return layoutReference(
          beforeDigest.slice(0, colon),
          { tag: beforeDigest.slice(colon + 1), digest: body.slice(at + 1) },
          text,
        );
      }
      return layoutReference(beforeDigest, { digest: body.slice(at + 1) }, text);
    }
    const slash = body.lastIndexOf('/');
    const colon = body.lastIndexOf(':');
    if (colon > slash) {
      const tag = body.slice(colon + 1);
      if (tag === '') throw usage(`invalid layout reference "${text}": missing tag after ":"`);
      return layoutReference(body.slice(0, colon), { tag }, text);
    }
    return layoutReference(body, {}, text);
  }

  return parseImageReference(text);
}

/**
 * The canonical text of a reference: `registry/repository[:tag][@digest]`. An override replaces the
 * tag/digest selection entirely (`{ digest }` gives `repo@digest` without the tag).
 */
export function formatReference(ref: ImageReference, override?: { tag?: string; digest?: string }): string {
  const tag = override === undefined ? ref.tag : override.tag;
  const digest = override === undefined ? ref.digest : override.digest;
  let text = `${ref.registry}/${ref.repository}`;
  if (tag !== undefined) text += `:${tag}`;
  if (digest !== undefined) text += `@${digest}`;
  return text;
}

/** The origin to talk to: `https://registry-1.docker.io` for Docker Hub, else `https://<registry>`. */
export function registryEndpoint(ref: ImageReference, plainHttp: boolean): string {
  const host = normalizeRegistry(ref.registry) === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : ref.registry;
  return `${plainHttp ? 'http' : 'https'}://${host}`;
}
