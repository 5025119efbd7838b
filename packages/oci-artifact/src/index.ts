export * from './artifact/index.ts';
export {
  type AuthChallenge,
  type Credential,
  CredentialCache,
  normalizeAuthKey,
  parseChallenges,
  resolveCredential,
} from './auth/index.ts';
export {
  type DigestAlgorithm,
  type DigestedContent,
  digestOf,
  type GoJsonValue,
  verifyContent,
} from './digest.ts';
export {
  parseRegistryErrors,
  type RegistryErrorEntry,
  RegistryHttpError,
} from './errors.ts';
export * from './layout/index.ts';
export {
  nodePlatform,
  normalizePlatform,
  type PlatformChoice,
  parsePlatform,
  selectPlatform,
} from './platform.ts';
export {
  formatReference,
  type ImageReference,
  isLayoutReference,
  type LayoutReference,
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
  type RegistryRequest,
  type RegistryResponse,
  type RegistryTransport,
  /** The default `Clock`: `Date.now` and a real timer that rejects with the signal's reason on abort. */
  systemClock,
  type TransportOptions,
} from './transport/index.ts';
