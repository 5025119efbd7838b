import { expect, it } from 'vitest';
import { isSupportedNode, SUPPORTED_NODE } from './launcher.ts';

it(`runs on the Nodes engines.node names (${SUPPORTED_NODE}), and relaunches on any other`, () => {
  const cases: [string, boolean][] = [
    ['20.20.0', false],
    ['22.12.0', false],
    ['22.18.9', false],
    ['22.19.0', true],
    ['22.23.3', true],
    ['23.11.1', false],
    ['24.0.0', true],
    ['24.21.0', true],
    ['26.1.0', true],
  ];
  for (const [version, supported] of cases) expect(isSupportedNode(version), version).toBe(supported);
});
