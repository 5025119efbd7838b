import { z } from 'zod';
import { NFD_API_VERSIONS, type NfdApiVersion } from './media-types.ts';
import { oneOf, optionalField } from './schema-fields.ts';

/** Kubernetes object metadata; fields the cluster adds (managedFields, uid, …) are kept as they are. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export const ObjectMetaSchema: z.ZodType<ObjectMeta> = z.looseObject({
  name: optionalField(z.string()),
  namespace: optionalField(z.string()),
  labels: optionalField(z.record(z.string(), z.string())),
  annotations: optionalField(z.record(z.string(), z.string())),
});

/** Fields the cluster writes and we never read. */
export const ObjectStatusSchema: z.ZodType<Record<string, unknown> | undefined> = optionalField(
  z.record(z.string(), z.unknown()),
);

export const ApiVersionSchema: z.ZodType<NfdApiVersion> = oneOf(
  NFD_API_VERSIONS,
  (got) => `expected apiVersion ${NFD_API_VERSIONS.map((v) => JSON.stringify(v)).join(' or ')}; got ${got}`,
);
