import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NfdError } from '@nfd/spec';
import { DOCKER_HUB, normalizeRegistry } from '../reference.ts';
import { type HelperResult, runCredentialHelper } from './helper.ts';

/** Where credentials come from. Nothing is read from `process`: environment and home directory are passed in. */
export interface CredentialOptions {
  /** `--registry-username` (needs `password`). */
  username?: string;
  /** `--registry-password-stdin`. */
  password?: string;
  /** `--registry-token-stdin`: a ready Bearer access token, sent without any exchange. */
  token?: string;
  /** DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, HOME, PATH (for credential helpers), proxies. */
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory (`~/.docker/config.json`, …); "" when there is none. */
  homeDir: string;
  /** Timeout for one `docker-credential-<name> get`; default 20 s. */
  helperTimeoutMs?: number;
  /**
   * Shared by every transport of one command (`new CredentialCache()`): each credential file is read
   * once and each credential helper asked once per server address, however many repositories the
   * command touches. Without it, every transport reads them afresh.
   */
  cache?: CredentialCache;
}

/**
 * What one command has read of the credential sources: file contents (their warnings said once)
 * and helper answers, so a command with several images asks the keychain once per registry.
 */
export class CredentialCache {
  readonly #files = new Map<string, Promise<AuthFileContent | undefined>>();
  readonly #helpers = new Map<string, Promise<HelperResult>>();

  /** @internal */
  file(path: string, read: () => Promise<AuthFileContent | undefined>): Promise<AuthFileContent | undefined> {
    return memo(this.#files, path, read);
  }

  /** @internal */
  helper(helper: string, address: string, run: () => Promise<HelperResult>): Promise<HelperResult> {
    return memo(this.#helpers, `${helper}\u0000${address}`, run);
  }
}

function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let pending = map.get(key);
  if (pending === undefined) {
    pending = load();
    map.set(key, pending);
  }
  return pending;
}

/** A credential and where it came from (for messages; the source never contains the secret). */
export type Credential =
  | { kind: 'basic'; username: string; password: string; source: string }
  /** An identity (refresh) token, exchanged via the OAuth2 POST. */
  | { kind: 'refresh'; username?: string; refreshToken: string; source: string }
  /** A ready Bearer access token. */
  | { kind: 'bearer'; token: string; source: string };

/** The key Docker stores Docker Hub credentials under. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export const FLAG_CREDENTIAL_SOURCE = '--registry-username/--registry-password-stdin';
export const TOKEN_CREDENTIAL_SOURCE = '--registry-token-stdin';

const DEFAULT_HELPER_TIMEOUT_MS = 20_000;

/**
 * Normalises a key of an `auths`/`credHelpers` map (or a registry name) for comparison:
 * scheme and path of URL-style keys are dropped (`https://host/v1/` → `host`), Docker Hub aliases
 * become `docker.io`, hosts are lower-cased, and containers' namespace keys keep their path (`quay.io/org`).
 */
export function normalizeAuthKey(key: string): string {
  let text = key.trim();
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text);
  if (scheme !== null) {
    text = text.slice(scheme[0].length);
    const slash = text.indexOf('/');
    if (slash >= 0) text = text.slice(0, slash);
  }
  text = text.replace(/\/+$/, '');
  const slash = text.indexOf('/');
  const host = normalizeRegistry(slash >= 0 ? text.slice(0, slash) : text).toLowerCase();
  return slash >= 0 ? `${host}${text.slice(slash)}` : host;
}

/** The address given to a credential helper: Docker Hub's legacy key, else `host[:port]`. */
export function helperServerAddress(registry: string): string {
  return normalizeRegistry(registry) === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : registry;
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
  registrytoken?: unknown;
}

/** What a credential file holds (internal; the type of `CredentialCache` entries). */
export interface AuthFileContent {
  auths: Record<string, unknown>;
  credsStore?: string;
  credHelpers: Record<string, unknown>;
}

interface AuthFile {
  path: string;
  /** Bare auths map (`~/.dockercfg`). */
  legacy: boolean;
}

