/**
 * The embedded OIDC identity provider of the tip-sdk emulator.
 *
 * @packageDocumentation
 */
export { startIdp } from './start-idp.js';
export { DEV_KEY_WARNING } from './dev-key-warning.js';
export { DEFAULT_RESOURCE_SCOPE, DEFAULT_USER_SCOPE, resourceIndicatorFor } from './resources.js';
export type {
  EmbeddedIdp,
  IdpClientOptions,
  IdpOptions,
  IdpRequestCounts,
  IdpSignOptions,
  IdpTokenRequest,
  IdpUser,
} from './types.js';
