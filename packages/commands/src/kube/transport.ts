import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { NfdError } from '@nfd/spec';
import type { KubeExecConfig, KubeUser, LoadedKubeConfig } from './config.ts';

// How requests reach the API server, as client-go's rest.Config and transport build it from the
// kubeconfig: one keep-alive connection pool with the cluster's TLS settings and the user's client
// certificate, and the user's credentials as headers (bearer token or token file, basic auth,
// impersonation, an exec credential plugin run once and again when its credential expires).
// Proxies: the cluster's proxy-url, else HTTPS_PROXY/HTTP_PROXY with NO_PROXY as Go reads them
// (never for loopback). Nothing here prints a credential.

export interface TransportOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Whether standard input is a terminal (exec plugins' interactive mode). */
  stdinIsTerminal?: boolean;
  signal?: AbortSignal;
}

export interface PreparedRequest {
  agent: HttpAgent | HttpsAgent;
  headers: Record<string, string | string[]>;
}

export interface KubeTransport {
  /** The connection pool and credential headers for the next request. */
  prepare(): Promise<PreparedRequest>;
  /** After a 401: whether fresh credentials may help (an exec plugin's, run again on the next prepare). */
  invalidate(): boolean;
}

/** How long an exec credential plugin may run (an interactive login included). */
const EXEC_TIMEOUT_MS = 5 * 60_000;
/** The most an exec plugin may print. */
const EXEC_OUTPUT_MAX = 1024 * 1024;
const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

function credentialError(
  loaded: LoadedKubeConfig,
  message: string,
  hint?: string,
  cause?: unknown,
): NfdError {
  return new NfdError(
    'KUBECONFIG_INVALID',
    `cannot use the credentials or certificates of context "${loaded.context}" in ${loaded.source}: ${message}`,
    { ...(hint === undefined ? {} : { hint }), ...(cause === undefined ? {} : { cause }) },
  );
}

function readPem(
  loaded: LoadedKubeConfig,
  what: string,
  data: Uint8Array | undefined,
  file: string | undefined,
) {
  // client-go: the -data field wins over the file.
  if (data !== undefined) return Buffer.from(data);
  if (file === undefined) return undefined;
  try {
    return process.getBuiltinModule('node:fs').readFileSync(file);
  } catch (cause) {
    throw credentialError(
      loaded,
      `cannot read ${what} ${file}: ${(cause as Error).message}`,
      undefined,
      cause,
    );
  }
}

/** clientcmd's validateAuthInfo: one way to authenticate. */
function authMethods(user: KubeUser): string[] {
  const methods: string[] = [];
  if (user.token !== undefined || user.tokenFile !== undefined) methods.push('token');
  if (user.username !== undefined || user.password !== undefined) methods.push('basicAuth');
  return methods;
}

interface ExecCredential {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  /** Milliseconds since the epoch; undefined: valid for the whole run. */
  expires?: number;
}

