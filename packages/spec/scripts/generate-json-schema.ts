// Writes schema/image-compatibility-spec.v1alpha1.schema.json from the zod schema.
// Run with `node scripts/generate-json-schema.ts` (Node >= 22.18 strips the types); a test fails when
// the committed file and the schema drift apart.
import { writeFile } from 'node:fs/promises';
import { renderCompatibilitySpecJsonSchema } from '../src/json-schema.ts';

const target = new URL('../schema/image-compatibility-spec.v1alpha1.schema.json', import.meta.url);
await writeFile(target, renderCompatibilitySpecJsonSchema());