/** The files consulted, in order (explicit before implicit). */
export function credentialFiles(options: CredentialOptions): AuthFile[] {
  const env = options.env;
  const home = options.homeDir;
  const files: AuthFile[] = [];
  const authFile = env.REGISTRY_AUTH_FILE;
  if (authFile !== undefined && authFile !== '') files.push({ path: authFile, legacy: false });
  const dockerConfig = env.DOCKER_CONFIG;
  // No home directory (homeDir ""): only the files named by the environment, never a relative path.
  const hasHome = home !== '';
  if (dockerConfig !== undefined && dockerConfig !== '')
    files.push({ path: join(dockerConfig, 'config.json'), legacy: false });
  else if (hasHome) files.push({ path: join(home, '.docker', 'config.json'), legacy: false });
  const runtimeDir = env.XDG_RUNTIME_DIR;
  if (runtimeDir !== undefined && runtimeDir !== '') {
    files.push({ path: join(runtimeDir, 'containers', 'auth.json'), legacy: false });
  }
  const configHome = env.XDG_CONFIG_HOME;
  if (configHome !== undefined && configHome !== '')
    files.push({ path: join(configHome, 'containers', 'auth.json'), legacy: false });
  else if (hasHome) files.push({ path: join(home, '.config', 'containers', 'auth.json'), legacy: false });
  if (hasHome) files.push({ path: join(home, '.dockercfg'), legacy: true });
  // The same file may be named twice (REGISTRY_AUTH_FILE pointing at the docker config).
  const seen = new Set<string>();
  return files.filter((file) => {
    if (seen.has(file.path)) return false;
    seen.add(file.path);
    return true;
  });
}

/** `<homeDir>/.docker/config.json` → `~/.docker/config.json` for messages. */
export function displayPath(path: string, homeDir: string): string {
  if (homeDir !== '' && (path === homeDir || path.startsWith(`${homeDir.replace(/\/+$/, '')}/`))) {
    return `~${path.slice(homeDir.replace(/\/+$/, '').length)}`;
  }
  return path;
}

async function readAuthFile(
  file: AuthFile,
  display: string,
  onWarning: ((message: string) => void) | undefined,
): Promise<AuthFileContent | undefined> {
  let text: string;
  try {
    text = await readFile(file.path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      onWarning?.(`cannot read credential file ${display}: ${(error as Error).message}; ignoring it`);
    }
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    onWarning?.(`credential file ${display} is not valid JSON; ignoring it`);
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    onWarning?.(`credential file ${display} is not a JSON object; ignoring it`);
    return undefined;
  }
  const object = parsed as Record<string, unknown>;
  if (file.legacy) return { auths: object, credHelpers: {} };
  const auths = object.auths;
  const credHelpers = object.credHelpers;
  const content: AuthFileContent = {
    auths: typeof auths === 'object' && auths !== null ? (auths as Record<string, unknown>) : {},
    credHelpers:
      typeof credHelpers === 'object' && credHelpers !== null ? (credHelpers as Record<string, unknown>) : {},
  };
  if (typeof object.credsStore === 'string' && object.credsStore !== '')
    content.credsStore = object.credsStore;
  return content;
}

/** Candidate keys from most to least specific: `host/a/b`, `host/a`, `host`. */
function lookupKeys(registry: string, repository: string): string[] {
  const host = normalizeAuthKey(registry);
  const keys: string[] = [];
  const parts = repository === '' ? [] : repository.split('/');
  for (let i = parts.length; i > 0; i--) keys.push(`${host}/${parts.slice(0, i).join('/')}`);
  keys.push(host);
  return keys;
}

function findKey(map: Record<string, unknown>, keys: readonly string[]): string | undefined {
  const normalized = new Map<string, string>();
  for (const key of Object.keys(map)) {
    const norm = normalizeAuthKey(key);
    // Prefer an exact bare-host key over a legacy URL-style one if both exist.
    if (!normalized.has(norm) || key === norm) normalized.set(norm, key);
  }
  for (const key of keys) {
    const original = normalized.get(key);
    if (original !== undefined) return original;
  }
  return undefined;
}