export function createTransport(loaded: LoadedKubeConfig, options: TransportOptions): KubeTransport {
  const { cluster, user } = loaded;
  const methods = authMethods(user);
  if (methods.length > 1)
    throw credentialError(
      loaded,
      `more than one authentication method found; found [${methods.join(' ')}], only one is allowed`,
    );
  if (user.exec !== undefined && user.authProvider !== undefined)
    throw credentialError(loaded, 'authProvider and exec are both set; only one is allowed');
  const secure = new URL(loaded.server).protocol === 'https:';
  const ca = secure
    ? (readPem(
        loaded,
        'certificate-authority',
        cluster.certificateAuthorityData,
        cluster.certificateAuthority,
      ) ?? systemRoots())
    : undefined;
  const staticCert = readPem(
    loaded,
    'client-certificate',
    user.clientCertificateData,
    user.clientCertificate,
  );
  const staticKey = readPem(loaded, 'client-key', user.clientKeyData, user.clientKey);
  if ((staticCert === undefined) !== (staticKey === undefined))
    throw credentialError(
      loaded,
      staticCert === undefined
        ? 'client-key is set without client-certificate'
        : 'client-certificate is set without client-key',
    );
  const proxy = proxyFor(loaded, options.env);

  const fixedHeaders: Record<string, string | string[]> = {};
  if (user.username !== undefined || user.password !== undefined)
    fixedHeaders.Authorization = `Basic ${Buffer.from(`${user.username ?? ''}:${user.password ?? ''}`).toString('base64')}`;
  if (user.impersonate !== undefined) fixedHeaders['Impersonate-User'] = user.impersonate;
  if (user.impersonateUid !== undefined) fixedHeaders['Impersonate-Uid'] = user.impersonateUid;
  if (user.impersonateGroups !== undefined) fixedHeaders['Impersonate-Group'] = user.impersonateGroups;
  for (const [key, values] of Object.entries(user.impersonateUserExtra ?? {}))
    fixedHeaders[`Impersonate-Extra-${encodeURIComponent(key)}`] = values;

  const agents = new Map<string, HttpAgent | HttpsAgent>();
  const agentFor = (cert: Buffer | undefined, key: Buffer | undefined): HttpAgent | HttpsAgent => {
    const id = cert === undefined ? '' : `${cert.toString('base64')}\n${key?.toString('base64') ?? ''}`;
    let agent = agents.get(id);
    if (agent === undefined) {
      agent = secure
        ? newHttpsAgent(
            {
              ca,
              cert,
              key,
              insecure: cluster.insecureSkipTlsVerify === true,
              servername: cluster.tlsServerName,
            },
            proxy,
          )
        : newHttpAgent(proxy);
      agents.set(id, agent);
    }
    return agent;
  };

  let token: string | undefined;
  let exec: ExecCredential | undefined;
  return {
    async prepare() {
      const headers: Record<string, string | string[]> = { ...fixedHeaders };
      let cert: Buffer | undefined = staticCert;
      let key: Buffer | undefined = staticKey;
      if (user.exec !== undefined) {
        if (exec === undefined || (exec.expires !== undefined && exec.expires <= Date.now() + 10_000))
          exec = await runExecPlugin(loaded, user.exec, options);
        if (exec.token !== undefined) headers.Authorization = `Bearer ${exec.token}`;
        if (exec.cert !== undefined) {
          cert = exec.cert;
          key = exec.key;
        }
      } else if (user.authProvider !== undefined) {
        headers.Authorization = `Bearer ${authProviderToken(loaded, user.authProvider)}`;
      } else if (user.token !== undefined) {
        headers.Authorization = `Bearer ${user.token}`;
      } else if (user.tokenFile !== undefined) {
        token ??= readTokenFile(loaded, user.tokenFile);
        headers.Authorization = `Bearer ${token}`;
      }
      return { agent: agentFor(cert, key), headers };
    },
    invalidate() {
      if (user.exec === undefined) return false;
      exec = undefined;
      return true;
    },
  };
}

/** Go's TLS roots when the kubeconfig names none: the system's (and Node's bundled ones). */
function systemRoots(): string[] | undefined {
  const tls = process.getBuiltinModule('node:tls');
  if (typeof tls.getCACertificates !== 'function') return undefined;
  return [...new Set([...tls.getCACertificates('system'), ...tls.getCACertificates('bundled')])];
}

function readTokenFile(loaded: LoadedKubeConfig, file: string): string {
  let token: string;
  try {
    token = process.getBuiltinModule('node:fs').readFileSync(file, 'utf8').trim();
  } catch (cause) {
    throw credentialError(
      loaded,
      `cannot read the tokenFile ${file}: ${(cause as Error).message}`,
      undefined,
      cause,
    );
  }
  if (token === '') throw credentialError(loaded, `read empty token from file ${file}`);
  return token;
}

