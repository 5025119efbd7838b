import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Cold start (issue #13): a run loads the chunks of the command it runs and nothing else. The
// built bin runs with a module hook that records every file of dist/ it loads; the libraries in
// those files are read from the bundler's `// …/node_modules/.pnpm/NAME@VERSION/…` region markers.

const bin = fileURLToPath(new URL('../../bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const host = join(repo, 'test/fixtures/hosts/gpu-node');
const scratch = mkdtempSync(join(tmpdir(), 'nfd-cold-'));
const hook = join(scratch, 'trace.mjs');
writeFileSync(
  hook,
  `import { registerHooks } from 'node:module';
registerHooks({
  load(url, context, next) {
    if (url.includes('/dist/')) process.stderr.write('loaded: ' + url + '\\n');
    return next(url, context);
  },
});
`,
);

/** The dist files a run of ARGS loads and the third-party packages bundled into them. */
function loads(args: string[]): { code: number | null; files: string[]; libraries: string[] } {
  const result = spawnSync(process.execPath, ['--import', hook, bin, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const files = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('loaded: '))
    .map((line) => fileURLToPath(line.slice('loaded: '.length)));
  const libraries = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(
      /^\/\/ \S*node_modules\/\.pnpm\/(@?[^@/]+(?:\+[^@/]+)?)@/gm,
    )) {
      libraries.add((match[1] ?? '').replace('+', '/'));
    }
  }
  return { code: result.status, files, libraries: [...libraries].sort() };
}

describe('what a run loads', () => {
  it('--version: the command tree without any command (commander only)', () => {
    const run = loads(['--version']);
    expect(run.code).toBe(0);
    expect(run.libraries).toEqual(['commander']);
  });

  it('export features: discovery, no YAML, schema, regex, registry or cluster library', () => {
    const run = loads(['export', 'features', '--host-root', host]);
    expect(run.code).toBe(0);
    for (const heavy of ['zod', 'yaml', 're2js', 'undici']) {
      expect(run.libraries).not.toContain(heavy);
    }
  });

  it('dryrun: the evaluating loader and the matcher, no schema library, no registry or cluster client', () => {
    const rules = join(scratch, 'rules.yaml');
    writeFileSync(
      rules,
      `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata: {name: gpu}
spec:
  rules:
    - name: nvidia
      labels: {nvidia: "true"}
      matchFeatures:
        - feature: pci.device
          matchExpressions: {vendor: {op: In, value: ["10de"]}}
`,
    );
    const run = loads(['dryrun', '-f', rules, '-n', 'examples/gpu-node.nodefeature.json']);
    expect(run.code).toBe(0);
    expect(run.libraries).toContain('yaml');
    for (const heavy of ['zod', 'undici']) expect(run.libraries).not.toContain(heavy);
  });
});

describe('results written straight to the descriptor', () => {
  it('gives the same bytes to a file as to a pipe', () => {
    const file = join(scratch, 'features.json');
    const piped = spawnSync(process.execPath, [bin, 'export', 'features', '--host-root', host], {
      encoding: 'utf8',
    });
    const toFile = spawnSync('sh', [
      '-c',
      '"$0" "$1" export features --host-root "$2" > "$3"',
      process.execPath,
      bin,
      host,
      file,
    ]);
    expect(piped.status).toBe(0);
    expect(toFile.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(piped.stdout);
    expect(piped.stdout.length).toBeGreaterThan(1000);
  });

  it('ends quietly, exit 0, when the reader goes away (`| head -c 10`)', async () => {
    const child = spawn(process.execPath, [bin, 'export', 'features', '--host-root', host]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    // Close our end before the child writes: its write then meets a reader that is gone.
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', (status) => done(status)));
    // The fixture host's own notices only: no EPIPE, no stack trace.
    expect(stderr).not.toMatch(/EPIPE|Error| {4}at /);
    expect(stderr).toMatch(/^(warning: [^\n]*\n)*$/);
    expect(code).toBe(0);
  });

  it('a first Ctrl-C cancels a registry request that hangs: "interrupted", exit 130, no stack', async () => {
    // A registry that accepts the connection and never answers.
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    try {
      const child = spawn(
        process.execPath,
        [bin, 'compat', 'list-specs', '--image', `127.0.0.1:${port}/app:1`, '--plain-http'],
        { env: { ...process.env, NO_COLOR: '1' } },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      // Interrupt once the request is in flight (the server has its connection).
      while (sockets.length === 0) await new Promise((done) => setTimeout(done, 20));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((done) => child.on('close', (status) => done(status)));
      expect(stderr).toBe('error: interrupted\n');
      expect(code).toBe(130);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});