function decodeEntry(entry: unknown, source: string): Credential | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { auth, username, password, identitytoken, registrytoken } = entry as AuthEntry;
  if (typeof registrytoken === 'string' && registrytoken !== '') {
    return { kind: 'bearer', token: registrytoken, source };
  }
  let user = typeof username === 'string' ? username : undefined;
  let pass = typeof password === 'string' ? password : undefined;
  if (typeof auth === 'string' && auth !== '') {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new NfdError(
        'OCI_UNAUTHORIZED',
        `the "auth" value in ${source} is not base64 of "user:password"`,
        {
          hint: `log in again (docker login) or fix ${source}`,
        },
      );
    }
    user = decoded.slice(0, colon);
    pass = decoded.slice(colon + 1);
  }
  if (typeof identitytoken === 'string' && identitytoken !== '') {
    const credential: Credential = { kind: 'refresh', refreshToken: identitytoken, source };
    if (user !== undefined && user !== '') credential.username = user;
    return credential;
  }
  if (user !== undefined && pass !== undefined && (user !== '' || pass !== '')) {
    return { kind: 'basic', username: user, password: pass, source };
  }
  return undefined;
}

/**
 * Finds the credential for `registry` (a registry name such as `docker.io` or `localhost:5000`) and
 * `repository`, trying in order: command-line options, REGISTRY_AUTH_FILE, the docker config (with
 * credHelpers/credsStore), containers' auth.json files, `~/.dockercfg`. Returns `undefined` for anonymous.
 */
export async function resolveCredential(
  registry: string,
  repository: string,
  options: CredentialOptions | undefined,
  hooks: { onWarning?: (message: string) => void; onDebug?: (message: string) => void } = {},
): Promise<Credential | undefined> {
  if (options === undefined) return undefined;
  if (options.token !== undefined && options.token !== '') {
    return { kind: 'bearer', token: options.token, source: TOKEN_CREDENTIAL_SOURCE };
  }
  if (options.username !== undefined || options.password !== undefined) {
    if (options.username === undefined || options.username === '' || options.password === undefined) {
      throw new NfdError(
        'USAGE',
        '--registry-username and --registry-password-stdin must be given together',
        {
          hint: 'pass both, or neither to use the docker/podman login',
        },
      );
    }
    return {
      kind: 'basic',
      username: options.username,
      password: options.password,
      source: FLAG_CREDENTIAL_SOURCE,
    };
  }

  const keys = lookupKeys(registry, repository);
  const hostKey = normalizeAuthKey(registry);
  const timeoutMs = options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
  for (const file of credentialFiles(options)) {
    const display = displayPath(file.path, options.homeDir);
    const read = (): Promise<AuthFileContent | undefined> => readAuthFile(file, display, hooks.onWarning);
    const content = await (options.cache === undefined ? read() : options.cache.file(file.path, read));
    if (content === undefined) continue;

    const helperKey = findKey(content.credHelpers, [hostKey]);
    const helperValue = helperKey === undefined ? undefined : content.credHelpers[helperKey];
    const helper = typeof helperValue === 'string' && helperValue !== '' ? helperValue : content.credsStore;
    if (helper !== undefined) {
      const authKey = findKey(content.auths, keys);
      const address =
        hostKey === DOCKER_HUB
          ? DOCKER_HUB_AUTH_KEY
          : (helperKey ?? (authKey?.includes('://') ? authKey : registry));
      const ask = (): Promise<HelperResult> =>
        runCredentialHelper(helper, address, { env: options.env, timeoutMs, configuredIn: display });
      const result = await (options.cache === undefined ? ask() : options.cache.helper(helper, address, ask));
      const source = `credential helper docker-credential-${helper} (configured in ${display})`;
      if (result !== undefined) {
        hooks.onDebug?.(`using credentials for ${registry} from ${source}`);
        return result.kind === 'basic'
          ? { kind: 'basic', username: result.username, password: result.password, source }
          : { kind: 'refresh', refreshToken: result.refreshToken, source };
      }
    }

    const authKey = findKey(content.auths, keys);
    if (authKey === undefined) continue;
    const credential = decodeEntry(content.auths[authKey], display);
    if (credential !== undefined) {
      hooks.onDebug?.(`using credentials for ${registry} from ${display} (key "${authKey}")`);
      return credential;
    }
  }
  hooks.onDebug?.(`no credentials found for ${registry}; trying anonymous access`);
  return undefined;
}
