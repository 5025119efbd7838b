import { z } from 'zod';
import { SPEC_VERSIONS, type SpecVersion } from './media-types.ts';
import { type GroupRule, GroupRuleSchema } from './rule.ts';
import { documented, oneOf, optionalField } from './schema-fields.ts';

// Upstream: api/image-compatibility/v1alpha1/spec.go (the Go field is misspelled "Compatibilties").

/** A set of rules a node must satisfy, with its node-affinity weight and a tag for grouping. */
export interface CompatibilitySet {
  rules: GroupRule[];
  weight?: number;
  tag?: string;
  description?: string;
}

/** An image compatibility spec: what an image needs from the host it runs on (matching.md §11). */
export interface CompatibilitySpec {
  version: SpecVersion;
  compatibilities: CompatibilitySet[];
}

export const CompatibilitySetSchema: z.ZodType<CompatibilitySet> = documented(
  z.strictObject({
    rules: documented(z.array(GroupRuleSchema), {
      description:
        'Rules in the form of NodeFeatureGroup featureGroupRules; the set is compatible when every rule matches.',
    }),
    weight: documented(optionalField(z.int()), {
      description: 'The node affinity weight of this set.',
    }),
    tag: documented(optionalField(z.string()), {
      description: 'Groups or separates compatibility sets, e.g. "preferred" and "fallback".',
    }),
    description: documented(optionalField(z.string()), {
      description: 'A brief description of the compatibility set.',
    }),
  }),
  {
    id: 'CompatibilitySet',
    description: 'A compatibility set: rules plus optional weight, tag and description.',
  },
);

export const CompatibilitySpecSchema: z.ZodType<CompatibilitySpec> = documented(
  z.strictObject({
    version: documented(
      oneOf(SPEC_VERSIONS, (got, allowed) => `unsupported version ${got}; supported: ${allowed}`),
      { description: 'The version of the image compatibility API in use.' },
    ),
    compatibilities: documented(
      z.array(CompatibilitySetSchema).min(1, { error: 'expected at least one compatibility set' }),
      { description: 'The list of compatibility sets.' },
    ),
  }),
  {
    title: 'NFD image compatibility spec',
    description:
      'Describes what a container image needs from a host, as rules over the features that Node Feature ' +
      'Discovery finds. Attached to the image as an OCI artifact.',
  },
);
