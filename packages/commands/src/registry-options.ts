import { Option } from '@commander-js/extra-typings';
import { CredentialCache } from '@nfd/oci-artifact';
import { NfdError } from '@nfd/spec';
import type { CommandContext } from './context.ts';
import { readStdin } from './read-input.ts';
import { type RequestTimeoutFlags, requestTimeoutOption } from './request-timeout.ts';

// The registry flags of every command that talks to a registry or an OCI layout, upstream's names
// first (`--plain-http`, `--registry-username`, `--registry-password-stdin`,
// `--registry-token-stdin`), then ours (oras-style `--insecure`, `--ca-file`, `--oci-layout`).

const GROUP = 'Registry options:';

export interface RegistryFlags extends RequestTimeoutFlags {
  plainHttp?: boolean;
  insecure?: boolean;
  caFile?: string[];
  certFile?: string;
  keyFile?: string;
  registryUsername?: string;
  registryPasswordStdin?: boolean;
  registryTokenStdin?: boolean;
  ociLayout?: string;
  referrers?: 'auto' | 'api' | 'tag';
  platform?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registryOptions(options: { platform?: boolean } = {}): Option[] {
  const list = [
    new Option('--plain-http', 'use plain HTTP instead of HTTPS for all registry communications').helpGroup(
      GROUP,
    ),
    new Option(
      '--insecure',
      'use HTTPS without verifying the registry certificate (warned on stderr)',
    ).helpGroup(GROUP),
    new Option('--ca-file <file>', 'trust this CA certificate (PEM) besides the system ones (repeatable)')
      .argParser(collect)
      .helpGroup(GROUP),
    new Option(
      '--cert-file <file>',
      'client certificate (PEM) for registries that require mutual TLS',
    ).helpGroup(GROUP),
    new Option('--key-file <file>', 'private key (PEM) of --cert-file').helpGroup(GROUP),
    new Option(
      '--registry-username <name>',
      'registry username (the password comes from --registry-password-stdin)',
    ).helpGroup(GROUP),
    new Option('--registry-password-stdin', 'read the registry password from stdin').helpGroup(GROUP),
    new Option('--registry-token-stdin', 'read a registry access (bearer) token from stdin').helpGroup(GROUP),
    new Option(
      '--oci-layout <dir>',
      'use this OCI image layout directory instead of a registry (offline)',
    ).helpGroup(GROUP),
    new Option('--referrers <mode>', 'how to find referrers: the OCI 1.1 API, the tag schema, or auto-detect')
      .choices(['auto', 'api', 'tag'] as const)
      .default('auto' as const)
      .helpGroup(GROUP),
    requestTimeoutOption(GROUP),
  ];
  if (options.platform !== false) {
    list.push(
      new Option(
        '--platform <platform>',
        'the image platform, os[/arch[/variant]][:os_version] (e.g. linux/arm64)',
      ).helpGroup(GROUP),
    );
  }
  return list;
}

/** A secret from stdin: one trailing \n (and then \r) trimmed, as upstream does. */
async function readSecret(ctx: CommandContext): Promise<string> {
  let secret = await readStdin(ctx.host);
  if (secret.endsWith('\n')) secret = secret.slice(0, -1);
  if (secret.endsWith('\r')) secret = secret.slice(0, -1);
  return secret;
}

export interface RegistrySecrets {
  username?: string;
  password?: string;
  token?: string;
}

const secretsRead = new WeakMap<CommandContext, Promise<RegistrySecrets>>();
const credentialCaches = new WeakMap<CommandContext, CredentialCache>();

/**
 * The credentials the flags ask for (secrets only from stdin, never argv), read once per command:
 * every image a command opens (select-image's, a matrix's) uses the same secret.
 */
export function registrySecrets(ctx: CommandContext, flags: RegistryFlags): Promise<RegistrySecrets> {
  let pending = secretsRead.get(ctx);
  if (pending === undefined) {
    pending = readSecrets(ctx, flags);
    secretsRead.set(ctx, pending);
  }
  return pending;
}

/** The command's one credential cache: docker config files read, and helpers asked, once. */
export function credentialCache(ctx: CommandContext): CredentialCache {
  let cache = credentialCaches.get(ctx);
  if (cache === undefined) {
    cache = new CredentialCache();
    credentialCaches.set(ctx, cache);
  }
  return cache;
}

async function readSecrets(ctx: CommandContext, flags: RegistryFlags): Promise<RegistrySecrets> {
  if (flags.registryPasswordStdin === true && flags.registryTokenStdin === true) {
    throw new NfdError(
      'USAGE',
      'cannot use --registry-token-stdin and --registry-password-stdin at the same time',
    );
  }
  if (flags.registryPasswordStdin === true) {
    if (flags.registryUsername === undefined) {
      throw new NfdError('USAGE', '--registry-password-stdin needs --registry-username');
    }
    return { username: flags.registryUsername, password: await readSecret(ctx) };
  }
  if (flags.registryTokenStdin === true) return { token: await readSecret(ctx) };
  if (flags.registryUsername !== undefined) {
    throw new NfdError('USAGE', '--registry-username needs --registry-password-stdin', {
      hint: 'pipe the password: echo "$PASSWORD" | nfd … --registry-username USER --registry-password-stdin',
    });
  }
  return {};
}
