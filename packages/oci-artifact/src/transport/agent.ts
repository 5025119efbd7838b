import { readFile } from 'node:fs/promises';
import * as tls from 'node:tls';
import { NfdError } from '@nfd/spec';
import type { Dispatcher } from 'undici';

export interface DispatcherOptions {
  insecure?: boolean;
  caFiles?: readonly string[];
  /** A client certificate and its key (PEM) for registries that require mutual TLS. */
  certFile?: string;
  keyFile?: string;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
}

function systemCertificates(): string[] {
  const certificates: string[] = [];
  // Node's default store (bundled Mozilla roots plus NODE_EXTRA_CA_CERTS) and the OS store.
  if (typeof tls.getCACertificates === 'function') {
    certificates.push(...tls.getCACertificates('default'));
    try {
      certificates.push(...tls.getCACertificates('system'));
    } catch {
      // Best effort: without a readable OS store, Node's own roots and --ca-file still apply.
    }
  } else {
    certificates.push(...tls.rootCertificates);
  }
  return certificates;
}

async function readPem(file: string, flag: string, marker: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new NfdError('FILE_UNREADABLE', `cannot read ${flag} ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: `pass a readable PEM file to ${flag}`,
    });
  }
  if (!text.includes(marker)) {
    throw new NfdError('FILE_UNREADABLE', `${flag} ${file} is not a PEM file`, {
      hint: `expected "${marker}…"`,
    });
  }
  return text;
}

/** Reads the trust material and builds an undici dispatcher (an `EnvHttpProxyAgent` when a proxy is configured). */
export async function createDispatcher(options: DispatcherOptions): Promise<Dispatcher> {
  // undici (1.2 MB) is loaded on the first request, not when a command that never makes one starts.
  const { Agent, EnvHttpProxyAgent } = await import('undici');
  const tlsOptions: { ca?: string[]; rejectUnauthorized?: boolean; cert?: string; key?: string } = {};
  if ((options.certFile === undefined) !== (options.keyFile === undefined)) {
    throw new NfdError('USAGE', 'a client certificate needs both --cert-file and --key-file');
  }
  if (options.certFile !== undefined && options.keyFile !== undefined) {
    tlsOptions.cert = await readPem(options.certFile, '--cert-file', '-----BEGIN CERTIFICATE-----');
    tlsOptions.key = await readPem(options.keyFile, '--key-file', 'PRIVATE KEY-----');
  }
  if (options.insecure === true) {
    tlsOptions.rejectUnauthorized = false;
  } else {
    const extra: string[] = [];
    for (const file of options.caFiles ?? []) {
      try {
        extra.push(await readFile(file, 'utf8'));
      } catch (error) {
        throw new NfdError('FILE_UNREADABLE', `cannot read CA file ${file}: ${(error as Error).message}`, {
          cause: error,
          hint: 'pass a readable PEM file to --ca-file',
        });
      }
      if (!extra.at(-1)?.includes('-----BEGIN CERTIFICATE-----')) {
        throw new NfdError('FILE_UNREADABLE', `CA file ${file} contains no PEM certificate`, {
          hint: 'pass a PEM file ("-----BEGIN CERTIFICATE-----") to --ca-file',
        });
      }
    }
    tlsOptions.ca = [...new Set([...systemCertificates(), ...extra])];
  }

  const common = {
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { ...tlsOptions, timeout: options.timeoutMs },
  };
  const env = options.env;
  const httpProxy = env.HTTP_PROXY ?? env.http_proxy ?? '';
  const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy ?? '';
  if (httpProxy === '' && httpsProxy === '') return new Agent(common);
  // All three values are passed explicitly so undici never falls back to process.env.
  return new EnvHttpProxyAgent({
    ...common,
    httpProxy,
    httpsProxy,
    noProxy: env.NO_PROXY ?? env.no_proxy ?? '',
    requestTls: tlsOptions,
    connectTimeout: options.timeoutMs,
  });
}
