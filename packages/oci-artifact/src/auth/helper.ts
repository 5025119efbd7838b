import { spawn } from 'node:child_process';
import { NfdError } from '@nfd/spec';

/** What a `docker-credential-<name> get` call returned. */
export type HelperResult =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'refresh'; refreshToken: string }
  | undefined;

const MAX_OUTPUT = 64 * 1024;
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Runs `docker-credential-<name> get` with the server address on stdin, looking the program up on
 * `env.PATH`. "credentials not found" yields `undefined`; any other failure throws `OCI_UNAUTHORIZED`
 * naming the helper (never echoing its stdout, which may hold secrets).
 */
export async function runCredentialHelper(
  name: string,
  serverAddress: string,
  options: { env: Readonly<Record<string, string | undefined>>; timeoutMs: number; configuredIn: string },
): Promise<HelperResult> {
  const program = `docker-credential-${name}`;
  const where = `${program} (configured in ${options.configuredIn})`;
  const hint = `check that ${program} is installed and works ("echo ${serverAddress} | ${program} get"), fix or remove it in ${options.configuredIn}, or pass --registry-username with --registry-password-stdin`;
  if (!HELPER_NAME.test(name)) {
    throw new NfdError(
      'OCI_UNAUTHORIZED',
      `invalid credential helper name "${name}" in ${options.configuredIn}`,
      {
        hint,
      },
    );
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;

  const outcome = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
  }>((resolve, reject) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
      // A grandchild may keep the pipes open; do not wait for them.
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code: null, stdout: '', stderr: '', timedOut });
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    // The helper may exit without reading stdin; ignore EPIPE on our side.
    child.stdin.on('error', () => {});
    child.stdin.end(serverAddress);
  }).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    const message =
      code === 'ENOENT'
        ? `credential helper ${where} was not found on PATH`
        : `credential helper ${where} could not be started`;
    throw new NfdError('OCI_UNAUTHORIZED', message, { cause: error, hint });
  });

  if (outcome.timedOut) {
    throw new NfdError(
      'OCI_UNAUTHORIZED',
      `credential helper ${where} did not answer within ${Math.round(options.timeoutMs / 1000)} s`,
      { hint },
    );
  }
  if (outcome.code !== 0) {
    const text = `${outcome.stdout}\n${outcome.stderr}`;
    if (/credentials not found/i.test(text)) return undefined;
    const firstLine = outcome.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
    throw new NfdError(
      'OCI_UNAUTHORIZED',
      `credential helper ${where} failed with exit status ${String(outcome.code)}${firstLine === '' ? '' : `: ${firstLine}`}`,
      { hint },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(outcome.stdout);
  } catch {
    throw new NfdError('OCI_UNAUTHORIZED', `credential helper ${where} printed something that is not JSON`, {
      hint,
    });
  }
  const { Username, Secret } = (parsed ?? {}) as { Username?: unknown; Secret?: unknown };
  if (typeof Secret !== 'string' || Secret === '') return undefined;
  if (Username === '<token>') return { kind: 'refresh', refreshToken: Secret };
  return { kind: 'basic', username: typeof Username === 'string' ? Username : '', password: Secret };
}
