export { type AuthChallenge, parseChallenges } from './challenge.ts';
export {
  type Credential,
  CredentialCache,
  type CredentialOptions,
  credentialFiles,
  DOCKER_HUB_AUTH_KEY,
  normalizeAuthKey,
  resolveCredential,
} from './credentials.ts';
