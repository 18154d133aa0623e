/**
 * Browser sign-in at the external OpenID Connect identity provider, as the Athena drivers' `BrowserOidcTip`
 * does: discovery, authorization code with PKCE (S256), `state` and `nonce` checked, a loopback redirect,
 * the system browser; then the token response (validated by openid-client, including the ID token's
 * signature, `iss`, `aud` and `nonce`). Renewal uses the IdP's refresh token.
 *
 * @module
 */
import * as oauth from 'openid-client';
import { TipError } from '../errors.js';
import { decodeJws } from '../jwt/decode.js';
import { type ConnectorEventSink, emitTo } from './events.js';
import { authorizationError, listenForRedirect, openAndWait } from './loopback.js';
import { isLoopbackHttp } from './loopback-url.js';
import type { BrowserOpener } from './open-browser.js';

/** Tokens of the external IdP. Secret: never log them. */
export interface IdpTokens {
  /** The ID token, when the IdP issued one. */
  readonly idToken: string | undefined;
  /** The access token. */
  readonly accessToken: string;
  /** The refresh token, when issued (request `offline_access` for most IdPs). */
  readonly refreshToken: string | undefined;
  /** When the access token expires (from `expires_in`), epoch milliseconds. */
  readonly expiresAt: number | undefined;
}

/** Where the IdP is and who the client is. */
export interface IdpClientSettings {
  /** The issuer URL (discovery base). `http` only for a loopback host. */
  readonly issuer: string;
  /** The OAuth client id registered at the IdP (a public client with PKCE). */
  readonly clientId: string;
  /** The client secret, for IdPs that require one even from native apps. Default none. */
  readonly clientSecret?: string;
  /** Fetch to use. Default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** HTTP timeout of each IdP request, seconds. Default 30. */
  readonly httpTimeoutSeconds?: number;
}

/** Options of {@link signInWithIdp}. */
export interface OidcSignInOptions extends IdpClientSettings {
  /** Scopes to request. */
  readonly scopes: readonly string[];
  /** Extra authorization-request parameters (e.g. `resource`, `prompt`, `login_hint`). */
  readonly authorizationParams?: Readonly<Record<string, string>>;
  /** Loopback port; 0 = ephemeral. */
  readonly port: number;
  /** How long the user has to finish, milliseconds. */
  readonly timeoutMs: number;
  /** Opens the authorization URL. */
  readonly open: BrowserOpener;
  /** Called with the authorization URL before the browser opens (to print it). */
  readonly onAuthorizationUrl?: (url: string) => void;
  /** Aborts the sign-in. */
  readonly signal?: AbortSignal;
  /** Receives connector events. */
  readonly onEvent?: ConnectorEventSink;
}

function signInFailed(message: string, details: Record<string, string | undefined>): TipError {
  const clean = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  return new TipError('ERR_SIGN_IN_FAILED', message, { details: clean });
}

