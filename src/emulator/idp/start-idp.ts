/**
 * The embedded OIDC identity provider: node-oidc-provider on loopback behind a small `node:http` front
 * server.
 *
 * The front server owns the port, the counters, the JWKS endpoint (the union of current and previous
 * public keys, so key rotation works although oidc-provider's keystore is fixed at construction), the
 * sign-in pages, and the outage switch. Everything else goes to the current oidc-provider instance;
 * `rotateKeys` swaps in a new instance with new keys. All instances share one in-memory store, so
 * sessions, grants and half-finished sign-ins survive a rotation. The first keys are those of an IdP this
 * process stopped earlier, when there is one (`keys.ts`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type { Provider } from 'oidc-provider';
import { optionError } from '../../errors.js';
import { warnDevelopmentKeysOnce } from './dev-key-warning.js';
import { DEV_TOKEN_PATH, handleDevToken } from './dev-token-endpoint.js';
import { handleInteraction } from './interactions.js';
import {
  acquireKeyGeneration,
  generateKeyGeneration,
  type IdpKeyGeneration,
  releaseKeyGeneration,
} from './keys.js';
import { loadOidcProvider } from './load-provider.js';
import { IdpMemoryStore } from './memory-store.js';
import { resolveIdpOptions, SERVICE_CLIENT_ID, USER_CLIENT_ID, USER_REDIRECT_URI } from './options.js';
import { clientMetadataFor, providerConfiguration, type ProviderSetup } from './provider-config.js';
import { DEFAULT_RESOURCE_SCOPE, DEFAULT_USER_SCOPE, resourceIndicatorFor } from './resources.js';
import { postToken, scriptedLogin } from './scripted-login.js';
import { signWithKeys } from './sign-token.js';
import type { EmbeddedIdp, IdpOptions, IdpRequestCounts, IdpTokenRequest } from './types.js';

/** The redirect URI of the built-in user client; as a native loopback URI it matches on any port. */

