// A tiny Docker registry token server (test-registry.md §A.7, oci.md §10) run inside the vitest
// global setup: it signs RS256 JWTs with a key whose self-signed certificate is docker-registry's
// `auth.token.rootcertbundle` (the certificate travels in the JWT header's `x5c`).
//
//   GET  /token?service=S&scope=repository:NAME:ACTIONS[&scope=…]   Basic credentials optional
//   POST /token  (OAuth2 form: grant_type=password, username, password, service, scope)
//   GET  /log    what was granted so far (user, scopes, access; never a secret) for assertions
//
// Grants: a full user gets every requested action (pull, push, delete), a read-only user only pull,
// anonymous requests only pull on repositories under `publicPrefix`. Scopes of other types
// (`registry:catalog:*`) are granted nothing. Answers `{token, access_token, expires_in, issued_at}`.
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface TokenServerOptions {
  keyFile: string;
  certFile: string;
  service: string;
  issuer: string;
  publicPrefix: string;
  /** user → password and whether the user may only pull. */
  users: Record<string, { password: string; readOnly: boolean }>;
}

export interface TokenLogEntry {
  /** `''` for anonymous. */
  user: string;
  /** How the credentials came: `basic` (GET with Basic), `password` (OAuth2 POST) or `anonymous`. */
  via: 'basic' | 'password' | 'anonymous';
  scopes: string[];
  access: { type: string; name: string; actions: string[] }[];
}

export interface TokenServer {
  url: string;
  close(): Promise<void>;
}

const TOKEN_SECONDS = 300;
const b64u = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = readFileSync(options.keyFile, 'utf8');
  const der = new X509Certificate(readFileSync(options.certFile)).raw.toString('base64');
  const log: TokenLogEntry[] = [];

  const sign = (subject: string, access: TokenLogEntry['access']): string => {
    const now = Math.floor(Date.now() / 1000);
    const head = b64u(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der] }));
    const body = b64u(
      JSON.stringify({
        iss: options.issuer,
        sub: subject,
        aud: options.service,
        exp: now + TOKEN_SECONDS,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      }),
    );
    const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key);
    return `${head}.${body}.${b64u(signature)}`;
  };

  const grant = (user: string, scopes: readonly string[]): TokenLogEntry['access'] =>
    scopes.flatMap((scope) => {
      const match = /^repository:([^:]+):([a-z*,]*)$/.exec(scope);
      if (!match?.[1]) return [];
      const name = match[1];
      const asked = (match[2] ?? '').split(',').filter((a) => ['pull', 'push', 'delete'].includes(a));
      const entry = user === '' ? undefined : options.users[user];
      const actions =
        entry === undefined
          ? name.startsWith(options.publicPrefix)
            ? asked.filter((a) => a === 'pull')
            : []
          : entry.readOnly
            ? asked.filter((a) => a === 'pull')
            : asked;
      return actions.length === 0 ? [] : [{ type: 'repository', name, actions }];
    });

  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const denied = (res: ServerResponse): void =>
    reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid user name or password' }] });

  const issue = (
    res: ServerResponse,
    user: string,
    via: TokenLogEntry['via'],
    service: string | null,
    scopes: string[],
  ): void => {
    if (service !== null && service !== options.service) {
      reply(res, 400, { errors: [{ code: 'DENIED', message: `unknown service ${service}` }] });
      return;
    }
    const access = grant(user, scopes);
    log.push({ user, via, scopes, access });
    const token = sign(user, access);
    reply(res, 200, {
      token,
      access_token: token,
      expires_in: TOKEN_SECONDS,
      issued_at: new Date().toISOString(),
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    if (req.method === 'GET' && url.pathname === '/log') {
      reply(res, 200, log);
      return;
    }
    if (url.pathname !== '/token') {
      reply(res, 404, { errors: [{ code: 'NOT_FOUND', message: url.pathname }] });
      return;
    }
    if (req.method === 'GET') {
      const header = req.headers.authorization ?? '';
      let user = '';
      if (header !== '') {
        if (!/^basic /i.test(header)) {
          denied(res);
          return;
        }
        const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const name = colon < 0 ? decoded : decoded.slice(0, colon);
        if (colon < 0 || options.users[name]?.password !== decoded.slice(colon + 1)) {
          denied(res);
          return;
        }
        user = name;
      }
      const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
      issue(res, user, user === '' ? 'anonymous' : 'basic', url.searchParams.get('service'), scopes);
      return;
    }
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        if (form.get('grant_type') !== 'password') {
          reply(res, 400, { error: 'unsupported_grant_type' });
          return;
        }
        const name = form.get('username') ?? '';
        if (options.users[name]?.password !== form.get('password')) {
          reply(res, 401, { error: 'invalid_grant' });
          return;
        }
        const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        issue(res, name, 'password', form.get('service'), scopes);
      });
      return;
    }
    reply(res, 405, { errors: [{ code: 'UNSUPPORTED', message: String(req.method) }] });
  };

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      reply(res, 500, { errors: [{ code: 'UNKNOWN', message: (error as Error).message }] });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
