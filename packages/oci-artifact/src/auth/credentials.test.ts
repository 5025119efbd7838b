import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NfdError } from '@nfd/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, startServer } from '../transport/test-servers.ts';
import { createRegistryTransport } from '../transport/transport.ts';
import { parseChallenges } from './challenge.ts';
import {
  CredentialCache,
  type CredentialOptions,
  credentialFiles,
  normalizeAuthKey,
  resolveCredential,
} from './credentials.ts';

let home: string;
let bin: string;
let helperLog: string;

const HELPER = `#!/bin/sh
read addr
echo "$addr" >> "$HELPER_LOG"
case "$addr" in
  *nothere*) echo "credentials not found in native keychain"; exit 1;;
  *broken*) echo '{"Secret":"leaky-secret"}'; echo "helper exploded" >&2; exit 3;;
  *slow*) sleep 5;;
  *tokenhost*) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-123"}' "$addr"; exit 0;;
esac
printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-pass"}' "$addr"
`;

function options(
  extra: Partial<CredentialOptions> = {},
  env: Record<string, string> = {},
): CredentialOptions {
  return { env: { PATH: `${bin}:/usr/bin:/bin`, HELPER_LOG: helperLog, ...env }, homeDir: home, ...extra };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, JSON.stringify(value));
}

const dockerConfig = (): string => join(home, '.docker', 'config.json');
const b64 = (text: string): string => Buffer.from(text).toString('base64');

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'oci-cred-'));
  bin = join(home, 'bin');
  helperLog = join(home, 'helper.log');
  await mkdir(bin);
  await writeFile(join(bin, 'docker-credential-test'), HELPER);
  await chmod(join(bin, 'docker-credential-test'), 0o755);
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('key normalisation', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['http://Reg.Example.com:5000/v2/', 'reg.example.com:5000'],
    ['quay.io/org/', 'quay.io/org'],
    ['[::1]:5000', '[::1]:5000'],
  ])('%s → %s', (key, expected) => {
    expect(normalizeAuthKey(key)).toBe(expected);
  });
});

