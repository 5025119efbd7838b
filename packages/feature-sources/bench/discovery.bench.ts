import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { archFromNode } from '../src/arch.ts';
import { discover } from '../src/sources.ts';

// Full discovery on this machine, all default sources (issue #4). "Cold process" is what a user
// or a Job pays: `nfd export features` in a fresh Node process; compared with Node's own start and
// with discovery inside a warm process. Run `pnpm build` first (the cold case spawns the bin).

const cli = fileURLToPath(new URL('../../../apps/cli/bin/nfd', import.meta.url));

test('full discovery of this machine', async ({ bench }) => {
  if (!existsSync(cli)) throw new Error(`build the CLI first (pnpm build): ${cli} is missing`);
  await bench.compare(
    bench('node -e 0 (process start only)', () => {
      execFileSync(process.execPath, ['-e', '0']);
    }),
    bench('nfd export features (cold process)', () => {
      execFileSync(process.execPath, [cli, 'export', 'features'], { stdio: ['ignore', 'ignore', 'ignore'] });
    }),
    bench('discover() in a warm process', async () => {
      await discover({ root: '/', runningArch: archFromNode(process.arch) });
    }),
    { iterations: 20, time: 3000 },
  );
}, 300_000);
