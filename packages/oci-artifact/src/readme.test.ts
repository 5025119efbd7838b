import { expect, it } from 'vitest';
import { undocumentedExports } from '../../../test/support/readme-exports.ts';
import * as api from './index.ts';

it('its README documents every name it exports', () => {
  expect(undocumentedExports(new URL('../README.md', import.meta.url), api)).toEqual([]);
});
