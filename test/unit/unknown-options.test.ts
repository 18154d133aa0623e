/**
 * An unknown or misspelt option key is refused at construction, by every entry point that takes options,
 * with one stable code (`ERR_INVALID_OPTION`), the path of the key, and the nearest known key. Before,
 * such keys were ignored from JavaScript: `useRefreshToken: false` left refresh tokens on.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connector/connector.js';
import { resolveProfile } from '../../src/connector/profile.js';
import { createTokenCache } from '../../src/connector/token-cache/file-cache.js';
import { fromTrustedIdentity } from '../../src/credentials/from-trusted-identity.js';
import { startEmulator } from '../../src/emulator/start.js';
import { tipMiddleware } from '../../src/http/express.js';
import { tipPlugin } from '../../src/http/fastify.js';
import { createJwtVerifier } from '../../src/jwt/verifier.js';
import { athena } from '../../src/services/athena/handle.js';
import { createServiceContext } from '../../src/services/context.js';
import { redshift } from '../../src/services/redshift/handle.js';
import { s3AccessGrants } from '../../src/services/s3/access-grants.js';
import { redisCacheStore } from '../../src/redis/index.js';
import { createTrustedIdentity } from '../../src/tip.js';
import { createEmulatorHandlers, demoEmulatorConfig } from '../../src/testing.js';

const issuers = [{ issuer: 'https://idp.example.com', audience: 'api', algorithms: ['RS256' as const] }];
const base = {
  region: 'us-east-1',
  issuers,
  applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd',
  accessRoleArn: 'arn:aws:iam::123456789012:role/r',
};
const { issuers: _i, ...providerBase } = base;
const ctx = {
  credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' }),
  region: 'us-east-1',
};
const tip = { forToken: async () => ({}) as never };
const profile = resolveProfile('p', {
  region: 'us-east-1',
  issuer: 'https://idp.example.com',
  clientId: 'desk',
});

const redisKey = { id: 'k1', key: Buffer.from(Array.from({ length: 32 }, (_, i) => i)) };
const redisBase = {
  client: { sendCommand: async () => null },
  encryption: { keys: [redisKey] },
};

type Case = readonly [entry: string, option: string, create: () => unknown, hint: RegExp];

// `as never`: from JavaScript, where the compiler does not stop the key.
const CASES: readonly Case[] = [
  [
    'createTrustedIdentity',
    'useRefreshToken',
    () => createTrustedIdentity({ ...base, useRefreshToken: false } as never),
    /did you mean `useRefreshTokens`/,
  ],
  [
    'createTrustedIdentity',
    'timeout',
    () => createTrustedIdentity({ ...base, timeout: 5_000 } as never),
    /did you mean `timeouts`/,
  ],
  [
    'createTrustedIdentity (a nested key at the top)',
    'maxUsers',
    () => createTrustedIdentity({ ...base, maxUsers: 5 } as never),
    /did you mean `cache\.maxUsers`/,
  ],
  [
    'createTrustedIdentity cache',
    'cache.maxUser',
    () => createTrustedIdentity({ ...base, cache: { maxUser: 5 } } as never),
    /cache\.maxUsers/,
  ],
  [
    'createTrustedIdentity timeouts',
    'timeouts.retries',
    () => createTrustedIdentity({ ...base, timeouts: { retries: 2 } } as never),
    /not an option of createTrustedIdentity/,
  ],
  [
    'createTrustedIdentity verifierOptions',
    'verifierOptions.maxTokenByte',
    () => createTrustedIdentity({ ...base, verifierOptions: { maxTokenByte: 1 } } as never),
    /verifierOptions\.maxTokenBytes/,
  ],
  [
    'createTrustedIdentity issuers[0]',
    'issuers[0].audiences',
    () => createTrustedIdentity({ ...base, issuers: [{ ...issuers[0], audiences: 'api' }] } as never),
    /issuers\[0\]\.audience`/,
  ],
  [
    'fromTrustedIdentity (no issuers there)',
    'issuers',
    () => fromTrustedIdentity({ ...providerBase, token: 'x', issuers } as never),
    /not an option of fromTrustedIdentity/,
  ],
  [
    'createJwtVerifier',
    'jwksCach',
    () => createJwtVerifier({ issuers, jwksCach: {} } as never),
    /did you mean `jwksCache`/,
  ],
  [
    'createJwtVerifier jwksCache',
    'jwksCache.maxAge',
    () => createJwtVerifier({ issuers, jwksCache: { maxAge: 1 } } as never),
    /jwksCache\.maxAgeMs/,
  ],
  ['tipMiddleware', 'relm', () => tipMiddleware(tip, { relm: 'api' } as never), /did you mean `realm`/],
  [
    'tipMiddleware csrf',
    'csrf.trustedOrigin',
    () => tipMiddleware(tip, { csrf: { trustedOrigin: [] } } as never),
    /csrf\.trustedOrigins/,
  ],
  [
    'createServiceContext',
    'clientconfig',
    () => createServiceContext({ ...ctx, clientconfig: {} } as never),
    /did you mean `clientConfig`/,
  ],
  [
    'createServiceContext retry',
    'retry.attempts',
    () => createServiceContext({ ...ctx, retry: { attempts: 2 } } as never),
    /not an option/,
  ],
  ['athena()', 'clients', () => athena(ctx, { clients: {} } as never), /did you mean `client`/],
  [
    'redshift()',
    'dataClients',
    () => redshift(ctx, { dataClients: {} } as never),
    /did you mean `dataClient`/,
  ],
  [
    's3AccessGrants()',
    'acountId',
    () => s3AccessGrants(ctx, { acountId: '123456789012' } as never),
    /did you mean `accountId`/,
  ],
  [
    'S3AccessGrants.client()',
    'clientconfig',
    () => s3AccessGrants(ctx).client({ fallback: undefined, clientconfig: {} } as never),
    /did you mean `clientConfig`/,
  ],
  [
    'createConnector',
    'opne',
    () => createConnector(profile, { opne: false } as never),
    /did you mean `open`/,
  ],
  [
    'createTokenCache',
    'directory',
    () => createTokenCache({ directory: '/tmp/x' } as never),
    /not an option of createTokenCache/,
  ],
  [
    'createTokenCache lock',
    'lock.timeout',
    () => createTokenCache({ lock: { timeout: 1 } } as never),
    /lock\.timeoutMs/,
  ],
  [
    'redisCacheStore',
    'commandTimeout',
    () => redisCacheStore({ ...redisBase, commandTimeout: 100 } as never),
    /did you mean `commandTimeoutMs`/,
  ],
  [
    'redisCacheStore circuitBreaker',
    'circuitBreaker.openForMs',
    () => redisCacheStore({ ...redisBase, circuitBreaker: { openForMs: 100 } } as never),
    /circuitBreaker\.openMs/,
  ],
  [
    'redisCacheStore encryption key',
    'encryption.keys[0].secret',
    () => redisCacheStore({ ...redisBase, encryption: { keys: [{ ...redisKey, secret: 'x' }] } } as never),
    /not an option of redisCacheStore/,
  ],
];

describe('unknown option keys', () => {
  it.each(CASES)('%s refuses `%s`', (_entry, option, create, hint) => {
    let thrown: unknown;
    try {
      create();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown).toMatchObject({ code: 'ERR_INVALID_OPTION', option });
    expect((thrown as Error).message).toContain(`option \`${option}\``);
    expect((thrown as Error).message).toMatch(hint);
  });

  it('tipPlugin refuses one when Fastify registers it', async () => {
    const app = Fastify();
    app.register(tipPlugin, { tip, relm: 'api' } as never);
    await expect(app.ready()).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'relm' });
    await app.close();
  });

  it.each([
    [
      'startEmulator',
      () => startEmulator(demoEmulatorConfig(), { prot: 0 } as never),
      'prot',
      /did you mean `port`/,
    ],
    [
      'createEmulatorHandlers',
      () => createEmulatorHandlers(demoEmulatorConfig(), { quite: true } as never),
      'quite',
      /did you mean `quiet`/,
    ],
    [
      'startEmulator services',
      () => startEmulator(demoEmulatorConfig(), { services: { s3control: false } } as never),
      'services.s3control',
      /services\.s3-control/,
    ],
  ] as const)('%s refuses one before starting anything', async (_entry, create, option, hint) => {
    const error = await create().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_INVALID_OPTION', option });
    expect((error as Error).message).toMatch(hint);
  });

  it('a key set to undefined, and the keys the types declare, pass', () => {
    const made = createTrustedIdentity({ ...base, useRefreshTokens: undefined, cache: { maxUsers: 5 } });
    expect(made.cachedUsers).toBe(0);
    expect(typeof tipMiddleware(tip, { realm: 'api', respond: undefined })).toBe('function');
  });
});
