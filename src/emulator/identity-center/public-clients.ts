/**
 * IAM Identity Center's own sign-in for public clients, as desktop tools and the Redshift drivers'
 * `BrowserIdcAuthPlugin` use it: sso-oidc `RegisterClient` (`POST /client/register`, unsigned), the
 * browser `/authorize` step (see `authorize-page.ts`), and `CreateToken` (`POST /token`, unsigned) with the
 * `authorization_code` (PKCE S256 required) and `refresh_token` grants.
 *
 * A registered client is bound to one application: `entitledApplicationArn`, else the first configured
 * application that has every requested scope. Its access tokens are IdC access tokens of that application
 * (usable as a token-exchange subject). Secrets, codes and tokens are kept as SHA-256 digests only.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EmulatorRuntime, OperationContext } from '../core/types.js';
import { AwsServiceError } from '../core/types.js';
import {
  type Application,
  type DirectoryUser,
  findApplication,
  findUserById,
  isAssigned,
} from './directory.js';
import { oidcError } from './errors.js';
import { stringMember } from './request.js';
import type { TokenStore } from './tokens.js';

/** Lifetime of a registered client's secret, seconds (90 days, as IdC). */
export const CLIENT_SECRET_TTL_SECONDS = 90 * 24 * 3600;
/** Lifetime of an authorization code, milliseconds. */
const CODE_TTL_MS = 5 * 60_000;
/** Lifetime of a refresh token of a public client, milliseconds. */
const REFRESH_TTL_MS = 24 * 3600_000;

/** A registered public client. */
export interface PublicClient {
  readonly clientId: string;
  readonly secretDigest: Buffer;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly applicationArn: string;
  /** Epoch ms. */
  readonly secretExpiresAt: number;
}

interface CodeRecord {
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly redirectUri: string;
  readonly challenge: string;
  readonly authTime: number;
  readonly expiresAt: number;
}

interface RefreshRecord {
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly authTime: number;
  readonly expiresAt: number;
}

/** The public-client state of one emulator run. */
export interface PublicClients {
  readonly clients: Map<string, PublicClient>;
  readonly codes: Map<string, CodeRecord>;
  readonly refresh: Map<string, RefreshRecord>;
}

const registries = new WeakMap<EmulatorRuntime, PublicClients>();

/** The public-client state of `runtime` (created on first use). */
export function publicClientsOf(runtime: EmulatorRuntime): PublicClients {
  let state = registries.get(runtime);
  if (state === undefined) {
    state = { clients: new Map(), codes: new Map(), refresh: new Map() };
    registries.set(runtime, state);
  }
  return state;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function fail(code: string, message: string, status = 400): AwsServiceError {
  const error = code
    .replace(/Exception$/, '')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return new AwsServiceError(code, message, status, { error, error_description: message });
}

/** The IAM Identity Center issuer URL of the emulated instance. */
export function idcIssuerUrl(runtime: EmulatorRuntime): string {
  const id = runtime.config.identityCenter.instanceArn.split('/').pop() ?? '';
  return `https://identitycenter.amazonaws.com/${id}`;
}

/** Whether `uri` is an `http` loopback redirect URI (its port may vary at authorize time, RFC 8252 §7.3). */
function loopback(uri: string): URL | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]')
      ? url
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `requested` matches a registered redirect URI (loopback: any port). */
export function redirectMatches(client: PublicClient, requested: string): boolean {
  if (client.redirectUris.includes(requested)) return true;
  const asked = loopback(requested);
  if (asked === undefined) return false;
  return client.redirectUris.some((uri) => {
    const registered = loopback(uri);
    return (
      registered !== undefined &&
      registered.hostname === asked.hostname &&
      registered.pathname === asked.pathname &&
      asked.search === ''
    );
  });
}

function stringList(input: Record<string, unknown>, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (
    !Array.isArray(value) ||
    value.length > 50 ||
    value.some((v) => typeof v !== 'string' || v.length === 0 || v.length > 512)
  ) {
    throw oidcError('InvalidRequestException', `Parameter ${name} must be a list of strings`);
  }
  return value as string[];
}

