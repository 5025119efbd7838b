import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COMPATIBILITY_SPEC_SCHEMA_ID,
  createCompatibilitySpecJsonSchema,
  renderCompatibilitySpecJsonSchema,
} from './json-schema.ts';
import { MATCH_OPS } from './match-ops.ts';

const packageRoot = join(import.meta.dirname, '..');
type JsonSchema = Record<string, unknown>;

/**
 * Checks `value` against the parts of JSON Schema our generated file uses (type, enum, required,
 * properties, additionalProperties, items, minItems, anyOf, $ref): enough to prove the seeds fit it.
 */
function violations(schema: JsonSchema, value: unknown, root: JsonSchema, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    return violations((root.$defs as Record<string, JsonSchema>)[name] ?? {}, value, root, at);
  }
  if (Array.isArray(schema.anyOf)) {
    const fits = (schema.anyOf as JsonSchema[]).some(
      (option) => violations(option, value, root, at).length === 0,
    );
    return fits ? [] : [`${at}: matches no anyOf option`];
  }
  const types = [schema.type].flat().filter((type) => type !== undefined);
  const actual =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : Number.isInteger(value)
          ? 'integer'
          : typeof value;
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    return [`${at}: expected ${types.join('|')}, got ${actual}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${at}: not in enum`];
  const found: string[] = [];
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      found.push(`${at}: too few items`);
    value.forEach((item, index) => {
      found.push(
        ...violations((schema.items as JsonSchema | undefined) ?? {}, item, root, `${at}[${index}]`),
      );
    });
  } else if (typeof value === 'object' && value !== null) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(value, key)) found.push(`${at}: missing ${key}`);
    }
    for (const [key, item] of Object.entries(value)) {
      const property = properties[key] ?? schema.additionalProperties;
      if (property === false || property === undefined) {
        if (schema.additionalProperties === false) found.push(`${at}: unexpected ${key}`);
      } else if (property !== true) {
        found.push(...violations(property as JsonSchema, item, root, `${at}.${key}`));
      }
    }
  }
  return found;
}

describe('JSON Schema', () => {
  const schema = createCompatibilitySpecJsonSchema();
  const defs = schema.$defs as Record<string, JsonSchema>;

  it('matches the committed file byte for byte (run `pnpm generate:schema` after changing a schema)', async () => {
    const committed = await readFile(
      join(packageRoot, 'schema', 'image-compatibility-spec.v1alpha1.schema.json'),
      'utf8',
    );
    expect(renderCompatibilitySpecJsonSchema()).toBe(committed);
  });

  it('is draft 2020-12 with an $id, a title and required fields', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(COMPATIBILITY_SPEC_SCHEMA_ID);
    expect(schema.title).toBe('NFD image compatibility spec');
    expect(schema.required).toEqual(['version', 'compatibilities']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('is strict where the user writes objects, and lists the operators', () => {
    for (const name of [
      'CompatibilitySet',
      'GroupRule',
      'FeatureMatcherTerm',
      'MatchAnyElem',
      'MatchExpression',
    ]) {
      expect(defs[name]?.additionalProperties, name).toBe(false);
      expect(defs[name]?.description, name).toEqual(expect.any(String));
    }
    const op = (defs.MatchExpression?.properties as Record<string, JsonSchema> | undefined)?.op;
    expect(op?.anyOf).toContainEqual({ type: 'string', enum: ['', ...MATCH_OPS] });
    expect(defs.CompatibilitySet?.required).toEqual(['rules']);
    expect(defs.GroupRule?.required).toEqual(['name']);
  });

  it.each(['002-blog-spec.yaml', '003-docs-spec.yaml', '004-kep-spec.yaml'])(
    'accepts the seed %s',
    async (name) => {
      const seed: unknown = parse(
        await readFile(join(packageRoot, 'test', 'fixtures', 'seeds', name), 'utf8'),
      );
      expect(violations(schema, seed, schema)).toEqual([]);
    },
  );

  it('rejects what the loader rejects', () => {
    const bad = {
      version: 'v2',
      compatibilities: [
        { rules: [{ name: 'r', matchFeatures: [{ feature: 'a.b', matchExpresions: {} }] }], weight: 1.5 },
      ],
    };
    expect(violations(schema, bad, schema)).toEqual([
      '$.version: not in enum',
      '$.compatibilities[0].rules[0].matchFeatures: matches no anyOf option',
      '$.compatibilities[0].weight: matches no anyOf option',
    ]);
    expect(violations(schema, { version: 'v1alpha1', compatibilities: [] }, schema)).toEqual([
      '$.compatibilities: too few items',
    ]);
  });
});
