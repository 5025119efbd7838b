import { describe, expect, it } from 'vitest';
import { decodeGo } from './go-decode.ts';
import { type GoNode, parseGoYaml } from './go-yaml.ts';
import { stringifyForGo } from './go-yaml-write.ts';

// Every string we write must come back as the same string through sigs.k8s.io/yaml (go-yaml v2).
const tricky = [
  'y',
  'n',
  'on',
  'Off',
  'yes',
  'true',
  'NULL',
  '~',
  '',
  '0755',
  '0x1F',
  '1_000',
  '09',
  '1.10',
  '1e10',
  '.inf',
  '.nan',
  '1:20',
  '2024-01-02',
  '+5',
  '-0',
  '<<',
  'plain',
  '5.15.0-1056-azure',
  'a: b',
  '- x',
  '#c',
];

function readBack(yaml: string): Record<string, string> {
  const parsed = parseGoYaml(yaml);
  if (!parsed.ok) throw new Error(parsed.errors.map((error) => error.message).join('; '));
  return decodeGo(parsed.documents[0]?.root as GoNode, {
    kind: 'map',
    name: 'map[string]string',
    elem: { kind: 'string', name: 'string' },
  }) as Record<string, string>;
}

describe('stringifyForGo', () => {
  it.each(tricky)('a value %j reads back unchanged through go-yaml', (value) => {
    expect(readBack(stringifyForGo({ k: value }))).toEqual({ k: value });
  });

  it.each(tricky)('a key %j reads back unchanged through go-yaml', (key) => {
    expect(Object.keys(readBack(stringifyForGo({ [key]: 'v' })))).toEqual([key]);
  });

  it('leaves ordinary strings bare', () => {
    expect(stringifyForGo({ vendor: 'GenuineIntel', full: '5.15.0-1056-azure' })).toBe(
      'vendor: GenuineIntel\nfull: 5.15.0-1056-azure\n',
    );
  });
});
