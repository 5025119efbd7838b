// Tar archives that are the same bytes for the same files (the release's krew archives and image
// layers): ustar headers, a PAX header for names over 100 bytes, entries sorted by path, one time
// for all, owners root unless an entry says otherwise.

export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'link';
  mode: number;
  data?: Buffer;
  target?: string;
  uid?: number;
}

/** A ustar/PAX tar of the entries, sorted by path, times `epoch`, owners root unless given. */
export function tar(entries: readonly TarEntry[], epoch = 0): Buffer {
  const blocks: Buffer[] = [];
  const header = (fields: {
    name: string;
    mode: number;
    uid: number;
    size: number;
    type: string;
    link?: string;
  }): Buffer => {
    const block = Buffer.alloc(512);
    const put = (text: string, at: number, length: number): void => {
      block.write(text, at, length, 'utf8');
    };
    const octal = (value: number, at: number, length: number): void =>
      put(`${value.toString(8).padStart(length - 1, '0')}\0`, at, length);
    put(fields.name, 0, 100);
    octal(fields.mode, 100, 8);
    octal(fields.uid, 108, 8);
    octal(fields.uid, 116, 8);
    octal(fields.size, 124, 12);
    octal(epoch, 136, 12);
    block.fill(0x20, 148, 156);
    put(fields.type, 156, 1);
    if (fields.link !== undefined) put(fields.link, 157, 100);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    const sum = block.reduce((total, byte) => total + byte, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    return block;
  };
  const pad = (size: number): Buffer => Buffer.alloc((512 - (size % 512)) % 512);
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const name = entry.type === 'dir' ? `${entry.path}/` : entry.path;
    const link = entry.target ?? '';
    // Names and link targets over ustar's 100 bytes go in a PAX extended header.
    if (Buffer.byteLength(name) > 100 || Buffer.byteLength(link) > 100) {
      const records = [`path=${name}`, ...(link === '' ? [] : [`linkpath=${link}`])].map((record) => {
        let length = Buffer.byteLength(record) + 3;
        while (`${length} ${record}\n`.length !== length) length = Buffer.byteLength(`${length} ${record}\n`);
        return `${length} ${record}\n`;
      });
      const body = Buffer.from(records.join(''));
      blocks.push(
        header({ name: 'PaxHeader', mode: 0o644, uid: 0, size: body.length, type: 'x' }),
        body,
        pad(body.length),
      );
    }
    const size = entry.type === 'file' ? (entry.data?.length ?? 0) : 0;
    blocks.push(
      header({
        name: name.slice(0, 100),
        mode: entry.mode,
        uid: entry.uid ?? 0,
        size,
        type: entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2',
        ...(entry.type === 'link' ? { link: link.slice(0, 100) } : {}),
      }),
    );
    if (size > 0) blocks.push(entry.data as Buffer, pad(size));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
