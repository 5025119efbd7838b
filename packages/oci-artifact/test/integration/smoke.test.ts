// The test infrastructure itself: each registry of the global setup answers as test-registry.md
// describes, talking raw HTTP (no library code involved).
import { describe, expect, it } from 'vitest';
import { skipUnless } from '../../../../test/support/skip.ts';
import { must, REGISTRY_NAMES, registryCase } from '../helpers/peers.ts';
import {
  getManifest,
  MANIFEST_ACCEPT,
  OCI_INDEX,
  pushPlatformIndex,
  pushTinyImage,
  registryRequest,
  TINY_MANIFEST_DIGEST,
  uniqueRepo,
} from '../helpers/registry-http.ts';

for (const name of REGISTRY_NAMES) {
  const c = registryCase(name);
  describe(`smoke: ${c.title}`, skipUnless(c.skip), () => {
    it('pushes the tiny image and resolves it with HEAD', async () => {
      const ep = must(c);
      const repo = uniqueRepo('smoke');
      const desc = await pushTinyImage(ep, repo);
      expect(desc.digest).toBe(TINY_MANIFEST_DIGEST);
      const head = await registryRequest(ep, `/v2/${repo}/manifests/v1`, {
        method: 'HEAD',
        headers: { accept: MANIFEST_ACCEPT },
      });
      await head.body.dump();
      expect(head.statusCode).toBe(200);
      expect(head.headers['docker-content-digest']).toBe(TINY_MANIFEST_DIGEST);
      expect(head.headers['content-length']).toBe('393');
    });

    it(`referrers endpoint answers ${c.endpoint?.referrersApi ? '200 (API)' : '404 (no API)'}`, async () => {
      const ep = must(c);
      const repo = uniqueRepo('smoke-ref');
      await pushTinyImage(ep, repo);
      const res = await registryRequest(ep, `/v2/${repo}/referrers/${TINY_MANIFEST_DIGEST}`);
      const body = await res.body.text();
      if (ep.referrersApi) {
        expect(res.statusCode).toBe(200);
        expect(JSON.parse(body)).toMatchObject({ mediaType: OCI_INDEX, manifests: [] });
      } else {
        expect(res.statusCode).toBe(404);
      }
    });

    it('pushes a two-platform index', async () => {
      const ep = must(c);
      const repo = uniqueRepo('smoke-index');
      const pushed = await pushPlatformIndex(ep, repo);
      const got = await getManifest(ep, repo, 'multi');
      expect(got?.digest).toBe(pushed.index.digest);
      expect(got?.mediaType).toBe(OCI_INDEX);
    });

    if (name !== 'auth') return;
    it('refuses requests without credentials (401 Basic)', async () => {
      const ep = must(c);
      const res = await registryRequest(ep, '/v2/', { anonymous: true });
      await res.body.dump();
      expect(res.statusCode).toBe(401);
      expect(String(res.headers['www-authenticate'])).toMatch(/^Basic realm=/);
      const wrong = await registryRequest({ ...ep, password: 'wrong' }, '/v2/');
      await wrong.body.dump();
      expect(wrong.statusCode).toBe(401);
    });
  });
}
