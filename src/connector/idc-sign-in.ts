/**
 * Browser sign-in at IAM Identity Center itself, as the Redshift drivers' `BrowserIdcAuthPlugin` does:
 * SSO OIDC `RegisterClient` (a public client, reused until its secret expires), the IdC `/authorize` page
 * with PKCE (S256) and `state` on a loopback redirect, then `CreateToken` with the code. The result is an
 * IdC access token for scopes such as `redshift:connect` (a driver's `ACCESS_TOKEN`). Renewal uses
 * `CreateToken` with the refresh token.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { CreateTokenCommand, RegisterClientCommand, type SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { TipError, isTipError } from '../errors.js';
import { mapAwsError } from '../aws/map-error.js';
import { type ConnectorEventSink, emitTo } from './events.js';
import { authorizationError, LOOPBACK_HOST, listenForRedirect, openAndWait } from './loopback.js';
import type { BrowserOpener } from './open-browser.js';
import type { CachedClient, CachedIdcTokens } from './token-cache/record.js';

/** A registered client must stay valid this long to be reused, milliseconds (one day). */
const MIN_CLIENT_REMAINING_MS = 24 * 3600_000;

/** What the IdC sign-in needs. */
export interface IdcSignInOptions {
  /** An SSO OIDC client of the IdC region (its endpoint may be the emulator). */
  readonly client: Pick<SSOOIDCClient, 'send'>;
  /** The SSO OIDC endpoint whose `/authorize` page the browser opens, e.g. `https://oidc.us-east-1.amazonaws.com`. */
  readonly oidcEndpoint: string;
  /** The IAM Identity Center issuer URL. */
  readonly issuerUrl: string;
  /** Scopes, e.g. `['redshift:connect']`. */
  readonly scopes: readonly string[];
  /** The client name to register. */
  readonly clientName: string;
  /** A client registered before (reused while valid and registered for the same settings). */
  readonly registered: CachedClient | undefined;
  /** Loopback port; 0 = ephemeral. */
  readonly port: number;
  /** How long the user has, milliseconds. */
  readonly timeoutMs: number;
  /** Opens the authorization URL. */
  readonly open: BrowserOpener;
  /** Called with the authorization URL before the browser opens. */
  readonly onAuthorizationUrl?: (url: string) => void;
  readonly signal?: AbortSignal;
  readonly onEvent?: ConnectorEventSink;
}

/** The outcome of an IdC sign-in: the tokens and the client used. Secret. */
export interface IdcSignInResult {
  readonly tokens: CachedIdcTokens;
  readonly client: CachedClient;
}

function registrationDigest(
  issuerUrl: string,
  scopes: readonly string[],
  redirectUri: string,
  name: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify([issuerUrl, [...scopes].sort(), redirectUri, name]))
    .digest('base64url');
}

function signInFailed(message: string, details: Record<string, string>): TipError {
  return new TipError('ERR_SIGN_IN_FAILED', message, { details });
}

/** An AWS failure of RegisterClient/CreateToken as a TipError (non-TipErrors are mapped once). */
function mapped(error: unknown, operation: string): TipError {
  if (isTipError(error)) return error;
  return mapAwsError(error, { service: 'sso-oidc', operation });
}

async function register(options: IdcSignInOptions, redirectUri: string): Promise<CachedClient> {
  const digest = registrationDigest(options.issuerUrl, options.scopes, redirectUri, options.clientName);
  const held = options.registered;
  if (held && held.registration === digest && held.expiresAt - Date.now() > MIN_CLIENT_REMAINING_MS)
    return held;
  let out: Record<string, unknown>;
  try {
    out = (await options.client.send(
      new RegisterClientCommand({
        clientName: options.clientName,
        clientType: 'public',
        scopes: [...options.scopes],
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [redirectUri],
        issuerUrl: options.issuerUrl,
      }),
      options.signal === undefined ? {} : { abortSignal: options.signal },
    )) as unknown as Record<string, unknown>;
  } catch (error) {
    throw mapped(error, 'RegisterClient');
  }
  const { clientId, clientSecret, clientSecretExpiresAt } = out as {
    clientId?: unknown;
    clientSecret?: unknown;
    clientSecretExpiresAt?: unknown;
  };
  if (
    typeof clientId !== 'string' ||
    typeof clientSecret !== 'string' ||
    typeof clientSecretExpiresAt !== 'number'
  ) {
    throw new TipError(
      'ERR_IDC_RESPONSE_INVALID',
      'RegisterClient returned no client id, secret or expiry.',
      {
        details: { service: 'sso-oidc', operation: 'RegisterClient' },
      },
    );
  }
  return { clientId, clientSecret, expiresAt: clientSecretExpiresAt * 1000, registration: digest };
}

