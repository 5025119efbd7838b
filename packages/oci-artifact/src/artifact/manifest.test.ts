import {
  ARTIFACT_TYPE,
  NfdError,
  OCI_INDEX_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  SPEC_MEDIA_TYPE,
} from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { digestOf } from '../digest.ts';
import { buildFallbackIndex } from '../registry/fallback-index.ts';
import {
  GOLDEN_INDEX,
  GOLDEN_INDEX_DIGEST,
  GOLDEN_MANIFEST,
  GOLDEN_MANIFEST_DIGEST,
  GOLDEN_SPEC,
  GOLDEN_SPEC_DIGEST,
  IMAGE_DIGEST,
  IMAGE_MANIFEST,
} from './golden.testutil.ts';
import {
  buildSpecManifest,
  createdTime,
  formatCreated,
  parseRfc3339,
  validateSpecArtifact,
} from './manifest.ts';

const decoder = new TextDecoder();
const subject = { mediaType: OCI_MANIFEST_MEDIA_TYPE, digest: IMAGE_DIGEST, size: 393 };

describe('golden example (oci.md §7)', () => {
  it('has the 693-byte seed spec and the 393-byte subject', () => {
    expect(GOLDEN_SPEC.byteLength).toBe(693);
    expect(digestOf(GOLDEN_SPEC)).toBe(GOLDEN_SPEC_DIGEST);
    expect(IMAGE_MANIFEST.byteLength).toBe(393);
    expect(digestOf(IMAGE_MANIFEST)).toBe(IMAGE_DIGEST);
  });

  it('reproduces the artifact manifest and fallback index byte for byte', () => {
    const built = buildSpecManifest({
      specBytes: GOLDEN_SPEC,
      subject,
      created: new Date('2025-06-25T00:00:00Z'),
      title: 'spec.yaml',
    });
    expect(decoder.decode(built.bytes)).toBe(GOLDEN_MANIFEST);
    expect(built.bytes.byteLength).toBe(785);
    expect(built.descriptor.digest).toBe(GOLDEN_MANIFEST_DIGEST);
    const index = buildFallbackIndex([built.descriptor]);
    expect(decoder.decode(index.bytes)).toBe(GOLDEN_INDEX);
    expect(index.bytes.byteLength).toBe(380);
    expect(index.descriptor.digest).toBe(GOLDEN_INDEX_DIGEST);
  });

  it('keeps a string created time as given and sorts extra annotations like Go', () => {
    const built = buildSpecManifest({
      specBytes: GOLDEN_SPEC,
      subject,
      created: '2025-06-25T00:00:00Z',
      annotations: { 'z.b': '<&>', 'a.a': 'x', '10': 'n', '9': 'n' },
    });
    const text = decoder.decode(built.bytes);
    expect(text).toContain(
      '"annotations":{"10":"n","9":"n","a.a":"x","org.opencontainers.image.created":"2025-06-25T00:00:00Z","z.b":"\\u003c\\u0026\\u003e"}',
    );
    expect(text).not.toContain('org.opencontainers.image.title');
  });

  it('rejects a created time that is not RFC 3339', () => {
    expect(() => buildSpecManifest({ specBytes: GOLDEN_SPEC, subject, created: 'yesterday' })).toThrow(
      /RFC 3339/,
    );
  });
});

describe('created times', () => {
  it('parses RFC 3339 and formats UTC seconds', () => {
    expect(parseRfc3339('2025-06-25T00:00:00Z')).toBe(Date.UTC(2025, 5, 25));
    expect(parseRfc3339('2025-06-25T02:00:00.123456+02:00')).toBe(Date.UTC(2025, 5, 25) + 123);
    expect(parseRfc3339('2025-06-25')).toBeUndefined();
    expect(parseRfc3339('2025-13-25T00:00:00Z')).toBeUndefined();
    expect(formatCreated(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)))).toBe('2024-01-02T03:04:05Z');
  });

  it('falls back to the misspelt key', () => {
    expect(createdTime({ 'oci.opencontainers.image.created': '2025-01-01T00:00:00Z' })).toBe(
      Date.UTC(2025, 0, 1),
    );
    expect(createdTime({})).toBeUndefined();
  });
});

describe('validateSpecArtifact', () => {
  const built = buildSpecManifest({ specBytes: GOLDEN_SPEC, subject, created: '2025-06-25T00:00:00Z' });
  const desc = {
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    digest: built.descriptor.digest,
    size: built.descriptor.size,
  };
  const variant = (patch: (m: Record<string, unknown>) => void): Uint8Array => {
    const m = JSON.parse(decoder.decode(built.bytes)) as Record<string, unknown>;
    patch(m);
    return new TextEncoder().encode(JSON.stringify(m));
  };

  it('accepts the built manifest, with or without config data', () => {
    expect(validateSpecArtifact(built.bytes, desc, IMAGE_DIGEST).specLayer.digest).toBe(GOLDEN_SPEC_DIGEST);
    const noData = variant((m) => {
      delete (m.config as Record<string, unknown>).data;
    });
    expect(validateSpecArtifact(noData, desc, IMAGE_DIGEST).manifest.artifactType).toBe(ARTIFACT_TYPE);
  });

  it('accepts an old-style manifest whose config type is the artifact type', () => {
    const old = variant((m) => {
      delete m.artifactType;
      m.config = { mediaType: ARTIFACT_TYPE, digest: digestOf(new Uint8Array()), size: 0 };
    });
    expect(() => validateSpecArtifact(old, desc, IMAGE_DIGEST)).not.toThrow();
  });

  it('rejects wrong types, configs, layers and subjects', () => {
    const cases: [Uint8Array, RegExp][] = [
      [
        variant((m) => {
          m.artifactType = 'application/x-other';
        }),
        /artifact type/,
      ],
      [
        variant((m) => {
          m.config = {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: digestOf(new Uint8Array()),
            size: 0,
          };
        }),
        /empty config/,
      ],
      [
        variant((m) => {
          m.layers = [];
        }),
        /no layers/,
      ],
      [
        variant((m) => {
          m.layers = [{ mediaType: 'text/plain', digest: GOLDEN_SPEC_DIGEST, size: 693 }];
        }),
        /no layer of type/,
      ],
      [
        variant((m) => {
          m.mediaType = OCI_INDEX_MEDIA_TYPE;
        }),
        /mediaType/,
      ],
      [
        variant((m) => {
          delete m.subject;
        }),
        /attached to nothing/,
      ],
    ];
    for (const [bytes, re] of cases) {
      expect(() => validateSpecArtifact(bytes, desc, IMAGE_DIGEST)).toThrow(re);
    }
    expect(() => validateSpecArtifact(built.bytes, desc, `sha256:${'0'.repeat(64)}`)).toThrow(NfdError);
  });

  it('uses the first spec layer and warns about extras', () => {
    const extra = variant((m) => {
      m.layers = [
        { mediaType: 'text/plain', digest: GOLDEN_SPEC_DIGEST, size: 693 },
        ...(m.layers as unknown[]),
      ];
    });
    const warnings: string[] = [];
    const { specLayer } = validateSpecArtifact(extra, desc, IMAGE_DIGEST, (w) => warnings.push(w));
    expect(specLayer.mediaType).toBe(SPEC_MEDIA_TYPE);
    expect(warnings).toHaveLength(1);
  });
});