interface Current {
  readonly keys: IdpKeyGeneration;
  readonly provider: Provider;
  readonly callback: (req: IncomingMessage, res: ServerResponse) => void;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts the embedded IdP on loopback and resolves once it answers. Prints a one-time development-keys
 * warning on stderr unless `quiet`. Call `stop()` when done.
 */
export async function startIdp(options: IdpOptions): Promise<EmbeddedIdp> {
  const resolved = resolveIdpOptions(options);
  const [{ Provider: ProviderClass }, firstKeys] = await Promise.all([
    loadOidcProvider(),
    acquireKeyGeneration(),
  ]);
  if (!resolved.quiet) warnDevelopmentKeysOnce();

  const serviceClient = Object.freeze({
    clientId: SERVICE_CLIENT_ID,
    clientSecret: randomBytes(24).toString('base64url'),
  });
  const userClient = Object.freeze({ clientId: USER_CLIENT_ID, redirectUri: USER_REDIRECT_URI });
  const store = new IdpMemoryStore();
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const counts = { discovery: 0, jwks: 0, token: 0 };
  let previousPublicKeys: JWK[] = [];
  let jwksAvailable = true;
  let current: Current | undefined;
  let stopped = false;
  let rotation: Promise<void> = Promise.resolve();

  const reportInternalError = (error: unknown): void => {
    if (resolved.quiet) return;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    process.stderr.write(`tip-sdk embedded IdP: internal error: ${text}\n`);
  };

  const server = createServer((req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      reportInternalError(error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal error of the embedded IdP');
      } else {
        res.destroy();
      }
    });
  });
  const address = await listen(server, resolved.port, resolved.host);
  const hostPart = address.address.includes(':') ? `[${address.address}]` : address.address;
  const issuer = `http://${hostPart}:${address.port}`;

  const setupFor = (keys: IdpKeyGeneration): ProviderSetup => ({
    users: resolved.users,
    keys,
    store,
    cookieKeys,
    audience: resolved.audience,
    accessTokenTtlSeconds: resolved.accessTokenTtlSeconds,
    clients: [
      {
        client_id: SERVICE_CLIENT_ID,
        client_secret: serviceClient.clientSecret,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: USER_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [USER_REDIRECT_URI],
      },
      ...resolved.clients.map(clientMetadataFor),
    ],
  });

  const install = (keys: IdpKeyGeneration): Current => {
    const provider = new ProviderClass(issuer, providerConfiguration(setupFor(keys)));
    // The client gets a 500; the name and message (never a request or token) go to stderr unless quiet.
    provider.on('server_error', (_ctx, error) => reportInternalError(error));
    return { keys, provider, callback: provider.callback() };
  };

  try {
    current = install(firstKeys);
  } catch (error) {
    server.close();
    throw error;
  }

  function serveJwks(res: ServerResponse, active: Current): void {
    if (!jwksAvailable) {
      res.writeHead(503, {
        'content-type': 'application/json',
        'retry-after': '1',
        'cache-control': 'no-store',
      });
      res.end('{"error":"temporarily_unavailable","error_description":"JWKS outage (simulated)"}');
      return;
    }
    const keys = [active.keys.RS256.publicJwk, active.keys.ES256.publicJwk, ...previousPublicKeys];
    res.writeHead(200, {
      'content-type': 'application/jwk-set+json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify({ keys }));
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const active = current;
    if (active === undefined) throw new Error('not started');
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (path === '/.well-known/openid-configuration') counts.discovery += 1;
    if (path === '/token') counts.token += 1;
    if (path === '/jwks') {
      counts.jwks += 1;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
        res.end('Method not allowed');
        return;
      }
      serveJwks(res, active);
      return;
    }
    if (path === DEV_TOKEN_PATH) {
      await handleDevToken(req, res, {
        knownUser: (name) => resolved.users.has(name),
        tokensFor: (name, request) => tokensFor(name, request),
        accessTokenTtlSeconds: resolved.accessTokenTtlSeconds,
      });
      return;
    }
    if (path.startsWith('/interaction/')) {
      const segments = path.slice('/interaction/'.length).split('/');
      await handleInteraction(active.provider, req, res, segments, (name) => resolved.users.has(name));
      return;
    }
    active.callback(req, res);
  }

  function requireUser(userName: string): void {
    if (!resolved.users.has(userName)) {
      const known = [...resolved.users.keys()].join(', ') || '(none)';
      throw optionError(
        'userName',
        `names no user of the embedded IdP ("${userName}"); configured users: ${known}`,
      );
    }
  }

  async function tokensFor(userName: string, opts: IdpTokenRequest & { nonce?: string } = {}) {
    requireUser(userName);
    const response = await scriptedLogin({
      issuer,
      clientId: userClient.clientId,
      redirectUri: userClient.redirectUri,
      userName,
      scope: opts.scope ?? DEFAULT_USER_SCOPE,
      resource: resourceIndicatorFor(opts.audience ?? resolved.audience),
      ...(opts.nonce === undefined ? {} : { nonce: opts.nonce }),
    });
    if (response.id_token === undefined && (opts.scope ?? DEFAULT_USER_SCOPE).split(' ').includes('openid')) {
      throw new Error('embedded IdP: the token response has no id_token');
    }
    return {
      accessToken: response.access_token,
      idToken: response.id_token ?? '',
      ...(response.refresh_token === undefined ? {} : { refreshToken: response.refresh_token }),
    };
  }

  const requests: IdpRequestCounts = {
    get discovery() {
      return counts.discovery;
    },
    get jwks() {
      return counts.jwks;
    },
    get token() {
      return counts.token;
    },
  };

  return Object.freeze({
    issuer,
    jwksUri: `${issuer}/jwks`,
    serviceClient,
    userClient,
    requests,
    tokensFor,
    async tokenFor(userName: string, opts?: IdpTokenRequest) {
      return (await tokensFor(userName, opts)).accessToken;
    },
    async idTokenFor(userName: string, opts?: { nonce?: string }) {
      return (await tokensFor(userName, opts)).idToken;
    },
    async clientCredentialsToken(opts: IdpTokenRequest = {}) {
      const response = await postToken(issuer, {
        grant_type: 'client_credentials',
        client_id: serviceClient.clientId,
        client_secret: serviceClient.clientSecret,
        scope: opts.scope ?? DEFAULT_RESOURCE_SCOPE,
        resource: resourceIndicatorFor(opts.audience ?? resolved.audience),
      });
      return response.access_token;
    },
    signToken(claims: Record<string, unknown>, opts?: Parameters<EmbeddedIdp['signToken']>[1]) {
      const active = current;
      if (active === undefined) throw new Error('not started');
      return signWithKeys(active.keys, issuer, resolved.accessTokenTtlSeconds, claims, opts);
    },
    rotateKeys(opts: { dropOld?: boolean } = {}) {
      // Rotations run one after another, so none loses the keys another one retired.
      const run = rotation.then(async () => {
        const old = current;
        const next = install(await generateKeyGeneration());
        previousPublicKeys =
          opts.dropOld === true || old === undefined
            ? []
            : [old.keys.RS256.publicJwk, old.keys.ES256.publicJwk, ...previousPublicKeys];
        current = next;
      });
      rotation = run.catch(() => {});
      return run;
    },
    setJwksAvailable(up: boolean) {
      jwksAvailable = up;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.clear();
      // Nothing signs with these keys any more: the next IdP of this process may start with them.
      if (current !== undefined) releaseKeyGeneration(current.keys);
    },
  } satisfies EmbeddedIdp);
}
