import { z } from 'zod';
import { describeInput } from './schema-fields.ts';
import { suggestField } from './suggest-field.ts';
import type { FieldPath } from './yaml-source.ts';

/** A problem before it is given a file position: `path` is shown, `key` (if set) is the field to point at. */
export interface Finding {
  severity: 'error' | 'warning';
  path: FieldPath;
  message: string;
  /** Point at this key of the mapping at `path` rather than at the mapping itself. */
  key?: string;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  // Our schemas have no fractional numbers: zod's `int` reports a non-number as expected "number".
  number: 'an integer',
  int: 'an integer',
  boolean: 'a boolean',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function valueAt(data: unknown, path: FieldPath): { found: boolean; value: unknown } {
  let value = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) {
      return { found: false, value: undefined };
    }
    value = (value as Record<string | number, unknown>)[segment];
  }
  return { found: true, value };
}

/** Steps through wrappers (optional, nullable, transforms, defaults) to the schema that holds the data. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The field names of the object schema at `path`, in declaration order. */
export function fieldsAt(schema: z.ZodType, path: FieldPath): string[] {
  let current = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) {
      const field = (current.shape as Record<string, z.ZodType>)[String(segment)];
      if (field === undefined) return [];
      current = unwrap(field);
    } else if (current instanceof z.ZodArray) {
      current = unwrap(current.element as z.ZodType);
    } else if (current instanceof z.ZodRecord) {
      current = unwrap(current.valueType as z.ZodType);
    } else {
      return [];
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unknownField(key: string, known: readonly string[]): string {
  const suggestion = suggestField(key, known);
  if (suggestion !== undefined)
    return `unknown field ${JSON.stringify(key)} (did you mean ${JSON.stringify(suggestion)}?)`;
  return `unknown field ${JSON.stringify(key)}; expected one of: ${known.join(', ')}`;
}

function wrongType(issue: z.core.$ZodIssueInvalidType, input: unknown, source: string | undefined): string {
  const expected = EXPECTED[issue.expected] ?? issue.expected;
  if (issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
    return `expected a string; quote it: ${JSON.stringify(source ?? String(input))}`;
  }
  const got = typeof input === 'string' || typeof input === 'number' ? `the ${typeof input} ` : '';
  return `expected ${expected}; got ${got}${describeInput(input)}`;
}

/**
 * Rewrites zod's issues as findings in our words: one per unknown key (with a suggestion), "missing
 * required field" at the parent, and the written scalar in "quote it" hints.
 */
export function findingsFromZodError(
  error: z.ZodError,
  schema: z.ZodType,
  data: unknown,
  scalarSource: (path: FieldPath) => string | undefined,
): Finding[] {
  const findings: Finding[] = [];
  // A required field reported missing because it was misspelled is said once, by the unknown-field
  // issue that suggests it ("did you mean …"), not twice.
  const misspelled = new Set<string>();
  const missing: { key: string; index: number }[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((segment) => typeof segment !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = fieldsAt(schema, path);
      for (const key of issue.keys) {
        const suggestion = suggestField(key, known);
        if (suggestion !== undefined) misspelled.add(missingKey(path, suggestion));
        findings.push({ severity: 'error', path, key, message: unknownField(key, known) });
      }
      continue;
    }
    const { found, value } = valueAt(data, path);
    const last = path.at(-1);
    if (!found && last !== undefined) {
      missing.push({ key: missingKey(path.slice(0, -1), String(last)), index: findings.length });
      findings.push({
        severity: 'error',
        path: path.slice(0, -1),
        message: `missing required field ${JSON.stringify(String(last))}`,
      });
    } else if (issue.code === 'invalid_type') {
      findings.push({ severity: 'error', path, message: wrongType(issue, value, scalarSource(path)) });
    } else {
      findings.push({ severity: 'error', path, message: issue.message });
    }
  }
  const redundant = new Set(missing.filter(({ key }) => misspelled.has(key)).map(({ index }) => index));
  return findings.filter((_, index) => !redundant.has(index));
}

function missingKey(path: FieldPath, field: string): string {
  return JSON.stringify([...path, field]);
}
