// olareg (the registry with the OCI referrers API) for the tests that run against it: started on a
// free loopback port, plain HTTP, deletes enabled, ready when /v2/ answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, stopProcess, tailFile } from './processes.ts';

export interface StartedOlareg {
  readonly child: ChildProcess;
  readonly port: number;
}

/**
 * Starts `olareg serve` storing in `dataDir`, logging to `logDir/olareg-N.log`. olareg does not
 * report a port the kernel chose, so a free one is picked and the start retried on a clash.
 */
export async function startOlareg(binary: string, logDir: string, dataDir: string): Promise<StartedOlareg> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const logFile = join(logDir, `olareg-${attempt}.log`);
    const out = openSync(logFile, 'a');
    const child = spawn(
      binary,
      ['serve', '--addr', '127.0.0.1', '--port', String(port), '--dir', dataDir, '--api-delete'],
      { stdio: ['ignore', out, out] },
    );
    closeSync(out);
    try {
      await waitForV2(`http://127.0.0.1:${port}`, child, logFile);
      return { child, port };
    } catch (error) {
      lastError = error;
      await stopProcess(child);
    }
  }
  throw lastError;
}

async function waitForV2(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url}/v2/ not ready (${last}); log:\n${tailFile(logFile)}`);
}
