/**
 * The Nodes the apps run on, as every package.json's `engines.node` says: 22 from 22.19 (undici 8
 * needs it), and 24 or later (23, an odd release, is past its end of life). A test checks the two agree.
 */
export const SUPPORTED_NODE = '^22.19.0 || >=24';

export function isSupportedNode(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return (major === 22 && minor >= 19) || major >= 24;
}

/** The identity an app runs the tree as (the same fields as AppIdentity, kept import-free here). */
export interface LaunchIdentity {
  displayName: 'nfd' | 'kubectl nfd';
  version: string;
  kube: boolean;
}

/**
 * An app's entry: on a supported Node, loads the command tree (through `load`, so the bundler
 * keeps it in a chunk of its own) and runs it on this process; otherwise relaunches (below).
 * Sets process.exitCode.
 */
export async function launchApp(
  entryUrl: string,
  app: LaunchIdentity,
  load: () => Promise<{ runProcess(app: LaunchIdentity): Promise<number> }>,
): Promise<void> {
  if (!isSupportedNode(process.versions.node)) {
    process.exitCode = await relaunchOnSupportedNode(entryUrl, process.argv[1]);
    return;
  }
  const { runProcess } = await load();
  process.exitCode = await runProcess(app);
}

/**
 * Keeps a bin usable from PATH on a machine whose default Node is too old: runs the same command
 * with the Node of the nearest `node_modules/.bin/node` (the workspace's pinned Node 24) and
 * returns its exit status. This module loads nothing that needs a newer Node, and its built-in
 * modules (child_process alone is 4 ms of a cold start) only on this path.
 */
async function relaunchOnSupportedNode(entryUrl: string, script: string | undefined): Promise<number> {
  const { fileURLToPath } = await import('node:url');
  const node = await findWorkspaceNode(fileURLToPath(entryUrl));
  if (node === undefined || script === undefined) {
    process.stderr.write(
      `error: this tool needs Node ${SUPPORTED_NODE}; this is Node ${process.versions.node}\n` +
        'hint: install Node 24 (or run `pnpm install` in the nfd-ts workspace, which provides it)\n',
    );
    return 2;
  }
  const { spawnSync } = await import('node:child_process');
  const child = spawnSync(node, [...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (child.error !== undefined) {
    process.stderr.write(`error: cannot run ${node}: ${child.error.message}\n`);
    return 2;
  }
  if (child.signal !== null) return 128 + signalNumber(child.signal);
  return child.status ?? 2;
}

async function findWorkspaceNode(entry: string): Promise<string | undefined> {
  const { existsSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', 'node');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGTERM: 15,
  };
  return numbers[signal] ?? 1;
}
