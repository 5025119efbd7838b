// Values from the upstream image compatibility artifact format (matching.md §11) and the OCI image spec.

/** `artifactType` of the OCI artifact that carries an image compatibility spec. */
export const ARTIFACT_TYPE = 'application/vnd.nfd.image-compatibility.v1alpha1';
/** Media type of the artifact's first layer: the spec itself, as YAML. */
export const SPEC_MEDIA_TYPE = 'application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml';
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';

/** An OCI content descriptor with the blob inlined as base64 `data`. */
export interface InlineDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly data: string;
}

/** The OCI "empty" config `{}` (image-spec manifest.md, "Guidance for an Empty Descriptor"). */
export const OCI_EMPTY_CONFIG: InlineDescriptor = Object.freeze({
  mediaType: OCI_EMPTY_MEDIA_TYPE,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
});

/** Annotation the client reads to pick the newest spec artifact (upstream docs wrongly say `oci.…`). */
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';
export const SPEC_VERSIONS: readonly ['v1alpha1'] = ['v1alpha1'] as const;
export type SpecVersion = (typeof SPEC_VERSIONS)[number];
export const NFD_API_VERSION = 'nfd.k8s-sigs.io/v1alpha1';
/** The same API as OpenShift's NFD operator serves it; upstream reads both alike. */
export const NFD_OPENSHIFT_API_VERSION = 'nfd.openshift.io/v1alpha1';
/** The apiVersions of NFD objects that nfd-ts accepts. */
export const NFD_API_VERSIONS: readonly [typeof NFD_API_VERSION, typeof NFD_OPENSHIFT_API_VERSION] = [
  NFD_API_VERSION,
  NFD_OPENSHIFT_API_VERSION,
];
export type NfdApiVersion = (typeof NFD_API_VERSIONS)[number];