/** The payload of a JWT, or undefined when it is not one. */
function jwtClaims(token: string): { exp?: number } | undefined {
  const part = token.split('.')[1];
  if (part === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: number };
  } catch {
    return undefined;
  }
}

/**
 * client-go's auth-provider plugins: gcp and azure are gone from it (it says what replaces them);
 * oidc sends the id-token. Refreshing an expired id-token (which client-go writes back into the
 * kubeconfig) is left to kubectl or an exec plugin such as kubelogin.
 */
function authProviderToken(
  loaded: LoadedKubeConfig,
  provider: { name: string; config: Record<string, string> },
): string {
  switch (provider.name) {
    case 'gcp':
      throw credentialError(
        loaded,
        'the gcp auth plugin has been removed from Kubernetes clients',
        'use the "gke-gcloud-auth-plugin" credential plugin instead: https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke',
      );
    case 'azure':
      throw credentialError(
        loaded,
        'the azure auth plugin has been removed from Kubernetes clients',
        'use the "kubelogin" credential plugin instead: https://azure.github.io/kubelogin/',
      );
    case 'oidc': {
      const token = provider.config['id-token'];
      if (token === undefined || token === '')
        throw credentialError(
          loaded,
          'the oidc auth-provider has no id-token',
          'log in with kubectl (or use kubelogin) first',
        );
      const exp = jwtClaims(token)?.exp;
      if (typeof exp === 'number' && exp * 1000 <= Date.now())
        throw credentialError(
          loaded,
          'the oidc id-token has expired',
          'refresh it by running any kubectl command with this context (kubectl writes the new token into the kubeconfig), or use the kubelogin exec plugin',
        );
      return token;
    }
    default:
      throw credentialError(loaded, `no Auth Provider found for name "${provider.name}"`);
  }
}

