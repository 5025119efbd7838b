// Writes krew/nfd.yaml for this app's version:
//   node scripts/write-krew-manifest.ts [--base-url URL] [--homepage URL] [--sha256 HEX | --sha256 os/arch=HEX ...]
// One --sha256 HEX: one platform-independent archive; os/arch=HEX (all four): per-platform archives.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type KrewManifestOptions,
  krewManifest,
  MANIFEST_PATH,
  PLATFORMS,
  type Platform,
  packageVersion,
  renderKrewManifest,
} from './krew-manifest.ts';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    homepage: { type: 'string' },
    sha256: { type: 'string', multiple: true },
  },
});
const options: KrewManifestOptions = { version: packageVersion() };
if (values['base-url'] !== undefined) options.baseUrl = values['base-url'];
if (values.homepage !== undefined) options.homepage = values.homepage;
const digests = values.sha256 ?? [];
if (digests.length === 1 && !(digests[0] ?? '').includes('=')) {
  options.sha256 = digests[0];
} else if (digests.length > 0) {
  const perPlatform: Partial<Record<Platform, string>> = {};
  for (const entry of digests) {
    const [platform = '', hex = ''] = entry.split('=');
    if (!(PLATFORMS as readonly string[]).includes(platform)) {
      throw new Error(`--sha256 ${entry}: expected one of ${PLATFORMS.join(', ')}=HEX`);
    }
    perPlatform[platform as Platform] = hex;
  }
  options.sha256 = perPlatform;
}
writeFileSync(MANIFEST_PATH, renderKrewManifest(krewManifest(options)));
process.stderr.write(`wrote ${MANIFEST_PATH.pathname}\n`);
