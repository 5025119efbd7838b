// Running the oras CLI (v1.3.3) against the test registries, isolated from the user's docker config.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RegistryEndpoint } from '../setup/context.ts';

const run = promisify(execFile);

/** Connection flags for `endpoint`: `--plain-http`, or `--ca-file`, plus `-u/-p` when it has credentials. */
export function orasFlags(endpoint: RegistryEndpoint): string[] {
  const flags = endpoint.plainHttp ? ['--plain-http'] : ['--ca-file', endpoint.caFile ?? ''];
  if (endpoint.username !== null && endpoint.password !== null) {
    flags.push('--username', endpoint.username, '--password', endpoint.password);
  }
  return flags;
}

/** Runs `oras ARGS` with DOCKER_CONFIG under `workDir`; rejects with stderr on a non-zero exit. */
export async function runOras(
  binary: string,
  workDir: string,
  args: readonly string[],
  cwd: string = workDir,
): Promise<string> {
  const dockerConfig = join(workDir, 'oras-docker-config');
  mkdirSync(dockerConfig, { recursive: true });
  try {
    const { stdout } = await run(binary, [...args], {
      cwd,
      timeout: 20_000,
      env: { PATH: process.env.PATH ?? '', HOME: workDir, DOCKER_CONFIG: dockerConfig },
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`oras ${args[0] ?? ''} failed: ${e.stderr?.trim() || e.message}`);
  }
}

export interface OrasReferrer {
  reference: string;
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** `oras discover --format json` output. */
export interface OrasDiscovery {
  reference: string;
  mediaType: string;
  digest: string;
  size: number;
  referrers?: OrasReferrer[];
}
