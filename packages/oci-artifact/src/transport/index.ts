export { systemClock } from './retry.ts';
export {
  createRegistryTransport,
  DEFAULT_MAX_BYTES,
  parseWarnings,
  registryNameFromOrigin,
} from './transport.ts';
export type {
  Action,
  Clock,
  CredentialOptions,
  RegistryRequest,
  RegistryResponse,
  RegistryTransport,
  TransportOptions,
} from './types.ts';