/** client-go's exec credential plugin protocol (client.authentication.k8s.io v1 and v1beta1). */
async function runExecPlugin(
  loaded: LoadedKubeConfig,
  exec: KubeExecConfig,
  options: TransportOptions,
): Promise<ExecCredential> {
  if (!EXEC_API_VERSIONS.includes(exec.apiVersion))
    throw credentialError(
      loaded,
      `exec plugin: invalid apiVersion "${exec.apiVersion}"`,
      `use one of ${EXEC_API_VERSIONS.join(', ')}`,
    );
  const mode = exec.interactiveMode ?? (exec.apiVersion.endsWith('/v1beta1') ? 'IfAvailable' : undefined);
  if (mode === undefined)
    throw credentialError(loaded, `exec plugin: interactiveMode must be specified for ${exec.apiVersion}`);
  if (!['Never', 'IfAvailable', 'Always'].includes(mode))
    throw credentialError(loaded, `exec plugin: invalid interactiveMode "${mode}"`);
  const terminal = options.stdinIsTerminal === true;
  if (mode === 'Always' && !terminal)
    throw credentialError(
      loaded,
      'exec plugin cannot support interactive mode: standard input is not a terminal',
    );
  const interactive = mode !== 'Never' && terminal;
  const cluster = loaded.cluster;
  const spec: Record<string, unknown> = { interactive };
  if (exec.provideClusterInfo)
    spec.cluster = {
      server: cluster.server,
      ...(cluster.tlsServerName === undefined ? {} : { 'tls-server-name': cluster.tlsServerName }),
      ...(cluster.insecureSkipTlsVerify === true ? { 'insecure-skip-tls-verify': true } : {}),
      ...(cluster.certificateAuthorityData === undefined
        ? {}
        : { 'certificate-authority-data': Buffer.from(cluster.certificateAuthorityData).toString('base64') }),
      ...(cluster.proxyUrl === undefined ? {} : { 'proxy-url': cluster.proxyUrl }),
    };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env)) if (value !== undefined) env[name] = value;
  for (const variable of exec.env) env[variable.name] = variable.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify({ kind: 'ExecCredential', apiVersion: exec.apiVersion, spec });
  const notFound = (): NfdError =>
    credentialError(
      loaded,
      `exec: executable ${exec.command} not found`,
      exec.installHint ?? `install ${exec.command}, or fix users[].user.exec.command`,
    );
  const output = await new Promise<string>((done, fail) => {
    const child = process.getBuiltinModule('node:child_process').spawn(exec.command, exec.args, {
      env,
      stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'inherit'],
      timeout: EXEC_TIMEOUT_MS,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > EXEC_OUTPUT_MAX) child.kill();
      else chunks.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (options.signal?.aborted === true) fail(error);
      else if (error.code === 'ENOENT') fail(notFound());
      else
        fail(credentialError(loaded, `exec: cannot run ${exec.command}: ${error.message}`, undefined, error));
    });
    child.on('close', (code, signal) => {
      if (options.signal?.aborted === true) return;
      if (size > EXEC_OUTPUT_MAX)
        fail(credentialError(loaded, `exec: ${exec.command} printed more than ${EXEC_OUTPUT_MAX} bytes`));
      else if (signal !== null)
        fail(
          credentialError(
            loaded,
            `exec: executable ${exec.command} was stopped (${signal}${signal === 'SIGTERM' ? `, after ${EXEC_TIMEOUT_MS / 60_000} min` : ''})`,
          ),
        );
      else if (code !== 0)
        fail(credentialError(loaded, `exec: executable ${exec.command} failed with exit code ${code}`));
      else done(Buffer.concat(chunks).toString('utf8'));
    });
  });
  let credential: { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> | null };
  try {
    credential = JSON.parse(output) as typeof credential;
  } catch {
    throw credentialError(loaded, `exec plugin ${exec.command} printed no ExecCredential JSON`);
  }
  if (credential?.apiVersion !== exec.apiVersion)
    throw credentialError(
      loaded,
      `exec plugin is configured to use API version ${exec.apiVersion}, plugin returned version ${String(credential?.apiVersion)}`,
    );
  const status = credential.status;
  if (status === undefined || status === null || typeof status !== 'object')
    throw credentialError(loaded, "exec plugin didn't return a status field");
  const token = typeof status.token === 'string' && status.token !== '' ? status.token : undefined;
  const cert = typeof status.clientCertificateData === 'string' ? status.clientCertificateData : '';
  const key = typeof status.clientKeyData === 'string' ? status.clientKeyData : '';
  if (token === undefined && (cert === '' || key === ''))
    throw credentialError(loaded, "exec plugin didn't return a token or cert/key pair");
  if ((cert === '') !== (key === ''))
    throw credentialError(loaded, 'exec plugin returned only one of clientCertificateData and clientKeyData');
  let expires: number | undefined;
  if (typeof status.expirationTimestamp === 'string' && status.expirationTimestamp !== '') {
    expires = Date.parse(status.expirationTimestamp);
    if (Number.isNaN(expires))
      throw credentialError(
        loaded,
        `exec plugin returned an invalid expirationTimestamp "${status.expirationTimestamp}"`,
      );
  }
  return {
    ...(token === undefined ? {} : { token }),
    ...(cert === '' ? {} : { cert: Buffer.from(cert), key: Buffer.from(key) }),
    ...(expires === undefined ? {} : { expires }),
  };
}

// ---- proxies ----

/** The proxy a request to the server goes through: the cluster's proxy-url, else the environment's. */
function proxyFor(
  loaded: LoadedKubeConfig,
  env: Readonly<Record<string, string | undefined>>,
): URL | undefined {
  const target = new URL(loaded.server);
  const configured = loaded.cluster.proxyUrl;
  if (configured !== undefined) return parseProxy(loaded, configured);
  const fromEnv =
    target.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (fromEnv === undefined || fromEnv === '' || bypassesProxy(target, env.NO_PROXY ?? env.no_proxy ?? ''))
    return undefined;
  // Go's httpproxy: a proxy without a scheme is http://.
  return parseProxy(loaded, /^[a-z][a-z0-9+.-]*:\/\//i.test(fromEnv) ? fromEnv : `http://${fromEnv}`);
}

function parseProxy(loaded: LoadedKubeConfig, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw credentialError(loaded, `proxy "${text}" is not a URL`);
  }
  if (!['http:', 'https:', 'socks5:'].includes(url.protocol))
    throw credentialError(
      loaded,
      `proxy "${url.protocol}//${url.host}" has an unsupported scheme (http, https or socks5)`,
    );
  return url;
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\./.test(bare);
}

