import { z } from 'zod';
import type { NfdApiVersion } from './media-types.ts';
import { ApiVersionSchema, type ObjectMeta, ObjectMetaSchema, ObjectStatusSchema } from './object-meta.ts';
import { exactly, optionalField } from './schema-fields.ts';

// Upstream types: pkg/apis/nfd/v1alpha1/types.go (NodeFeature, Features, *FeatureSet).

/** A flag element: only its name matters; upstream writes `{}` and also accepts `null`. */
export type FlagElement = Record<string, never> | null;

/** `elements` undefined (absent or null) is an absent map, `{}` an empty one: they match differently (§1.1). */
export interface FlagFeatureSet {
  elements?: Record<string, FlagElement>;
}

export interface AttributeFeatureSet {
  elements?: Record<string, string>;
}

export interface InstanceFeature {
  attributes?: Record<string, string>;
}

export interface InstanceFeatureSet {
  elements?: InstanceFeature[];
}

/** The features of one node, by type; a feature name may appear under several types. */
export interface Features {
  flags: Record<string, FlagFeatureSet>;
  attributes: Record<string, AttributeFeatureSet>;
  instances: Record<string, InstanceFeatureSet>;
}

/** A NodeFeature custom resource: what nfd-worker discovered on a node (matching.md §1.1). */
export interface NodeFeature {
  apiVersion: NfdApiVersion;
  kind: 'NodeFeature';
  metadata?: ObjectMeta;
  spec: { features: Features; labels: Record<string, string> };
  status?: Record<string, unknown>;
}

const stringMap = z.record(z.string(), z.string());

/** A map that may be absent or null, read as empty (for feature maps, absent and empty mean the same). */
function mapOrEmpty<T>(value: z.ZodType<T>): z.ZodType<Record<string, T>> {
  return z
    .record(z.string(), value)
    .nullish()
    .transform((map) => map ?? {});
}

export const FeaturesSchema: z.ZodType<Features> = z.object({
  flags: mapOrEmpty(z.object({ elements: optionalField(z.record(z.string(), z.object({}).nullable())) })),
  attributes: mapOrEmpty(z.object({ elements: optionalField(stringMap) })),
  instances: mapOrEmpty(
    z.object({ elements: optionalField(z.array(z.object({ attributes: optionalField(stringMap) }))) }),
  ),
});

export const NodeFeatureSchema: z.ZodType<NodeFeature> = z.object({
  apiVersion: ApiVersionSchema,
  kind: exactly('kind', 'NodeFeature'),
  metadata: optionalField(ObjectMetaSchema),
  spec: z.object({
    features: FeaturesSchema.nullish().transform(
      (features): Features => features ?? { flags: {}, attributes: {}, instances: {} },
    ),
    labels: mapOrEmpty(z.string()),
  }),
  status: ObjectStatusSchema,
});
