import type { HostFs } from './host-fs.ts';
import type { Arch } from './source.ts';

/** Go's GOARCH for Node's process.arch values. */
export function archFromNode(nodeArch: string): Arch {
  switch (nodeArch) {
    case 'x64':
      return 'amd64';
    case 'arm64':
      return 'arm64';
    case 'arm':
      return 'arm';
    case 'ppc64':
      return 'ppc64le';
    case 's390x':
      return 's390x';
    case 'riscv64':
      return 'riscv64';
    default:
      return 'other';
  }
}

const ELF_MACHINES: Readonly<Record<number, Arch>> = {
  62: 'amd64',
  183: 'arm64',
  40: 'arm',
  21: 'ppc64le',
  22: 's390x',
  243: 'riscv64',
};

/**
 * The architecture of a host tree, for a host root that is not the running machine: from
 * /proc/cpuinfo's tell-tale lines, else from the tree's /proc/self/auxv AT_PLATFORM-free hints
 * (its size and HWCAP layout cannot say much), else undefined.
 */
export async function detectTreeArch(fs: HostFs): Promise<Arch | undefined> {
  // Unreadable (a FIFO, a device, a loop …): no hint from it; the cpu source says why.
  const cpuinfo = await fs.readText(fs.abs('/proc/cpuinfo')).catch(() => undefined);
  if (cpuinfo !== undefined) {
    if (
      /^vendor_id\s*:\s*(GenuineIntel|AuthenticAMD|HygonGenuine|CentaurHauls| {2}Shanghai {2})/m.test(cpuinfo)
    ) {
      return 'amd64';
    }
    if (/^flags\s*:.*\b(sse2|lm)\b/m.test(cpuinfo)) return 'amd64';
    if (/^CPU implementer\s*:/m.test(cpuinfo) || /^Features\s*:.*\b(fp|asimd)\b/m.test(cpuinfo)) {
      return /^CPU architecture\s*:\s*8/m.test(cpuinfo) || /\basimd\b/.test(cpuinfo) ? 'arm64' : 'arm';
    }
    if (/^cpu\s*:\s*POWER/m.test(cpuinfo)) return 'ppc64le';
    if (/^vendor_id\s*:\s*IBM\/S390/m.test(cpuinfo)) return 's390x';
    if (/^isa\s*:\s*rv64/m.test(cpuinfo)) return 'riscv64';
  }
  // An ELF binary of the tree's userland names its machine.
  for (const candidate of ['/bin/sh', '/usr/bin/env', '/lib/ld-linux-aarch64.so.1']) {
    const head = await fs.readBytes(fs.abs(candidate)).catch(() => undefined);
    if (head !== undefined && head.length > 20 && head.readUInt32BE(0) === 0x7f454c46) {
      const machine = ELF_MACHINES[head.readUInt16LE(18)];
      if (machine !== undefined) return machine;
    }
  }
  return undefined;
}