describe('resolveCredential', () => {
  it('prefers command-line credentials', async () => {
    await writeJson(dockerConfig(), { auths: { 'reg.io': { auth: b64('file:pw') } } });
    expect(await resolveCredential('reg.io', 'a', options({ username: 'u', password: 'p' }))).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
      source: '--registry-username/--registry-password-stdin',
    });
    expect(await resolveCredential('reg.io', 'a', options({ token: 't' }))).toMatchObject({
      kind: 'bearer',
      token: 't',
    });
    await expect(resolveCredential('reg.io', 'a', options({ username: 'u' }))).rejects.toMatchObject({
      code: 'USAGE',
    });
  });

  it('reads auths entries: auth, identitytoken, registrytoken, username/password', async () => {
    await writeJson(dockerConfig(), {
      auths: {
        'reg.io': { auth: b64('alice:pa:ss') },
        'id.io': { auth: b64('bob:'), identitytoken: 'refresh-xyz' },
        'tok.io': { registrytoken: 'bearer-1' },
        'plain.io': { username: 'carol', password: 'pw' },
        'empty.io': {},
      },
    });
    expect(await resolveCredential('reg.io', 'a', options())).toEqual({
      kind: 'basic',
      username: 'alice',
      password: 'pa:ss',
      source: '~/.docker/config.json',
    });
    expect(await resolveCredential('id.io', 'a', options())).toEqual({
      kind: 'refresh',
      username: 'bob',
      refreshToken: 'refresh-xyz',
      source: '~/.docker/config.json',
    });
    expect(await resolveCredential('tok.io', 'a', options())).toMatchObject({
      kind: 'bearer',
      token: 'bearer-1',
    });
    expect(await resolveCredential('plain.io', 'a', options())).toMatchObject({
      username: 'carol',
      password: 'pw',
    });
    expect(await resolveCredential('empty.io', 'a', options())).toBeUndefined();
    expect(await resolveCredential('other.io', 'a', options())).toBeUndefined();
  });

  it('honours DOCKER_CONFIG', async () => {
    const dir = join(home, 'custom');
    await writeJson(join(dir, 'config.json'), { auths: { 'reg.io': { auth: b64('d:c') } } });
    await writeJson(dockerConfig(), { auths: { 'reg.io': { auth: b64('home:x') } } });
    expect(await resolveCredential('reg.io', 'a', options({}, { DOCKER_CONFIG: dir }))).toMatchObject({
      username: 'd',
      source: '~/custom/config.json',
    });
  });

  it('normalises Docker Hub keys', async () => {
    await writeJson(dockerConfig(), { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } });
    expect(await resolveCredential('docker.io', 'library/ubuntu', options())).toMatchObject({
      username: 'hub',
    });
    expect(await resolveCredential('registry-1.docker.io', 'library/ubuntu', options())).toMatchObject({
      username: 'hub',
    });
  });

  it('uses credHelpers before credsStore and passes the server address on stdin', async () => {
    await writeJson(dockerConfig(), {
      auths: { 'reg.io': { auth: b64('file:pw') } },
      credsStore: 'missing',
      credHelpers: { 'reg.io': 'test', 'docker.io': 'test' },
    });
    const credential = await resolveCredential('reg.io', 'a', options());
    expect(credential).toEqual({
      kind: 'basic',
      username: 'helper-user',
      password: 'helper-pass',
      source: 'credential helper docker-credential-test (configured in ~/.docker/config.json)',
    });
    await resolveCredential('docker.io', 'library/x', options());
    expect((await readFile(helperLog, 'utf8')).split('\n')).toEqual([
      'reg.io',
      'https://index.docker.io/v1/',
      '',
    ]);
  });

  it('uses credsStore and treats "credentials not found" as none', async () => {
    await writeJson(dockerConfig(), { credsStore: 'test', auths: { 'nothere.io': {} } });
    expect(await resolveCredential('store.io', 'a', options())).toMatchObject({ username: 'helper-user' });
    expect(await resolveCredential('nothere.io', 'a', options())).toBeUndefined();
    expect(await resolveCredential('tokenhost.io', 'a', options())).toMatchObject({
      kind: 'refresh',
      refreshToken: 'refresh-123',
    });
  });

  it('reports helper failures by name without echoing the helper output', async () => {
    await writeJson(dockerConfig(), {
      credHelpers: { 'broken.io': 'test', 'gone.io': 'absent', 'slow.io': 'test' },
    });
    const failed = await resolveCredential('broken.io', 'a', options()).catch((e: unknown) => e as NfdError);
    expect(failed).toBeInstanceOf(NfdError);
    expect((failed as NfdError).code).toBe('OCI_UNAUTHORIZED');
    expect((failed as NfdError).message).toBe(
      'credential helper docker-credential-test (configured in ~/.docker/config.json) failed with exit status 3: helper exploded',
    );
    expect((failed as NfdError).message).not.toContain('leaky-secret');
    await expect(resolveCredential('gone.io', 'a', options())).rejects.toThrow(
      'credential helper docker-credential-absent (configured in ~/.docker/config.json) was not found on PATH',
    );
    await expect(resolveCredential('slow.io', 'a', options({ helperTimeoutMs: 300 }))).rejects.toThrow(
      /did not answer within/,
    );
  });

  it('reads REGISTRY_AUTH_FILE first', async () => {
    const authFile = join(home, 'auth.json');
    await writeJson(authFile, { auths: { 'reg.io': { auth: b64('authfile:pw') } } });
    await writeJson(dockerConfig(), { auths: { 'reg.io': { auth: b64('docker:pw') } } });
    expect(
      await resolveCredential('reg.io', 'a', options({}, { REGISTRY_AUTH_FILE: authFile })),
    ).toMatchObject({
      username: 'authfile',
      source: '~/auth.json',
    });
    // Falls through to later files when the auth file has nothing for the registry.
    expect(
      await resolveCredential('reg.io', 'a', options({}, { REGISTRY_AUTH_FILE: join(home, 'none.json') })),
    ).toMatchObject({
      username: 'docker',
    });
  });

  it('reads containers auth.json with namespace keys, then ~/.dockercfg', async () => {
    await writeJson(join(home, '.config', 'containers', 'auth.json'), {
      auths: {
        'quay.io': { auth: b64('host:pw') },
        'quay.io/org': { auth: b64('org:pw') },
        'quay.io/org/special': { auth: b64('repo:pw') },
      },
    });
    await writeJson(join(home, '.dockercfg'), { 'https://legacy.io/v1/': { auth: b64('legacy:pw') } });
    expect(await resolveCredential('quay.io', 'org/special', options())).toMatchObject({ username: 'repo' });
    expect(await resolveCredential('quay.io', 'org/app', options())).toMatchObject({ username: 'org' });
    expect(await resolveCredential('quay.io', 'other/app', options())).toMatchObject({ username: 'host' });
    expect(await resolveCredential('legacy.io', 'a', options())).toMatchObject({
      username: 'legacy',
      source: '~/.dockercfg',
    });
  });

  it('lists the files in order', () => {
    const files = credentialFiles(
      options(
        {},
        { REGISTRY_AUTH_FILE: '/x/auth.json', XDG_RUNTIME_DIR: '/run/user/1', XDG_CONFIG_HOME: '/cfg' },
      ),
    ).map((f) => f.path.replace(home, '~'));
    expect(files).toEqual([
      '/x/auth.json',
      '~/.docker/config.json',
      '/run/user/1/containers/auth.json',
      '/cfg/containers/auth.json',
      '~/.dockercfg',
    ]);
  });

  it('with a CredentialCache, reads each file and asks each helper once for the whole command', async () => {
    await writeJson(dockerConfig(), { credHelpers: { 'reg.io': 'test' } });
    await mkdir(join(home, '.config', 'containers'), { recursive: true });
    await writeFile(join(home, '.config', 'containers', 'auth.json'), '{not json');
    const cache = new CredentialCache();
    const warnings: string[] = [];
    const hooks = { onWarning: (m: string) => warnings.push(m) };
    for (const repository of ['a', 'b', 'a/c']) {
      expect(await resolveCredential('reg.io', repository, options({ cache }), hooks)).toMatchObject({
        username: 'helper-user',
      });
      expect(await resolveCredential('other.io', repository, options({ cache }), hooks)).toBeUndefined();
    }
    expect((await readFile(helperLog, 'utf8')).split('\n')).toEqual(['reg.io', '']);
    expect(warnings).toEqual([
      'credential file ~/.config/containers/auth.json is not valid JSON; ignoring it',
    ]);
    // Without a cache every lookup asks again.
    await resolveCredential('reg.io', 'a', options());
    expect((await readFile(helperLog, 'utf8')).split('\n')).toEqual(['reg.io', 'reg.io', '']);
  });

  it('warns about and skips a corrupt file', async () => {
    await mkdir(join(home, '.docker'));
    await writeFile(dockerConfig(), '{not json');
    await writeJson(join(home, '.dockercfg'), { 'reg.io': { auth: b64('legacy:pw') } });
    const warnings: string[] = [];
    expect(
      await resolveCredential('reg.io', 'a', options(), { onWarning: (m) => warnings.push(m) }),
    ).toMatchObject({
      username: 'legacy',
    });
    expect(warnings).toEqual(['credential file ~/.docker/config.json is not valid JSON; ignoring it']);
  });
});

