import { expect, it } from 'vitest';
import { readmeWithReference } from '../scripts/readme-reference.ts';

it('the README command reference is the help of the command tree (run `pnpm docs` to update)', async () => {
  const { current, updated } = await readmeWithReference();
  expect(current).toBe(updated);
});
