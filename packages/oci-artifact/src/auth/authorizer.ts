import { isIP } from 'node:net';
import { NfdError } from '@nfd/spec';
import { describeErrorBody } from '../errors.ts';
import type { RawRequest, RawResponse } from '../transport/http.ts';
import { headerValue, headerValues } from '../transport/http.ts';
import { type AuthChallenge, mergeScopes, parseChallenges, repositoryScope } from './challenge.ts';
import { type Credential, type CredentialOptions, resolveCredential } from './credentials.ts';

/** Token responses are capped at this size (oras-go's limit). */
export const TOKEN_RESPONSE_CAP: number = 128 * 1024;
/** `expires_in` when the token service sends none. */
const DEFAULT_TOKEN_SECONDS = 60;
/** Absurd `expires_in` values (olareg reports nanoseconds) are capped at this. */
const MAX_TOKEN_SECONDS = 60 * 60;
/** client_id sent with OAuth2 POST token requests. */
const CLIENT_ID = 'nfd-ts';

export interface AuthorizerOptions {
  /** Registry name for messages and credential lookup (`docker.io`, `127.0.0.1:5000`). */
  registryName: string;
  registryOrigin: string;
  plainHttp: boolean;
  credentials: CredentialOptions | undefined;
  /** Sends without auth handling (retries and redirects included). */
  send(request: RawRequest): Promise<RawResponse>;
  /** The transport clock's time in milliseconds, for token expiry. */
  now(): number;
  onWarning?: ((message: string) => void) | undefined;
  onDebug?: ((message: string) => void) | undefined;
}

/** What was sent with a request, so a following 401 can be interpreted. */
export interface SentAuth {
  header: string;
  kind: 'basic' | 'token' | 'static-bearer';
  credential: Credential | undefined;
  cacheKey?: string;
}

/** Per-request state across challenge rounds. */
export interface ChallengeRound {
  extraScopes: string[];
  invalidatedToken: boolean;
  widenedScope: boolean;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** A 401/403 message and hint that never contain the secret. */
export function unauthorizedError(
  registry: string,
  credential: Credential | undefined,
  detail?: string,
): NfdError {
  const suffix = detail === undefined || detail === '' ? '' : `: ${detail}`;
  if (credential === undefined) {
    return new NfdError('OCI_UNAUTHORIZED', `authentication required for ${registry}${suffix}`, {
      hint: `log in with "docker login ${registry}" (or podman login), or pass --registry-username with --registry-password-stdin (or --registry-token-stdin)`,
    });
  }
  return new NfdError(
    'OCI_UNAUTHORIZED',
    `credentials from ${credential.source} were rejected by ${registry}${suffix}`,
    {
      hint: `check the user name and password or token; log in again with "docker login ${registry}", or pass --registry-username with --registry-password-stdin`,
    },
  );
}

function isPrivateAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(bare);
  if (family === 4) {
    const [a = 0, b = 0] = bare.split('.').map(Number);
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (family === 6) {
    return (
      bare === '::1' ||
      bare === '::' ||
      /^f[cd]/.test(bare) ||
      /^fe[89ab]/.test(bare) ||
      bare.startsWith('::ffff:')
    );
  }
  return false;
}

/** Challenge handling, token exchange and the token cache for one registry. */
export class Authorizer {
  readonly #options: AuthorizerOptions;
  #scheme: 'basic' | 'bearer' | undefined;
  #bearer: { realm: string; service: string | undefined } | undefined;
  readonly #actions = new Map<string, Set<string>>();
  readonly #tokens = new Map<string, CachedToken>();
  readonly #credentials = new Map<string, Promise<Credential | undefined>>();
  readonly #pending = new Map<string, Promise<CachedToken>>();

  constructor(options: AuthorizerOptions) {
    this.#options = options;
  }

  /** Records the actions a request needs; tokens are requested for the union per repository. */
  noteActions(repository: string, actions: readonly string[]): void {
    if (repository === '') return;
    const set = this.#actions.get(repository) ?? new Set<string>();
    for (const action of actions) set.add(action);
    this.#actions.set(repository, set);
  }

  #scopes(extra: readonly string[]): string[] {
    const scopes: string[] = [...extra];
    for (const [repository, actions] of this.#actions) {
      if (actions.size > 0) scopes.push(repositoryScope(repository, actions));
    }
    return mergeScopes(scopes);
  }

  credential(repository: string): Promise<Credential | undefined> {
    const key = repository;
    let pending = this.#credentials.get(key);
    if (pending === undefined) {
      pending = resolveCredential(this.#options.registryName, repository, this.#options.credentials, {
        onWarning: this.#options.onWarning,
        onDebug: this.#options.onDebug,
      });
      this.#credentials.set(key, pending);
      // A failed lookup (e.g. a broken helper) is retried on the next request rather than cached.
      pending.catch(() => this.#credentials.delete(key));
    }
    return pending;
  }