/** `RegisterClient`. */
export function registerClient(
  runtime: EmulatorRuntime,
  ctx: OperationContext<EmulatorRuntime>,
): Record<string, unknown> {
  const { input } = ctx;
  const name = stringMember(input, 'clientName', true);
  const type = stringMember(input, 'clientType', true);
  if (type !== 'public') throw fail('InvalidClientMetadataException', 'clientType must be public');
  const scopes = stringList(input, 'scopes') ?? [];
  const redirectUris = stringList(input, 'redirectUris') ?? [];
  const grantTypes = stringList(input, 'grantTypes') ?? ['authorization_code', 'refresh_token'];
  for (const g of grantTypes) {
    if (
      g !== 'authorization_code' &&
      g !== 'refresh_token' &&
      g !== 'urn:ietf:params:oauth:grant-type:device_code'
    ) {
      throw oidcError(
        'UnsupportedGrantTypeException',
        `Unsupported grant type: ${JSON.stringify(g.slice(0, 100))}`,
      );
    }
  }
  for (const uri of redirectUris) {
    const url = loopback(uri);
    if (url === undefined && !uri.startsWith('https://')) {
      throw fail(
        'InvalidRedirectUriException',
        'A redirect URI must be https or an http loopback URI (127.0.0.1)',
      );
    }
  }
  const issuerUrl = stringMember(input, 'issuerUrl', false);
  if (issuerUrl !== undefined && issuerUrl.replace(/\/+$/, '') !== idcIssuerUrl(runtime)) {
    throw oidcError(
      'InvalidRequestException',
      'issuerUrl is not the issuer URL of this IAM Identity Center instance',
    );
  }
  const entitled = stringMember(input, 'entitledApplicationArn', false);
  const { config } = runtime;
  const wanted = scopes.filter((s) => s !== 'openid');
  const app: Application | undefined =
    entitled !== undefined
      ? findApplication(config, entitled)
      : config.identityCenter.applications.find((a) => wanted.every((s) => a.scopes.includes(s)));
  if (app === undefined) {
    throw entitled !== undefined
      ? oidcError('InvalidRequestException', 'entitledApplicationArn is not an application of this instance')
      : oidcError('InvalidScopeException', 'No application of this instance has every requested scope');
  }
  if (wanted.some((s) => !app.scopes.includes(s)))
    throw oidcError('InvalidScopeException', 'A scope is not a scope of the application');
  const clientId = `emuc${randomBytes(18).toString('base64url')}`;
  const secret = `emus${randomBytes(36).toString('base64url')}`;
  const now = runtime.now();
  const secretExpiresAt = now + CLIENT_SECRET_TTL_SECONDS * 1000;
  publicClientsOf(runtime).clients.set(clientId, {
    clientId,
    secretDigest: Buffer.from(digest(secret)),
    name,
    scopes: wanted,
    redirectUris,
    grantTypes,
    applicationArn: app.arn,
    secretExpiresAt,
  });
  ctx.audit('allowed', app.arn, `RegisterClient ${name.slice(0, 64)}`);
  return {
    clientId,
    clientSecret: secret,
    clientIdIssuedAt: Math.floor(now / 1000),
    clientSecretExpiresAt: Math.floor(secretExpiresAt / 1000),
  };
}

/** The user, if `userName` may sign in to `client`'s application, else the reason. */
export function signInUser(
  runtime: EmulatorRuntime,
  client: PublicClient,
  userName: string,
): DirectoryUser | 'unknown' | 'unassigned' {
  const user = runtime.config.identityCenter.users.find((u) => u.userName === userName);
  if (user === undefined) return 'unknown';
  const app = findApplication(runtime.config, client.applicationArn);
  return app !== undefined && isAssigned(app, user) ? user : 'unassigned';
}

/** Issues a one-time code for a completed `/authorize` sign-in. */
export function issueClientCode(
  runtime: EmulatorRuntime,
  client: PublicClient,
  user: DirectoryUser,
  request: { readonly scopes: readonly string[]; readonly redirectUri: string; readonly challenge: string },
): string {
  const code = `emua${randomBytes(32).toString('base64url')}`;
  const now = runtime.now();
  const state = publicClientsOf(runtime);
  for (const [key, rec] of state.codes) if (rec.expiresAt < now) state.codes.delete(key);
  state.codes.set(digest(code), {
    clientId: client.clientId,
    userId: user.userId,
    scopes: request.scopes,
    redirectUri: request.redirectUri,
    challenge: request.challenge,
    authTime: now,
    expiresAt: now + CODE_TTL_MS,
  });
  return code;
}

