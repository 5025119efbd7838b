// Preloaded (`node --import`) into the processes the benchmarks measure: at exit, writes the
// process's own CPU time and peak RSS to the file $NFD_BENCH_USAGE names, so that a benchmark can
// report them without /usr/bin/time.
import { writeFileSync } from 'node:fs';

const file = process.env.NFD_BENCH_USAGE;
if (file !== undefined && file !== '') {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        maxRssMiB: usage.maxRSS / 1024,
      }),
    );
  });
}
