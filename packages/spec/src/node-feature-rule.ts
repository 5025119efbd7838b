import { z } from 'zod';
import type { NfdApiVersion } from './media-types.ts';
import { ApiVersionSchema, type ObjectMeta, ObjectMetaSchema, ObjectStatusSchema } from './object-meta.ts';
import { type Rule, RuleSchema } from './rule.ts';
import { exactly, optionalField } from './schema-fields.ts';

/** A NodeFeatureRule custom resource (matching.md §1.3). */
export interface NodeFeatureRule {
  apiVersion: NfdApiVersion;
  kind: 'NodeFeatureRule';
  metadata?: ObjectMeta;
  spec: { rules: Rule[] };
  status?: Record<string, unknown>;
}

export const NodeFeatureRuleSchema: z.ZodType<NodeFeatureRule> = z.object({
  apiVersion: ApiVersionSchema,
  kind: exactly('kind', 'NodeFeatureRule'),
  metadata: optionalField(ObjectMetaSchema),
  spec: z.strictObject({ rules: z.array(RuleSchema) }),
  status: ObjectStatusSchema,
});
