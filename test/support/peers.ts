// Where the tests find the external programs they run against (docker-registry, olareg, oras,
// htpasswd, openssl, kubectl): scripts/test-peers.sh installs them into the repository's
// .test-peers/bin (git-ignored), or into $NFD_TEST_PEERS/bin when that is set; anything else is
// looked up on PATH. Nothing is read from the home directory.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPOSITORY: string = fileURLToPath(new URL('../../', import.meta.url));

/** The bin directory of the installed peers. */
export function peersBinDir(): string {
  const override = process.env.NFD_TEST_PEERS;
  return join(override !== undefined && override !== '' ? override : join(REPOSITORY, '.test-peers'), 'bin');
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of a peer program: the peers directory first, then PATH; null when it is nowhere. */
export function findPeer(name: string): string | null {
  const dirs = [peersBinDir(), ...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '')];
  return dirs.map((dir) => join(dir, name)).find(executable) ?? null;
}

/** The skip reason of a missing peer, or false when it is there. */
export function missingPeer(name: string, how = 'run `sh scripts/test-peers.sh`'): string | false {
  return findPeer(name) === null
    ? `${name} is not installed (not in ${peersBinDir()} nor on PATH; ${how})`
    : false;
}
