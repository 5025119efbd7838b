export * from './artifact/index.ts';
export {
  type AuthChallenge,
  type Credential,
  credentialFiles,
  DOCKER_HUB_AUTH_KEY,
  normalizeAuthKey,
  parseChallenges,
  resolveCredential,
} from './auth/index.ts';
export {
  assertDigest,
  checkDeclaredSize,
  type DigestAlgorithm,
  type DigestedContent,
  digestOf,
  type GoJsonValue,
  isDigest,
  parseDigest,
  verifyContent,
} from './digest.ts';
export {
  describeErrorBody,
  parseRegistryErrors,
  type RegistryErrorEntry,
  RegistryHttpError,
} from './errors.ts';
export * from './layout/index.ts';
export {
  compatiblePlatforms,
  describeChild,
  formatPlatform,
  isPlatformIndex,
  nodePlatform,
  normalizePlatform,
  type PlatformChoice,
  parsePlatform,
  selectPlatform,
} from './platform.ts';
export {
  DOCKER_HUB,
  DOCKER_HUB_ENDPOINT,
  digestProblem,
  formatReference,
  type ImageReference,
  isLayoutReference,
  type LayoutReference,
  normalizeRegistry,
  parseImageReference,
  parseTargetReference,
  registryEndpoint,
} from './reference.ts';
export * from './registry/index.ts';
export {
  type Action,
  /** Time source of the registry transport (`TransportOptions.clock`): `now()` and an abortable `sleep()`. */
  type Clock,
  type CredentialOptions,
  createRegistryTransport,
  DEFAULT_MAX_BYTES,
  parseWarnings,
  type RegistryRequest,
  type RegistryResponse,
  type RegistryTransport,
  registryNameFromOrigin,
  /** The default `Clock`: `Date.now` and a real timer that rejects with the signal's reason on abort. */
  systemClock,
  type TransportOptions,
} from './transport/index.ts';