/** Go's golang.org/x/net/http/httpproxy NO_PROXY rules; loopback is never proxied. */
function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopback(host)) return true;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    let entryPort: string | undefined;
    const colon = entry.lastIndexOf(':');
    if (colon > 0 && !entry.includes(']') && entry.indexOf(':') === colon) {
      entryPort = entry.slice(colon + 1);
      entry = entry.slice(0, colon);
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (host === entry || (entry.startsWith('.') ? host.endsWith(entry) : host.endsWith(`.${entry}`)))
      return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [network = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const a = ipv4(host);
  const b = ipv4(network);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255))
    return undefined;
  return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
}

interface TlsSettings {
  ca: Buffer | string[] | undefined;
  cert: Buffer | undefined;
  key: Buffer | undefined;
  insecure: boolean;
  servername: string | undefined;
}

function newHttpAgent(proxy: URL | undefined): HttpAgent {
  const http = process.getBuiltinModule('node:http');
  const agent = new http.Agent({ keepAlive: true });
  if (proxy !== undefined) {
    (agent as unknown as { createConnection: unknown }).createConnection = (
      options: { host?: string; port?: number | string },
      callback: (error: Error | null, socket?: Socket) => void,
    ) => {
      tunnel(proxy, options.host ?? 'localhost', Number(options.port ?? 80)).then(
        (socket) => callback(null, socket),
        (error: Error) => callback(error),
      );
      return undefined;
    };
  }
  return agent;
}

function newHttpsAgent(tlsSettings: TlsSettings, proxy: URL | undefined): HttpsAgent {
  const https = process.getBuiltinModule('node:https');
  const secure = {
    ...(tlsSettings.ca === undefined ? {} : { ca: tlsSettings.ca }),
    ...(tlsSettings.cert === undefined ? {} : { cert: tlsSettings.cert, key: tlsSettings.key }),
    rejectUnauthorized: !tlsSettings.insecure,
    ...(tlsSettings.servername === undefined ? {} : { servername: tlsSettings.servername }),
  };
  const agent = new https.Agent({ keepAlive: true, ...secure });
  if (proxy !== undefined) {
    (agent as unknown as { createConnection: unknown }).createConnection = (
      options: { host?: string; port?: number | string; servername?: string },
      callback: (error: Error | null, socket?: Socket) => void,
    ) => {
      const host = options.host ?? 'localhost';
      tunnel(proxy, host, Number(options.port ?? 443)).then(
        (raw) => {
          const socket = process.getBuiltinModule('node:tls').connect({
            ...secure,
            socket: raw,
            servername: tlsSettings.servername ?? (/^[\d.]+$|:/.test(host) ? '' : host),
          });
          socket.once('secureConnect', () => callback(null, socket));
          socket.once('error', (error) => callback(error));
        },
        (error: Error) => callback(error),
      );
      return undefined;
    };
  }
  return agent;
}

const PROXY_TIMEOUT_MS = 30_000;