describe('credentials through the transport', () => {
  it('uses a docker config credential helper and names it when the registry rejects it', async () => {
    const server = await startServer((req, res) => {
      if (req.headers.authorization === `Basic ${b64('helper-user:helper-pass')}`) json(res, 200, {});
      else json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' });
    });
    const other = await startServer((_req, res) =>
      json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' }),
    );
    try {
      await writeJson(dockerConfig(), {
        credHelpers: { [`127.0.0.1:${server.port}`]: 'test' },
        credsStore: 'test',
      });
      const debug: string[] = [];
      const t = createRegistryTransport(server.origin, {
        credentials: options(),
        onDebug: (m) => debug.push(m),
      });
      const response = await t.request({
        method: 'GET',
        url: `${server.origin}/v2/`,
        repository: '',
        actions: [],
      });
      expect(response.status).toBe(200);
      expect(debug).toContain(
        `using credentials for 127.0.0.1:${server.port} from credential helper docker-credential-test (configured in ~/.docker/config.json)`,
      );
      await t.close();
      const rejected = createRegistryTransport(other.origin, { credentials: options() });
      await expect(
        rejected.request({ method: 'GET', url: `${other.origin}/v2/`, repository: 'a', actions: ['pull'] }),
      ).rejects.toThrow(
        `credentials from credential helper docker-credential-test (configured in ~/.docker/config.json) were rejected by 127.0.0.1:${other.port}`,
      );
      await rejected.close();
    } finally {
      await server.close();
      await other.close();
    }
  });
});

describe('parseChallenges', () => {
  it('parses quoted values with commas and several challenges', () => {
    expect(
      parseChallenges([
        'Bearer realm="https://auth.io/token",service="reg.io",scope="repository:a/b:pull,push",error="insufficient_scope"',
        'Basic realm="x, y", Bearer realm=https://t',
      ]),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.io/token',
          service: 'reg.io',
          scope: 'repository:a/b:pull,push',
          error: 'insufficient_scope',
        },
      },
      { scheme: 'basic', params: { realm: 'x, y' } },
      { scheme: 'bearer', params: { realm: 'https://t' } },
    ]);
  });

  it('handles escapes, case and bare schemes', () => {
    expect(parseChallenges(['BASIC Realm="a \\"b\\""', 'Negotiate'])).toEqual([
      { scheme: 'basic', params: { realm: 'a "b"' } },
      { scheme: 'negotiate', params: {} },
    ]);
  });
});
