// The repository is self-contained: fails (exit 1) when a tracked file names a path outside it:
// the notes folder that sits beside a clone on CI, an absolute path of a developer's machine (the
// workspace, root's or a user's home), or the home directory itself (the os module's lookup, the
// HOME variable) outside the one place the product takes it from its host (Markdown may show
// library users' own code using it). The patterns are assembled from parts below, so this file
// names none of them. Prints file:line: what, for each hit. Runs on any Node >= 18 (`.ci/run` runs
// it before installing anything; `pnpm lint` runs it too).
//
// Not checked: test/fixtures/hosts (host trees: their files are data read under a host root) and
// the lockfile. A line may opt out with the comment `path-check: allow (reason)`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SKIP = [/^test\/fixtures\/hosts\//, /^pnpm-lock\.yaml$/];
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|json|ya?ml|sh|md)$|^\.ci\/run$|(^|\/)bin\/[^/.]+$/;
// Where the product gets the home directory from the operating system, and the scripts that
// document their use of it.
const HOME_ALLOWED = new Set(['packages/commands/src/process-host.ts']);

// Each pattern is assembled from its parts, so the guard itself holds none of the paths it refuses.
const slash = '\\/';
const notes = ['sha', 'red'].join('');
const CHECKS = [
  {
    what: 'the notes folder beside the repository',
    re: new RegExp(`\\.\\.${slash}${notes}\\b|\\b${notes}${slash}(fixtures|reference|seeds)\\b`),
  },
  {
    what: "an absolute path of the developers' machine",
    re: new RegExp(
      `(^|[^\\w.-])${slash}${'wo' + 'rk'}${slash}|(^|[\\s'"\`(=:])${slash}${'ro' + 'ot'}${slash}|(^|[\\s'"\`(=:])${slash}${'ho' + 'me'}${slash}[a-z_][\\w-]*${slash}`,
    ),
  },
  {
    what: 'the home directory',
    re: new RegExp(
      `\\b${'home' + 'dir'}\\(|process\\.env\\.${'HO' + 'ME'}\\b|\\benv\\.${'HO' + 'ME'}\\b|\\$\\{?${'HO' + 'ME'}\\b`,
    ),
    home: true,
  },
];

const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' })
  .split('\0')
  .filter((file) => file !== '' && TEXT.test(file) && !SKIP.some((re) => re.test(file)));

const hits = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the work tree
  }
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.includes('path-check: allow')) return;
    for (const check of CHECKS) {
      if (check.home && (HOME_ALLOWED.has(file) || file.endsWith('.md'))) continue;
      if (check.re.test(line))
        hits.push(`${file}:${index + 1}: names ${check.what}: ${line.trim().slice(0, 120)}`);
    }
  });
}
if (hits.length > 0) {
  process.stderr.write(
    `${hits.join('\n')}\ncheck-paths: ${hits.length} line(s) name a path outside the repository\n`,
  );
  process.exit(1);
}
process.stdout.write(`check-paths: ${files.length} tracked files name no path outside the repository\n`);
