// Small, valid image compatibility specs; `label` makes each one (and its digest) distinct.
export const NFD_ARTIFACT_TYPE = 'application/vnd.nfd.image-compatibility.v1alpha1';
export const NFD_SPEC_MEDIA_TYPE = 'application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml';
export const EMPTY_CONFIG_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
export const EMPTY_CONFIG_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

export function specYaml(label: string): string {
  return [
    'version: v1alpha1',
    'compatibilities:',
    `  - description: ${JSON.stringify(label)}`,
    '    rules:',
    '      - name: kernel',
    '        matchFeatures:',
    '          - feature: kernel.version',
    '            matchExpressions:',
    '              major: { op: Gt, value: ["4"] }',
    '',
  ].join('\n');
}
