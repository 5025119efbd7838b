import { z } from 'zod';
import { CompatibilitySpecSchema } from './compatibility-spec.ts';
import { schemaDocs } from './schema-fields.ts';

/** Where the published JSON Schema lives; also its `$id`. */
export const COMPATIBILITY_SPEC_SCHEMA_ID =
  'https://unpkg.com/@nfd/spec/schema/image-compatibility-spec.v1alpha1.schema.json';

/**
 * The JSON Schema (draft 2020-12) of what a user may write in a spec file: the input side of
 * `CompatibilitySpecSchema`, so omitted or null optional fields are allowed and nothing is defaulted.
 */
export function createCompatibilitySpecJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(CompatibilitySpecSchema, {
    target: 'draft-2020-12',
    io: 'input',
    metadata: schemaDocs,
    unrepresentable: 'throw',
  });
  const { $schema, title, description, ...rest } = schema;
  return { $schema, $id: COMPATIBILITY_SPEC_SCHEMA_ID, title, description, ...rest };
}

/** The committed schema file's exact text: two-space JSON and a final newline. */
export function renderCompatibilitySpecJsonSchema(): string {
  return `${JSON.stringify(createCompatibilitySpecJsonSchema(), null, 2)}\n`;
}
