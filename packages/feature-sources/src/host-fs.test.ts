import { mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostFs, MAX_HOST_FILE_BYTES } from './host-fs.ts';

// Reads of a host tree are bounded (issue 15): only regular files, at most MAX_HOST_FILE_BYTES,
// and a missing file is undefined while anything else unreadable is a HostReadError naming it.
describe('host file reads', () => {
  const root = mkdtempSync(join(tmpdir(), 'nfd-hostfs-'));
  const at = (name: string): string => join(root, name);

  it('reads a regular file up to the limit and refuses one byte more', async () => {
    const fs = await createHostFs({ root });
    writeFileSync(at('limit'), '');
    truncateSync(at('limit'), MAX_HOST_FILE_BYTES);
    expect((await fs.readBytes(at('limit')))?.length).toBe(MAX_HOST_FILE_BYTES);
    writeFileSync(at('over'), '');
    truncateSync(at('over'), MAX_HOST_FILE_BYTES + 1);
    await expect(fs.readBytes(at('over'))).rejects.toThrow('cannot read /over: larger than 4 MiB');
  });

  it('refuses devices, directories and link loops; a missing file is undefined', async () => {
    const fs = await createHostFs({ root });
    symlinkSync('/dev/urandom', at('random'));
    await expect(fs.readBytes(at('random'))).rejects.toThrow(
      'cannot read /random: a character device, not a file',
    );
    await expect(fs.readText(root)).rejects.toThrow('a directory, not a file');
    symlinkSync('b', at('a'));
    symlinkSync('a', at('b'));
    await expect(fs.readBytes(at('a'))).rejects.toThrow('cannot read /a: a symbolic link loop');
    expect(await fs.readBytes(at('missing'))).toBeUndefined();
    writeFileSync(at('small'), 'x\n');
    expect(await fs.readText(at('small'))).toBe('x\n');
  });
});
