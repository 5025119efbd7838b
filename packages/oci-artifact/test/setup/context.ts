// What the global setup (./global-setup.ts) hands to the integration tests through vitest's
// `provide`/`inject`. Values must survive structured cloning, so only plain data lives here.

/** One registry started by the global setup. */
export interface RegistryEndpoint {
  /** `plain` (docker-registry, HTTP), `auth` (docker-registry, htpasswd Basic + TLS), `olareg`, `token`. */
  readonly name: RegistryName | 'token';
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly plainHttp: boolean;
  /** Whether the registry implements `GET /v2/<name>/referrers/<digest>`. */
  readonly referrersApi: boolean;
  readonly username: string | null;
  readonly password: string | null;
  /** PEM file of the CA that signed the server certificate (TLS registries only). */
  readonly caFile: string | null;
  /** Where blobs are stored: docker-registry's filesystem root, or olareg's `--dir` (one OCI layout per repository). */
  readonly storageDir: string | null;
}

export type RegistryName = 'plain' | 'auth' | 'olareg';

/**
 * docker-registry with Bearer token auth (plain HTTP) and its token server, which signs RS256 JWTs
 * granting: `username` every requested action; `readOnly` only `pull`; anonymous only `pull` on
 * repositories under `publicPrefix`. `username`/`password` are the full-access user's.
 */
export interface TokenRegistryEndpoint extends RegistryEndpoint {
  readonly name: 'token';
  /** `http://127.0.0.1:PORT/token` — the realm of the registry's challenges. */
  readonly realm: string;
  readonly service: string;
  /** Repositories anonymous users may pull: names starting with this (`public/`). */
  readonly publicPrefix: string;
  /** A second user whose tokens never grant more than `pull`. */
  readonly readOnly: { readonly username: string; readonly password: string };
}

/** A peer is either usable or skipped with a reason that tests print. */
export type Peer<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

export interface TestPeers {
  readonly registries: { readonly [K in RegistryName]: Peer<RegistryEndpoint> } & {
    readonly token: Peer<TokenRegistryEndpoint>;
  };
  /** Path of the `oras` v1.3.3 binary. */
  readonly oras: Peer<string>;
  /** A scratch directory removed at teardown (DOCKER_CONFIG for oras lives below it). */
  readonly workDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    nfdTestPeers: TestPeers;
  }
}
