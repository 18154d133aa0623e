/**
 * What every grant handler receives, and reading the untrusted request members.
 */
import type { EmulatorRuntime, OperationContext } from '../core/types.js';
import type { Application } from './directory.js';
import { oidcError } from './errors.js';
import type { IdTokenSigner } from './id-token.js';
import type { IssuerKeys } from './issuer-keys.js';
import type { TokenStore } from './tokens.js';

/** State of the sso-oidc service for one emulator run. */
export interface SsoOidcState {
  readonly runtime: EmulatorRuntime;
  readonly tokens: TokenStore;
  readonly issuerKeys: IssuerKeys;
  readonly signer: IdTokenSigner;
}

/** One `CreateTokenWithIAM` request, after the client and the caller were accepted. */
export interface GrantRequest {
  readonly state: SsoOidcState;
  readonly ctx: OperationContext<EmulatorRuntime>;
  readonly app: Application;
  /** Current time, epoch ms. */
  readonly now: number;
}

/** Longest string member accepted, characters (assertions and tokens included). */
const MAX_MEMBER_LENGTH = 64 * 1024;

/**
 * Reads string member `name` of the request body.
 *
 * @throws InvalidRequestException when required and absent, or present and not a non-empty string.
 */
export function stringMember(input: Record<string, unknown>, name: string, required: true): string;
export function stringMember(
  input: Record<string, unknown>,
  name: string,
  required: false,
): string | undefined;
export function stringMember(
  input: Record<string, unknown>,
  name: string,
  required: boolean,
): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (required) throw oidcError('InvalidRequestException', `Missing required parameter: ${name}`);
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_MEMBER_LENGTH) {
    throw oidcError('InvalidRequestException', `Parameter ${name} must be a non-empty string`);
  }
  return value;
}

/**
 * The scopes granted for a request: the requested `scope` list, each of which must be in `allowed`;
 * all of `allowed` when omitted or empty.
 *
 * @throws InvalidRequestException when `scope` is not a list of strings, InvalidScopeException when a
 *   requested scope is not allowed.
 */
export function grantedScopes(input: Record<string, unknown>, allowed: readonly string[]): string[] {
  const requested = input.scope;
  if (requested === undefined || requested === null) return [...allowed];
  if (!Array.isArray(requested) || requested.some((s) => typeof s !== 'string') || requested.length > 100) {
    throw oidcError('InvalidRequestException', 'Parameter scope must be a list of strings');
  }
  if (requested.length === 0) return [...allowed];
  for (const scope of requested as string[]) {
    if (!allowed.includes(scope)) {
      const shown = scope.length > 100 ? `${scope.slice(0, 100)}…` : scope;
      throw oidcError(
        'InvalidScopeException',
        `Invalid scope: ${JSON.stringify(shown)} is not a scope of the application`,
      );
    }
  }
  return [...new Set(requested as string[])];
}
