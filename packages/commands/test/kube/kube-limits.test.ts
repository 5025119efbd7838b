import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedKubeConfig } from '../../src/kube/config.ts';
import { createRequester } from '../../src/kube/request.ts';
import type { KubeTransport } from '../../src/kube/transport.ts';

// Every API answer is bounded (issue 15): a server that never stops sending fails the request at
// the size limit instead of filling the memory.

let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const more = (): void => {
      while (res.write(chunk)) {
        // keep the socket full
      }
      res.once('drain', more);
    };
    res.write('{"items":[');
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('the size of an API answer', () => {
  it('an endless answer fails at the limit, naming the server and the request', async () => {
    const loaded = { source: 'test', context: 'x', server: url, namespace: 'default', cluster: {}, user: {} };
    const agent = new Agent({ keepAlive: false });
    const transport: KubeTransport = {
      prepare: async () => ({ agent, headers: {} }),
      invalidate: () => false,
    };
    const requester = createRequester(loaded as unknown as LoadedKubeConfig, transport, {
      userAgent: 'test',
      timeoutMs: 10_000,
      maxResponseBytes: 4 * 1024 * 1024,
    });
    const started = Date.now();
    await expect(
      requester.request({
        method: 'GET',
        path: '/api/v1/nodes',
        raw: true,
        target: { verb: 'list', resource: 'nodes' },
      }),
    ).rejects.toThrow(`the API server at ${url} sent more than 4 MiB for list nodes`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
