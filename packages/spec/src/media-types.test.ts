import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OCI_EMPTY_CONFIG, OCI_EMPTY_MEDIA_TYPE } from './media-types.ts';

describe('OCI_EMPTY_CONFIG', () => {
  it('describes the two bytes `{}`', () => {
    const bytes = Buffer.from(OCI_EMPTY_CONFIG.data, 'base64');
    expect(bytes.toString('utf8')).toBe('{}');
    expect(OCI_EMPTY_CONFIG.size).toBe(bytes.length);
    expect(OCI_EMPTY_CONFIG.digest).toBe(`sha256:${createHash('sha256').update('{}').digest('hex')}`);
    expect(OCI_EMPTY_CONFIG.mediaType).toBe(OCI_EMPTY_MEDIA_TYPE);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(OCI_EMPTY_CONFIG)).toBe(true);
  });
});
