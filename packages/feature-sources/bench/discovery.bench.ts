import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { printRatios } from '../../../test/support/bench-ratios.ts';
import { runNode } from '../../../test/support/bench-spawn.ts';
import { archFromNode } from '../src/arch.ts';
import { discover } from '../src/sources.ts';

// Full discovery on this machine, all default sources (issue #4). "Cold process" is what a user
// or a Job pays: `nfd export features` in a fresh Node process, over the floor of Node's own start
// (`node -e 0`) measured in the same run; discovery inside a warm process is set against
// `JSON.parse` of the very bytes that command printed. `pnpm bench` builds the CLI first; every
// spawned process must exit 0, or the run fails.

const cli = fileURLToPath(new URL('../../../apps/cli/bin/nfd', import.meta.url));
const exportFeatures = [cli, 'export', 'features'];

test('full discovery of this machine', async ({ bench }) => {
  const printed = (await runNode(exportFeatures, { expect: [0] })).stdout;
  JSON.parse(printed);
  const names = {
    start: 'node -e 0 (process start only)',
    cold: 'nfd export features (cold process)',
    warm: 'discover() in a warm process',
    parse: `JSON.parse of its output (${(Buffer.byteLength(printed) / 1024).toFixed(0)} kB)`,
  } as const;
  const results = await bench.compare(
    bench(names.start, async () => {
      await runNode(['-e', '0'], { expect: [0] });
    }),
    bench(names.cold, async () => {
      const { stdout } = await runNode(exportFeatures, { expect: [0] });
      if (stdout.length === 0) throw new Error('nfd export features printed nothing');
    }),
    bench(names.warm, async () => {
      await discover({ root: '/', runningArch: archFromNode(process.arch) });
    }),
    bench(names.parse, () => {
      JSON.parse(printed);
    }),
    { iterations: 20, time: 3000 },
  );
  printRatios('full discovery of this machine', results, [
    [names.cold, names.start],
    [names.warm, names.parse],
    [names.warm, names.start],
  ]);
}, 300_000);