/** A short, non-secret description of an openid-client failure. */
function describe(error: unknown): { error?: string; description?: string; reason: string } {
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.AuthorizationResponseError) {
    return {
      error: error.error.slice(0, 100),
      description: (error.error_description ?? '').replace(/[\r\n]+/g, ' ').slice(0, 300),
      reason: 'idp_error',
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { reason: message.replace(/[\r\n]+/g, ' ').slice(0, 200) };
}

/**
 * Discovers the IdP and returns the openid-client configuration.
 *
 * @throws TipError `ERR_PROFILE_INVALID` for an `http` issuer that is not loopback, `ERR_SIGN_IN_FAILED`
 *   when discovery fails.
 */
export async function discoverIdp(settings: IdpClientSettings): Promise<oauth.Configuration> {
  const insecure = isLoopbackHttp(settings.issuer);
  if (!insecure && !settings.issuer.startsWith('https://')) {
    throw new TipError(
      'ERR_PROFILE_INVALID',
      'The issuer must be an https URL (http is accepted only for a loopback host such as the emulator).',
      { details: { path: 'issuer' } },
    );
  }
  const options: oauth.DiscoveryRequestOptions = {
    timeout: settings.httpTimeoutSeconds ?? 30,
    ...(insecure ? { execute: [oauth.allowInsecureRequests] } : {}),
    ...(settings.fetch === undefined ? {} : { [oauth.customFetch]: settings.fetch as oauth.CustomFetch }),
  };
  try {
    return await oauth.discovery(
      new URL(settings.issuer),
      settings.clientId,
      undefined,
      settings.clientSecret === undefined ? oauth.None() : oauth.ClientSecretPost(settings.clientSecret),
      options,
    );
  } catch (error) {
    const d = describe(error);
    throw signInFailed(
      `The identity provider's discovery document could not be read from ${settings.issuer}: check \`issuer\` and the network (${d.reason}).`,
      { reason: 'discovery', cause: d.reason },
    );
  }
}

function toTokens(response: oauth.TokenEndpointResponse, now: number, previousRefresh?: string): IdpTokens {
  if (typeof response.access_token !== 'string' || response.access_token.length === 0) {
    throw signInFailed('The identity provider returned no access token.', { reason: 'no_access_token' });
  }
  return Object.freeze({
    idToken: typeof response.id_token === 'string' ? response.id_token : undefined,
    accessToken: response.access_token,
    refreshToken: typeof response.refresh_token === 'string' ? response.refresh_token : previousRefresh,
    expiresAt:
      typeof response.expires_in === 'number' && Number.isFinite(response.expires_in)
        ? now + response.expires_in * 1000
        : undefined,
  });
}

/**
 * Signs the user in with the system browser and returns the IdP's tokens.
 *
 * @throws TipError `ERR_SIGN_IN_FAILED` (IdP error, failed checks, browser), `ERR_SIGN_IN_PORT_IN_USE`,
 *   `ERR_TIMEOUT`, `ERR_ABORTED`, `ERR_PROFILE_INVALID`.
 */
export async function signInWithIdp(options: OidcSignInOptions): Promise<IdpTokens> {
  const config = await discoverIdp(options);
  const verifier = oauth.randomPKCECodeVerifier();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  const state = oauth.randomState();
  const openid = options.scopes.includes('openid');
  const nonce = openid ? oauth.randomNonce() : undefined;
  const redirect = await listenForRedirect({
    port: options.port,
    expectedState: state,
    timeoutMs: options.timeoutMs,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  try {
    const params: Record<string, string> = {
      // offline_access is honoured by many IdPs only with an explicit consent prompt.
      ...(options.scopes.includes('offline_access') ? { prompt: 'consent' } : {}),
      ...(options.authorizationParams ?? {}),
      redirect_uri: redirect.redirectUri,
      response_type: 'code',
      scope: options.scopes.join(' '),
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(nonce === undefined ? {} : { nonce }),
    };
    const url = oauth.buildAuthorizationUrl(config, params).href;
    emitTo(options.onEvent, { type: 'sign-in.started', flow: 'oidc', redirectUri: redirect.redirectUri });
    options.onAuthorizationUrl?.(url);
    const response = await openAndWait(redirect, options.open, url);
    const refused = authorizationError(
      response,
      'The identity provider',
      `check that the user may use client ${options.clientId}`,
    );
    if (refused !== undefined) throw refused;
    let result: oauth.TokenEndpointResponse;
    try {
      result = await oauth.authorizationCodeGrant(config, response.url, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        ...(nonce === undefined ? {} : { expectedNonce: nonce }),
        ...(openid ? { idTokenExpected: true } : {}),
      });
    } catch (grantError) {
      const d = describe(grantError);
      response.finish({
        ok: false,
        message: 'The sign-in answer could not be used. Return to the application.',
      });
      throw signInFailed(
        `The identity provider's answer failed the sign-in checks or the code exchange (${d.error ?? d.reason}): sign in again; if it persists, check the client's redirect URI and PKCE settings at the IdP.`,
        { reason: 'token_exchange', error: d.error, description: d.description },
      );
    }
    const tokens = toTokens(result, Date.now());
    response.finish({ ok: true });
    emitTo(options.onEvent, { type: 'sign-in.succeeded', flow: 'oidc' });
    return tokens;
  } catch (error) {
    emitTo(options.onEvent, {
      type: 'sign-in.failed',
      flow: 'oidc',
      code: error instanceof TipError ? error.code : 'ERR_SIGN_IN_FAILED',
    });
    throw error;
  } finally {
    await redirect.close();
  }
}

/**
 * Renews the IdP tokens with a refresh token (the refresh token is kept when the answer does not rotate
 * it).
 *
 * @throws TipError `ERR_SIGN_IN_REQUIRED` when the IdP refuses the refresh token (`invalid_grant`),
 *   `ERR_SIGN_IN_FAILED` when the IdP cannot be reached or answers otherwise.
 */
export async function refreshIdpTokens(
  config: oauth.Configuration,
  refreshToken: string,
  scopes: readonly string[] | undefined,
): Promise<IdpTokens> {
  try {
    const response = await oauth.refreshTokenGrant(
      config,
      refreshToken,
      scopes ? { scope: scopes.join(' ') } : {},
    );
    return toTokens(response, Date.now(), refreshToken);
  } catch (error) {
    if (error instanceof TipError) throw error;
    const d = describe(error);
    if (d.error === 'invalid_grant' || d.error === 'invalid_client' || d.error === 'unauthorized_client') {
      throw new TipError(
        'ERR_SIGN_IN_REQUIRED',
        'The identity provider no longer accepts the cached refresh token: sign in again (`tip-sdk login`).',
        { details: { reason: 'refresh_refused', error: d.error } },
      );
    }
    throw signInFailed(
      `The identity provider could not renew the sign-in (${d.error ?? d.reason}): check the network, or sign in again.`,
      { reason: 'refresh', error: d.error },
    );
  }
}

/** The `exp` of a compact JWT in epoch milliseconds, without verifying it (`undefined` when absent). */
export function jwtExpiry(jwt: string): number | undefined {
  try {
    const { payload } = decodeJws(jwt, 65_536);
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