function authenticateClient(runtime: EmulatorRuntime, input: Record<string, unknown>): PublicClient {
  const clientId = stringMember(input, 'clientId', true);
  const secret = stringMember(input, 'clientSecret', true);
  const client = publicClientsOf(runtime).clients.get(clientId);
  const given = Buffer.from(digest(secret));
  if (
    client === undefined ||
    client.secretDigest.length !== given.length ||
    !timingSafeEqual(client.secretDigest, given)
  ) {
    throw oidcError('InvalidClientException', 'Invalid client: unknown clientId or wrong clientSecret');
  }
  if (client.secretExpiresAt <= runtime.now())
    throw oidcError('InvalidClientException', 'The client secret has expired: register the client again');
  return client;
}

function pkceMatches(challenge: string, verifier: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/** `CreateToken` with `authorization_code` or `refresh_token`. */
export function createToken(
  runtime: EmulatorRuntime,
  tokens: TokenStore,
  ctx: OperationContext<EmulatorRuntime>,
): Record<string, unknown> {
  const { input } = ctx;
  const client = authenticateClient(runtime, input);
  const grantType = stringMember(input, 'grantType', true);
  if (!client.grantTypes.includes(grantType)) {
    throw oidcError('UnauthorizedClientException', 'The client is not registered for this grant type');
  }
  const state = publicClientsOf(runtime);
  const now = runtime.now();
  const app = findApplication(runtime.config, client.applicationArn);
  if (app === undefined)
    throw oidcError('InvalidClientException', 'The application of the client no longer exists');
  let userId: string;
  let scopes: readonly string[];
  let authTime: number;
  let refreshToken: string | undefined;
  if (grantType === 'authorization_code') {
    const code = stringMember(input, 'code', true);
    const redirectUri = stringMember(input, 'redirectUri', true);
    const verifier = stringMember(input, 'codeVerifier', true);
    const key = digest(code);
    const rec = state.codes.get(key);
    state.codes.delete(key);
    if (rec === undefined || rec.clientId !== client.clientId)
      throw oidcError('InvalidGrantException', 'Invalid authorization code');
    if (rec.expiresAt <= now) throw oidcError('InvalidGrantException', 'The authorization code has expired');
    if (rec.redirectUri !== redirectUri)
      throw oidcError(
        'InvalidGrantException',
        'redirectUri differs from the one of the authorization request',
      );
    if (!pkceMatches(rec.challenge, verifier))
      throw oidcError('InvalidGrantException', 'The PKCE code verifier does not match the code challenge');
    ({ userId, scopes, authTime } = rec);
    if (client.grantTypes.includes('refresh_token')) {
      refreshToken = `emur${randomBytes(40).toString('base64url')}`;
      state.refresh.set(digest(refreshToken), {
        clientId: client.clientId,
        userId,
        scopes,
        authTime,
        expiresAt: now + REFRESH_TTL_MS,
      });
    }
  } else if (grantType === 'refresh_token') {
    const given = stringMember(input, 'refreshToken', true);
    const rec = state.refresh.get(digest(given));
    if (rec === undefined || rec.clientId !== client.clientId)
      throw oidcError('InvalidGrantException', 'Invalid refresh token');
    if (rec.expiresAt <= now) throw oidcError('ExpiredTokenException', 'The refresh token has expired');
    ({ userId, scopes, authTime } = rec);
  } else {
    throw oidcError(
      'UnsupportedGrantTypeException',
      `Unsupported grant type: ${JSON.stringify(grantType.slice(0, 100))}`,
    );
  }
  const user = findUserById(runtime.config, userId);
  if (user === undefined || !isAssigned(app, user))
    throw oidcError('InvalidGrantException', 'The user may no longer use the application');
  const accessToken = tokens.issueAccessToken(
    {
      userId,
      applicationArn: app.arn,
      scopes: [...scopes],
      authTime,
      expiresAt: now + app.tokenLifetimeSeconds * 1000,
    },
    now,
  );
  ctx.audit('allowed', app.arn, `CreateToken ${grantType} granted`);
  return {
    accessToken,
    tokenType: 'Bearer',
    expiresIn: app.tokenLifetimeSeconds,
    ...(refreshToken === undefined ? {} : { refreshToken }),
  };
}
