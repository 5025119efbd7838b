import { expect, it } from 'vitest';
import { goJsonEscape } from './go-json.ts';

it('escapes what Go escapes in JSON strings, nothing else', () => {
  expect(goJsonEscape(JSON.stringify({ a: '<b> & \u2028\u2029', c: 'plain' }))).toBe(
    '{"a":"\\u003cb\\u003e \\u0026 \\u2028\\u2029","c":"plain"}',
  );
});