/** A TCP connection to host:port through the proxy (HTTP CONNECT, or SOCKS5 without or with a password). */
async function tunnel(proxy: URL, host: string, port: number): Promise<Socket> {
  const net = process.getBuiltinModule('node:net');
  const proxyPort = Number(
    proxy.port || (proxy.protocol === 'https:' ? 443 : proxy.protocol === 'socks5:' ? 1080 : 80),
  );
  const proxyHost = proxy.hostname.replace(/^\[|\]$/g, '');
  const socket: Socket =
    proxy.protocol === 'https:'
      ? process
          .getBuiltinModule('node:tls')
          .connect({ host: proxyHost, port: proxyPort, servername: proxyHost })
      : net.connect({ host: proxyHost, port: proxyPort });
  socket.setTimeout(PROXY_TIMEOUT_MS, () =>
    socket.destroy(new Error(`the proxy ${proxy.host} did not answer in ${PROXY_TIMEOUT_MS / 1000} s`)),
  );
  const reader = bytesOf(socket);
  try {
    await new Promise<void>((done, fail) => {
      socket.once(proxy.protocol === 'https:' ? 'secureConnect' : 'connect', () => done());
      socket.once('error', fail);
    });
    const user = decodeURIComponent(proxy.username);
    const password = decodeURIComponent(proxy.password);
    if (proxy.protocol === 'socks5:') await socks5(socket, reader, host, port, user, password);
    else {
      const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      const auth =
        proxy.username === ''
          ? ''
          : `Proxy-Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}\r\n`;
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
      const head = (await reader.until(Buffer.from('\r\n\r\n'))).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      if (status !== '200')
        throw new Error(
          `the proxy ${proxy.host} refused to connect to ${target}: ${head.split('\r\n')[0] ?? ''}`,
        );
    }
    socket.setTimeout(0);
    reader.release();
    return socket;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

async function socks5(
  socket: Socket,
  reader: ReturnType<typeof bytesOf>,
  host: string,
  port: number,
  user: string,
  password: string,
): Promise<void> {
  const withPassword = user !== '';
  socket.write(Buffer.from(withPassword ? [5, 2, 0, 2] : [5, 1, 0]));
  const [version, method] = await reader.take(2);
  if (version !== 5 || (method !== 0 && method !== 2))
    throw new Error('the SOCKS5 proxy accepts none of our authentication methods');
  if (method === 2) {
    const u = Buffer.from(user);
    const p = Buffer.from(password);
    socket.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([p.length]), p]));
    const [, ok] = await reader.take(2);
    if (ok !== 0) throw new Error('the SOCKS5 proxy refused the user name and password');
  }
  const name = Buffer.from(host.replace(/^\[|\]$/g, ''));
  socket.write(
    Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, Buffer.from([port >> 8, port & 0xff])]),
  );
  const [, reply, , type] = await reader.take(4);
  if (reply !== 0) throw new Error(`the SOCKS5 proxy could not connect to ${host}:${port} (reply ${reply})`);
  const length = type === 1 ? 4 : type === 4 ? 16 : ((await reader.take(1))[0] ?? 0);
  await reader.take(length + 2);
}

/** Reads a socket's first bytes on demand, then hands the socket back untouched. */
function bytesOf(socket: Socket) {
  let buffered = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  let failure: Error | undefined;
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    waiting?.();
  };
  const onEnd = (): void => {
    failure ??= new Error('the proxy closed the connection');
    waiting?.();
  };
  const onError = (error: Error): void => {
    failure = error;
    waiting?.();
  };
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', onError);
  const wait = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      if (failure !== undefined) throw failure;
      if (buffered.length > 64 * 1024) throw new Error('the proxy sent an answer too long');
      await new Promise<void>((done) => {
        waiting = done;
      });
      waiting = undefined;
    }
  };
  return {
    async take(count: number): Promise<Buffer> {
      await wait(() => buffered.length >= count);
      const out = buffered.subarray(0, count);
      buffered = buffered.subarray(count);
      return out;
    },
    async until(marker: Buffer): Promise<Buffer> {
      await wait(() => buffered.includes(marker));
      const end = buffered.indexOf(marker) + marker.length;
      const out = buffered.subarray(0, end);
      buffered = buffered.subarray(end);
      return out;
    },
    release(): void {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      if (buffered.length > 0) socket.unshift(buffered);
    },
  };
}
