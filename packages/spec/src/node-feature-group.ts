import { z } from 'zod';
import type { NfdApiVersion } from './media-types.ts';
import { ApiVersionSchema, type ObjectMeta, ObjectMetaSchema } from './object-meta.ts';
import { type GroupRule, GroupRuleSchema } from './rule.ts';
import { exactly, optionalField } from './schema-fields.ts';

/** A NodeFeatureGroup custom resource (matching.md §1.4); `status.nodes` lists the matching nodes. */
export interface NodeFeatureGroup {
  apiVersion: NfdApiVersion;
  kind: 'NodeFeatureGroup';
  metadata?: ObjectMeta;
  spec: { featureGroupRules: GroupRule[] };
  status?: { nodes?: { name: string; [field: string]: unknown }[]; [field: string]: unknown };
}

export const NodeFeatureGroupSchema: z.ZodType<NodeFeatureGroup> = z.object({
  apiVersion: ApiVersionSchema,
  kind: exactly('kind', 'NodeFeatureGroup'),
  metadata: optionalField(ObjectMetaSchema),
  spec: z.strictObject({ featureGroupRules: z.array(GroupRuleSchema) }),
  status: optionalField(
    z.looseObject({ nodes: optionalField(z.array(z.looseObject({ name: z.string() }))) }),
  ),
});