  /** The Authorization to send with a request to the registry, once a challenge told us the scheme. */
  async authorization(repository: string, round: ChallengeRound): Promise<SentAuth | undefined> {
    if (this.#scheme === undefined) return undefined;
    const credential = await this.credential(repository);
    if (this.#scheme === 'basic') {
      if (credential?.kind !== 'basic') return undefined;
      const encoded = Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64');
      return { header: `Basic ${encoded}`, kind: 'basic', credential };
    }
    if (credential?.kind === 'bearer')
      return { header: `Bearer ${credential.token}`, kind: 'static-bearer', credential };
    const scopes = this.#scopes(round.extraScopes);
    const bearer = this.#bearer;
    if (bearer === undefined) return undefined;
    const cacheKey = `${bearer.realm}\n${bearer.service ?? ''}\n${credential?.source ?? ''}\n${scopes.join(' ')}`;
    const now = this.#options.now();
    const cached = this.#tokens.get(cacheKey);
    if (cached !== undefined && cached.expiresAt > now) {
      return { header: `Bearer ${cached.token}`, kind: 'token', credential, cacheKey };
    }
    this.#tokens.delete(cacheKey);
    // Concurrent requests needing the same token share one exchange.
    let pending = this.#pending.get(cacheKey);
    if (pending === undefined) {
      pending = this.#fetchToken(bearer, scopes, credential).finally(() => this.#pending.delete(cacheKey));
      this.#pending.set(cacheKey, pending);
    }
    const token = await pending;
    this.#tokens.set(cacheKey, token);
    return { header: `Bearer ${token.token}`, kind: 'token', credential, cacheKey };
  }

  /**
   * Interprets a 401 from the registry. Returns normally when the request should be sent again
   * (scheme learned, token refreshed or widened); throws `OCI_UNAUTHORIZED` when there is no way forward.
   */
  async challenge(
    repository: string,
    response: RawResponse,
    sent: SentAuth | undefined,
    round: ChallengeRound,
  ): Promise<void> {
    const registry = this.#options.registryName;
    const challenges = parseChallenges(headerValues(response.headers, 'www-authenticate'));
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    const detail = describeErrorBody(response.body, headerValue(response.headers, 'content-type'));
    if (bearer !== undefined) {
      await this.#bearerChallenge(bearer, sent, round, detail);
      return;
    }
    if (basic !== undefined) {
      if (sent !== undefined) throw unauthorizedError(registry, sent.credential);
      const credential = await this.credential(repository);
      if (credential?.kind !== 'basic') {
        throw unauthorizedError(
          registry,
          undefined,
          credential === undefined
            ? undefined
            : `it asks for a user name and password, but ${credential.source} only has a token`,
        );
      }
      this.#scheme = 'basic';
      return;
    }
    const schemes = challenges.map((c) => c.scheme).join(', ');
    if (sent !== undefined) throw unauthorizedError(registry, sent.credential, detail);
    throw new NfdError(
      'OCI_UNAUTHORIZED',
      challenges.length === 0
        ? `${registry} answered 401 without a WWW-Authenticate challenge${detail === '' ? '' : `: ${detail}`}`
        : `${registry} asks for an unsupported authentication scheme (${schemes})`,
      { hint: 'only Basic and Bearer token authentication are supported' },
    );
  }

  async #bearerChallenge(
    challenge: AuthChallenge,
    sent: SentAuth | undefined,
    round: ChallengeRound,
    detail: string,
  ): Promise<void> {
    const registry = this.#options.registryName;
    const realm = challenge.params.realm;
    if (realm === undefined || realm === '') {
      throw new NfdError('OCI_PROTOCOL', `${registry} sent a Bearer challenge without a realm`, {
        hint: 'the registry is misconfigured; report it to its operator',
      });
    }
    this.#scheme = 'bearer';
    this.#bearer = { realm, service: challenge.params.service };
    const scope = challenge.params.scope;
    const insufficient = challenge.params.error === 'insufficient_scope';

    if (sent === undefined) {
      if (scope !== undefined && scope !== '') round.extraScopes.push(scope);
      return;
    }
    // A user-supplied token is valid but too narrow on insufficient_scope: say so (below), not "rejected".
    if (sent.kind === 'static-bearer' && !insufficient)
      throw unauthorizedError(registry, sent.credential, detail);
    if (sent.kind === 'basic') throw unauthorizedError(registry, sent.credential, detail);
    if (sent.cacheKey !== undefined) this.#tokens.delete(sent.cacheKey);

    if (insufficient) {
      if (sent.kind !== 'static-bearer' && !round.widenedScope && scope !== undefined && scope !== '') {
        round.widenedScope = true;
        round.extraScopes.push(scope);
        return;
      }
      const what = scope === undefined || scope === '' ? 'this operation' : `"${scope}"`;
      if (sent.credential === undefined)
        throw unauthorizedError(registry, undefined, `anonymous access does not allow ${what}`);
      throw new NfdError(
        'OCI_UNAUTHORIZED',
        `credentials from ${sent.credential.source} do not grant ${what} on ${registry}`,
        {
          hint: `ask the registry administrator for ${scope ?? 'the needed'} permission, or use credentials that have it`,
        },
      );
    }
    if (!round.invalidatedToken) {
      // The token may have expired or been revoked: fetch a new one once.
      round.invalidatedToken = true;
      if (scope !== undefined && scope !== '') round.extraScopes.push(scope);
      return;
    }
    throw unauthorizedError(registry, sent.credential, detail);
  }

