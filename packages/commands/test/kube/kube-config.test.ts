import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectKube, loadKubeConfig } from '../../src/kube/index.ts';
import { type FakeApiServer, selfSignedCertificate, startFakeApiServer } from './fake-apiserver.ts';

// The kubeconfig as kubectl (client-go's clientcmd and transport) reads and uses it: Go's YAML
// and types, paths relative to the file, one way to authenticate, exec credential plugins,
// proxies. Every case runs against the stand-in API server over TLS.

let server: FakeApiServer;
let dir = '';
const caData = (): string => Buffer.from(selfSignedCertificate().cert).toString('base64');

beforeAll(async () => {
  server = await startFakeApiServer();
  server.addNode('n1');
  dir = mkdtempSync(join(tmpdir(), 'nfd-kubeconfig-'));
});

afterAll(async () => {
  await server?.close();
});

/** A kubeconfig file of one context, with the given cluster and user fields (YAML lines). */
function kubeconfig(name: string, cluster: string[], user: string[]): string {
  const file = join(dir, name);
  const indent = (lines: string[]): string =>
    lines.length === 0 ? '    {}\n' : lines.map((l) => `    ${l}\n`).join('');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
${indent(cluster)}contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
users:
- name: u
  user:
${indent(user)}`,
  );
  return file;
}

const nodesWith = async (file: string, env: Record<string, string> = {}): Promise<string[]> => {
  const client = await connectKube({ env, kubeconfig: file });
  return (await client.listNodes()).map((node) => node.name);
};

describe('clusters', () => {
  it('reads YAML 1.1 booleans as Go does: insecure-skip-tls-verify: yes', async () => {
    const file = kubeconfig(
      'insecure',
      [`server: ${server.url}`, 'insecure-skip-tls-verify: yes'],
      ['token: fake-token'],
    );
    expect((await loadKubeConfig({ env: {}, kubeconfig: file })).cluster.insecureSkipTlsVerify).toBe(true);
    expect(await nodesWith(file)).toEqual(['n1']);
  });

  it('names a field of the wrong type as Go names it', async () => {
    const file = kubeconfig('typed', [`server: ${server.url}`, 'insecure-skip-tls-verify: "true"'], []);
    await expect(loadKubeConfig({ env: {}, kubeconfig: file })).rejects.toThrow(
      `${file} is not a valid kubeconfig: 7:31: json: cannot unmarshal string into Go struct field Cluster.clusters.cluster.insecure-skip-tls-verify of type bool`,
    );
  });

  it('resolves a relative certificate-authority against the kubeconfig, and rejects bad base64', async () => {
    writeFileSync(join(dir, 'ca.crt'), selfSignedCertificate().cert);
    const file = kubeconfig(
      'relative-ca',
      [`server: ${server.url}`, 'certificate-authority: ca.crt'],
      ['token: fake-token'],
    );
    expect((await loadKubeConfig({ env: {}, kubeconfig: file })).cluster.certificateAuthority).toBe(
      join(dir, 'ca.crt'),
    );
    expect(await nodesWith(file)).toEqual(['n1']);
    const bad = kubeconfig(
      'bad-base64',
      [`server: ${server.url}`, 'certificate-authority-data: "not base64!"'],
      [],
    );
    await expect(loadKubeConfig({ env: {}, kubeconfig: bad })).rejects.toThrow(
      /illegal base64 data at input byte 3/,
    );
  });

  it('refuses a CA together with insecure-skip-tls-verify, and a name given twice', async () => {
    const both = kubeconfig(
      'both',
      [`server: ${server.url}`, 'insecure-skip-tls-verify: true', `certificate-authority-data: ${caData()}`],
      [],
    );
    await expect(loadKubeConfig({ env: {}, kubeconfig: both })).rejects.toThrow(
      'specifying a root certificates file with the insecure flag is not allowed',
    );
    const twice = join(dir, 'twice');
    writeFileSync(
      twice,
      'clusters:\n- {name: c, cluster: {server: "https://a"}}\n- {name: c, cluster: {server: "https://b"}}\n',
    );
    await expect(loadKubeConfig({ env: {}, kubeconfig: twice })).rejects.toThrow(
      'duplicate name "c" in clusters',
    );
  });

  it('keeps one connection alive across requests and pages', async () => {
    const paged = await startFakeApiServer({ maxPageSize: 2 });
    try {
      for (let i = 0; i < 7; i++) paged.addNode(`p${i}`);
      const client = await connectKube({
        env: {},
        kubeconfig: paged.writeKubeconfig(dir, { file: 'paged' }),
      });
      expect((await client.listNodes()).length).toBe(7);
      await client.listNodes();
      expect(paged.requests.length).toBe(8);
      expect(paged.connections).toBe(1);
    } finally {
      await paged.close();
    }
  });
});

describe('users', () => {
  const cluster = (): string[] => [`server: ${server.url}`, `certificate-authority-data: ${caData()}`];

  it('reads a tokenFile relative to the kubeconfig; an empty one is an error', async () => {
    writeFileSync(join(dir, 'token'), 'fake-token\n');
    expect(await nodesWith(kubeconfig('token-file', cluster(), ['tokenFile: token']))).toEqual(['n1']);
    writeFileSync(join(dir, 'empty-token'), '\n');
    await expect(
      nodesWith(kubeconfig('empty-token-file', cluster(), ['tokenFile: empty-token'])),
    ).rejects.toThrow(/read empty token from file .*empty-token/);
  });

  it('allows one authentication method only, and sends impersonation headers', async () => {
    await expect(
      nodesWith(
        kubeconfig('two-methods', cluster(), ['token: fake-token', 'username: admin', 'password: secret']),
      ),
    ).rejects.toThrow(
      'more than one authentication method found; found [token basicAuth], only one is allowed',
    );
    const before = server.requests.length;
    await nodesWith(
      kubeconfig('impersonate', cluster(), ['token: fake-token', 'as: jane', 'as-groups: [dev, ops]']),
    );
    const headers = server.requests[before]?.headers;
    expect(headers?.['impersonate-user']).toBe('jane');
    expect(headers?.['impersonate-group']).toBe('dev, ops');
  });

  it('says what replaces the removed gcp auth provider', async () => {
    await expect(
      nodesWith(kubeconfig('gcp', cluster(), ['auth-provider: {name: gcp, config: {}}'])),
    ).rejects.toThrow(/the gcp auth plugin has been removed/);
  });
});

describe('exec credential plugins', () => {
  /** A plugin (a Node script) that logs each run and prints the given ExecCredential status. */
  function plugin(name: string, statuses: object[], apiVersion = 'client.authentication.k8s.io/v1'): string {
    const script = join(dir, name);
    const log = join(dir, `${name}.log`);
    writeFileSync(log, '');
    writeFileSync(
      script,
      `#!${process.execPath}
const fs = require('node:fs');
const runs = fs.readFileSync(${JSON.stringify(log)}, 'utf8').split('\\n').filter(Boolean).length;
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ info: process.env.KUBERNETES_EXEC_INFO, extra: process.env.EXTRA, args: process.argv.slice(2) }) + '\\n');
const statuses = ${JSON.stringify(statuses)};
process.stdout.write(JSON.stringify({ apiVersion: ${JSON.stringify(apiVersion)}, kind: 'ExecCredential', status: statuses[Math.min(runs, statuses.length - 1)] }));
`,
    );
    chmodSync(script, 0o755);
    return script;
  }
  const runs = (script: string): { info: string; extra: string; args: string[] }[] =>
    readFileSync(`${script}.log`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  const execUser = (command: string, extra: string[] = []): string[] => [
    'exec:',
    '  apiVersion: client.authentication.k8s.io/v1',
    `  command: ${command}`,
    '  args: [--flag]',
    '  env: [{name: EXTRA, value: "42"}]',
    '  interactiveMode: Never',
    '  provideClusterInfo: true',
    ...extra.map((line) => `  ${line}`),
  ];
  const cluster = (): string[] => [`server: ${server.url}`, `certificate-authority-data: ${caData()}`];

  it('runs the plugin once (its env, args and KUBERNETES_EXEC_INFO as client-go gives them) and uses its token', async () => {
    const script = plugin('plugin-ok', [{ token: 'fake-token' }]);
    const client = await connectKube({
      env: {},
      kubeconfig: kubeconfig('exec-ok', cluster(), execUser('./plugin-ok')),
    });
    await client.listNodes();
    await client.listNodes();
    const [run] = runs(script);
    expect(runs(script).length).toBe(1);
    expect(run?.args).toEqual(['--flag']);
    expect(run?.extra).toBe('42');
    expect(JSON.parse(run?.info ?? '{}')).toEqual({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: { interactive: false, cluster: { server: server.url, 'certificate-authority-data': caData() } },
    });
  });

  it('runs it again when the credential has expired, and once more after a 401', async () => {
    const expired = plugin('plugin-expired', [
      { token: 'fake-token', expirationTimestamp: '2020-01-01T00:00:00Z' },
    ]);
    const client = await connectKube({
      env: {},
      kubeconfig: kubeconfig('exec-expired', cluster(), execUser('./plugin-expired')),
    });
    await client.listNodes();
    await client.listNodes();
    expect(runs(expired).length).toBe(2);
    const stale = plugin('plugin-stale', [{ token: 'old-token' }, { token: 'fake-token' }]);
    const again = await connectKube({
      env: {},
      kubeconfig: kubeconfig('exec-stale', cluster(), execUser('./plugin-stale')),
    });
    expect((await again.listNodes()).map((n) => n.name)).toEqual(['n1']);
    expect(runs(stale).length).toBe(2);
  });

  it('explains a missing plugin with its installHint, and a wrong answer', async () => {
    await expect(
      nodesWith(
        kubeconfig(
          'exec-missing',
          cluster(),
          execUser('no-such-plugin-xyz', ['installHint: "install it with: brew install xyz"']),
        ),
      ),
    ).rejects.toThrow('exec: executable no-such-plugin-xyz not found');
    plugin('plugin-version', [{ token: 't' }], 'client.authentication.k8s.io/v1beta1');
    await expect(
      nodesWith(kubeconfig('exec-version', cluster(), execUser('./plugin-version'))),
    ).rejects.toThrow(
      'exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1',
    );
    plugin('plugin-empty', [{}]);
    await expect(nodesWith(kubeconfig('exec-empty', cluster(), execUser('./plugin-empty')))).rejects.toThrow(
      "exec plugin didn't return a token or cert/key pair",
    );
  });
});

describe('proxies', () => {
  /** An HTTP CONNECT proxy that counts the tunnels it opens. */
  async function connectProxy(): Promise<{ url: string; tunnels: string[]; close: () => Promise<void> }> {
    const tunnels: string[] = [];
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      sockets.add(client);
      client.once('data', (head) => {
        const target = /^CONNECT (\S+) HTTP/.exec(head.toString('latin1'))?.[1] ?? '';
        tunnels.push(target);
        const [host, port] = [
          target.slice(0, target.lastIndexOf(':')),
          Number(target.slice(target.lastIndexOf(':') + 1)),
        ];
        const remote = connect(port, host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          client.pipe(remote).pipe(client);
        });
        sockets.add(remote);
        remote.on('error', () => client.destroy());
      });
      client.on('error', () => undefined);
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const { port } = proxy.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      tunnels,
      close: async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((done) => proxy.close(() => done()));
      },
    };
  }
  const cluster = (): string[] => [`server: ${server.url}`, `certificate-authority-data: ${caData()}`];

  it('tunnels through the cluster’s proxy-url, and never sends loopback to HTTPS_PROXY', async () => {
    const proxy = await connectProxy();
    try {
      expect(
        await nodesWith(
          kubeconfig('proxied', [...cluster(), `proxy-url: ${proxy.url}`], ['token: fake-token']),
        ),
      ).toEqual(['n1']);
      expect(proxy.tunnels).toEqual([new URL(server.url).host]);
      expect(
        await nodesWith(kubeconfig('env-proxy', cluster(), ['token: fake-token']), {
          HTTPS_PROXY: proxy.url,
        }),
      ).toEqual(['n1']);
      expect(proxy.tunnels.length).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