function tokensOf(
  out: Record<string, unknown>,
  scopes: readonly string[],
  previousRefresh?: string,
): CachedIdcTokens {
  const { accessToken, refreshToken, expiresIn } = out as {
    accessToken?: unknown;
    refreshToken?: unknown;
    expiresIn?: unknown;
  };
  if (
    typeof accessToken !== 'string' ||
    accessToken.length === 0 ||
    typeof expiresIn !== 'number' ||
    !(expiresIn > 0)
  ) {
    throw new TipError('ERR_IDC_RESPONSE_INVALID', 'CreateToken returned no access token or expiry.', {
      details: { service: 'sso-oidc', operation: 'CreateToken' },
    });
  }
  // expiresIn is seconds; a value that looks like an epoch is clamped to one day.
  const seconds = Math.min(expiresIn, 86_400);
  const refresh =
    typeof refreshToken === 'string' && refreshToken.length > 0 ? refreshToken : previousRefresh;
  return {
    accessToken,
    ...(refresh === undefined ? {} : { refreshToken: refresh }),
    expiresAt: Date.now() + seconds * 1000,
    scopes: [...scopes],
  };
}

/**
 * Signs the user in at IAM Identity Center with the system browser.
 *
 * @throws TipError `ERR_SIGN_IN_FAILED`, `ERR_SIGN_IN_PORT_IN_USE`, `ERR_TIMEOUT`, `ERR_ABORTED`, `ERR_IDC_*`.
 */
export async function signInWithIdc(options: IdcSignInOptions): Promise<IdcSignInResult> {
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(24).toString('base64url');
  const redirect = await listenForRedirect({
    port: options.port,
    expectedState: state,
    timeoutMs: options.timeoutMs,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  try {
    // With an ephemeral port the client is registered for the port-less loopback URI (RFC 8252 §7.3).
    const registeredUri = options.port === 0 ? `http://${LOOPBACK_HOST}/callback` : redirect.redirectUri;
    const client = await register(options, registeredUri);
    const url = new URL('/authorize', options.oidcEndpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: redirect.redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scopes: options.scopes.join(' '),
    }).toString();
    emitTo(options.onEvent, { type: 'sign-in.started', flow: 'idc', redirectUri: redirect.redirectUri });
    options.onAuthorizationUrl?.(url.href);
    const response = await openAndWait(redirect, options.open, url.href);
    const refused = authorizationError(response, 'IAM Identity Center', "check the user's assignment");
    if (refused !== undefined) throw refused;
    const code = response.url.searchParams.get('code');
    if (code === null || code.length === 0) {
      response.finish({ ok: false, message: 'The answer carried no authorization code.' });
      throw signInFailed('IAM Identity Center answered without an authorization code: sign in again.', {
        reason: 'no_code',
      });
    }
    let tokens: CachedIdcTokens;
    try {
      const out = (await options.client.send(
        new CreateTokenCommand({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: 'authorization_code',
          code,
          redirectUri: redirect.redirectUri,
          codeVerifier: verifier,
        }),
        options.signal === undefined ? {} : { abortSignal: options.signal },
      )) as unknown as Record<string, unknown>;
      tokens = tokensOf(out, options.scopes);
    } catch (grantError) {
      response.finish({
        ok: false,
        message: 'The sign-in could not be completed. Return to the application.',
      });
      throw mapped(grantError, 'CreateToken');
    }
    response.finish({ ok: true });
    emitTo(options.onEvent, { type: 'sign-in.succeeded', flow: 'idc' });
    return { tokens, client };
  } catch (error) {
    emitTo(options.onEvent, {
      type: 'sign-in.failed',
      flow: 'idc',
      code: isTipError(error) ? error.code : 'ERR_SIGN_IN_FAILED',
    });
    throw error;
  } finally {
    await redirect.close();
  }
}

/**
 * Renews IdC tokens with `CreateToken` `refresh_token`.
 *
 * @throws TipError `ERR_SIGN_IN_REQUIRED` when IdC refuses the refresh token or the client, else the mapped
 *   AWS error.
 */
export async function refreshIdcTokens(
  client: Pick<SSOOIDCClient, 'send'>,
  registered: CachedClient,
  tokens: CachedIdcTokens,
): Promise<CachedIdcTokens> {
  if (tokens.refreshToken === undefined) {
    throw new TipError(
      'ERR_SIGN_IN_REQUIRED',
      'No IdC refresh token is cached: sign in again (`tip-sdk login`).',
      {
        details: { reason: 'no_refresh_token' },
      },
    );
  }
  try {
    const out = (await client.send(
      new CreateTokenCommand({
        clientId: registered.clientId,
        clientSecret: registered.clientSecret,
        grantType: 'refresh_token',
        refreshToken: tokens.refreshToken,
      }),
    )) as unknown as Record<string, unknown>;
    return tokensOf(out, tokens.scopes, tokens.refreshToken);
  } catch (error) {
    const e = mapped(error, 'CreateToken');
    if (
      [
        'ERR_IDC_INVALID_GRANT',
        'ERR_IDC_EXPIRED_TOKEN',
        'ERR_IDC_INVALID_CLIENT',
        'ERR_IDC_UNAUTHORIZED_CLIENT',
      ].includes(e.code)
    ) {
      throw new TipError(
        'ERR_SIGN_IN_REQUIRED',
        'IAM Identity Center no longer accepts the cached refresh token: sign in again (`tip-sdk login`).',
        {
          details: { reason: 'refresh_refused', awsErrorCode: e.details.awsErrorCode },
        },
      );
    }
    throw e;
  }
}