  async #fetchToken(
    bearer: { realm: string; service: string | undefined },
    scopes: readonly string[],
    credential: Credential | undefined,
  ): Promise<CachedToken> {
    const registry = this.#options.registryName;
    let realm: URL;
    try {
      realm = new URL(bearer.realm);
    } catch {
      throw new NfdError('OCI_PROTOCOL', `${registry} sent an invalid token realm "${bearer.realm}"`, {
        hint: 'the registry is misconfigured; report it to its operator',
      });
    }
    const registryUrl = new URL(this.#options.registryOrigin);
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && registryUrl.protocol === 'http:')) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${registry} asks for tokens from ${realm.origin}, which is not HTTPS; refusing to send credentials there`,
        {
          hint: 'plain-HTTP token services are only used when the registry itself is plain HTTP (--plain-http)',
        },
      );
    }
    if (isPrivateAddress(realm.hostname) && realm.hostname !== registryUrl.hostname) {
      throw new NfdError(
        'OCI_PROTOCOL',
        `${registry} asks for tokens from the private address ${realm.host}; refusing`,
        { hint: 'a token realm on a private or loopback IP address must be on the registry host itself' },
      );
    }

    let request: RawRequest;
    const base = {
      maxBytes: TOKEN_RESPONSE_CAP,
      idempotent: true,
      authOrigin: realm.origin,
      isExpected: (status: number) => status >= 200 && status < 300,
    };
    if (credential?.kind === 'refresh') {
      const form = new URLSearchParams();
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', credential.refreshToken);
      if (bearer.service !== undefined) form.set('service', bearer.service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      form.set('client_id', CLIENT_ID);
      request = {
        ...base,
        method: 'POST',
        url: realm.href,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new TextEncoder().encode(form.toString()),
      };
    } else {
      const url = new URL(realm.href);
      if (bearer.service !== undefined) url.searchParams.append('service', bearer.service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      request = { ...base, method: 'GET', url: url.href, headers: { accept: 'application/json' } };
      if (credential?.kind === 'basic') {
        request.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`;
      }
    }
    this.#options.onDebug?.(
      `requesting a token from ${realm.origin}${realm.pathname} for ${scopes.join(' ') || '(no scope)'}${credential === undefined ? ' (anonymous)' : ` with credentials from ${credential.source}`}`,
    );
    const response = await this.#options.send(request);
    if (response.status === 401 || response.status === 403) {
      const detail = describeErrorBody(response.body, headerValue(response.headers, 'content-type'));
      throw unauthorizedError(registry, credential, detail);
    }
    if (response.status < 200 || response.status >= 300) {
      const detail = describeErrorBody(response.body, headerValue(response.headers, 'content-type'));
      throw new NfdError(
        'OCI_PROTOCOL',
        `token request to ${realm.origin}${realm.pathname} for ${registry} failed: HTTP ${response.status}${detail === '' ? '' : ` (${detail})`}`,
        { hint: "the registry's token service failed; try again later" },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(response.body));
    } catch {
      parsed = undefined;
    }
    const object = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const token =
      typeof object.token === 'string' && object.token !== ''
        ? object.token
        : typeof object.access_token === 'string'
          ? object.access_token
          : '';
    if (token === '') {
      throw new NfdError('OCI_PROTOCOL', `the token service of ${registry} answered without a token`, {
        hint: "the registry's token service is misbehaving; report it to its operator",
      });
    }
    let seconds =
      typeof object.expires_in === 'number' && Number.isFinite(object.expires_in)
        ? object.expires_in
        : DEFAULT_TOKEN_SECONDS;
    if (seconds <= 0) seconds = DEFAULT_TOKEN_SECONDS;
    seconds = Math.min(seconds, MAX_TOKEN_SECONDS);
    // Refresh a little early: 10 % of the lifetime, at most 10 s.
    const marginMs = Math.min(10_000, seconds * 100);
    return { token, expiresAt: this.#options.now() + seconds * 1000 - marginMs };
  }
}
