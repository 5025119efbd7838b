import { describe, expect, it } from 'vitest';
import { NfdError } from './errors.ts';

describe('NfdError', () => {
  it('carries code, message, hint and cause', () => {
    const cause = new Error('ENOENT');
    const error = new NfdError('FILE_UNREADABLE', 'cannot read spec.yaml', { cause, hint: 'check the path' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('NfdError');
    expect(error.code).toBe('FILE_UNREADABLE');
    expect(error.message).toBe('cannot read spec.yaml');
    expect(error.hint).toBe('check the path');
    expect(error.cause).toBe(cause);
  });

  it('has no hint and no cause by default', () => {
    const error = new NfdError('USAGE', 'missing --spec');
    expect(error.hint).toBeUndefined();
    expect(error.cause).toBeUndefined();
    expect(String(error)).toBe('NfdError: missing --spec');
  });
});
