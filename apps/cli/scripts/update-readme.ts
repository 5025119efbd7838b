import { writeFileSync } from 'node:fs';
import { README, readmeWithReference } from './readme-reference.ts';

const { current, updated } = await readmeWithReference();
if (current !== updated) writeFileSync(README, updated);
process.stderr.write(current === updated ? 'README.md is up to date\n' : 'README.md updated\n');
