import { z } from 'zod';

/** Metadata that JSON Schema generation reads: `id` turns a schema into a `$defs` entry. */
export interface SchemaDoc {
  id?: string;
  title?: string;
  description?: string;
}

/**
 * Descriptions for the generated JSON Schema, kept in a registry of our own rather than zod's global
 * one so that loading this package never changes (or collides with) a caller's registry.
 */
export const schemaDocs: z.core.$ZodRegistry<SchemaDoc> = z.registry<SchemaDoc>();

/** Attaches `description` (and `id`) for the JSON Schema and returns the schema unchanged. */
export function documented<S extends z.ZodType>(schema: S, doc: SchemaDoc): S {
  schemaDocs.add(schema, doc);
  return schema;
}

/**
 * An optional field where an explicit `null` means "absent" (upstream decodes through JSON, where
 * null leaves a Go field at its zero value; matching.md §1). The output never holds null.
 */
export function optionalField<T>(schema: z.ZodType<T>): z.ZodType<T | undefined> {
  return schema
    .nullish()
    .transform((value) => value ?? undefined)
    .optional();
}

/** A string enum whose error names the allowed values (the empty string is left out of the list). */
export function oneOf<const V extends readonly [string, ...string[]]>(
  values: V,
  describe: (got: string, allowed: string) => string = (got, allowed) =>
    `expected one of ${allowed}; got ${got}`,
): z.ZodEnum<{ [K in V[number]]: K }> {
  const allowed = values.filter((value) => value !== '').join(', ');
  return z.enum(values, {
    error: (issue) => (issue.input === undefined ? undefined : describe(describeInput(issue.input), allowed)),
  });
}

/** A string that must equal `expected`, e.g. `kind: NodeFeatureRule`. */
export function exactly<const V extends string>(field: string, expected: V): z.ZodLiteral<V> {
  return z.literal(expected, {
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `expected ${field} ${JSON.stringify(expected)}; got ${describeInput(issue.input)}`,
  });
}

/** How an offending value is shown in a message: strings quoted, structures by kind. */
export function describeInput(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input);
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (input === undefined) return 'nothing';
  return String(input);
}
