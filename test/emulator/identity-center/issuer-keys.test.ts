import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../src/emulator/core/types.js';
import { createSsoOidcModule } from '../../../src/emulator/identity-center/service.js';
import { APP_ARN, AUDIENCE, CALLER, testConfig, testRuntime } from './helpers/runtime.js';

const ISSUER = 'https://issuer.test';
const JWKS_URI = 'https://issuer.test/keys';

const { privateKey, publicKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
const discovery = { issuer: ISSUER, jwks_uri: JWKS_URI };

type Reply = { status?: number; body: string } | 'throw';

/** A fetch answering discovery and JWKS from the given replies, counting requests per URL. */
function fakeFetch(replies: { discovery?: Reply; jwks?: () => Reply }) {
  const counts = { discovery: 0, jwks: 0 };
  const fetcher = (async (input: string | URL | Request) => {
    const url = String(input);
    let reply: Reply | undefined;
    if (url === `${ISSUER}/.well-known/openid-configuration`) {
      counts.discovery++;
      reply = replies.discovery ?? { body: JSON.stringify(discovery) };
    } else if (url === JWKS_URI) {
      counts.jwks++;
      reply = replies.jwks ? replies.jwks() : { body: JSON.stringify({ keys: [jwk] }) };
    }
    if (!reply) return new Response('not found', { status: 404 });
    if (reply === 'throw') throw new TypeError('fetch failed');
    return new Response(reply.body, {
      status: reply.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { fetcher, counts };
}

async function harness(replies: Parameters<typeof fakeFetch>[0] = {}) {
  const { fetcher, counts } = fakeFetch(replies);
  const runtime = testRuntime(testConfig(ISSUER), { fetch: fetcher });
  const module = await createSsoOidcModule(runtime);
  const handler = module.handlers.CreateTokenWithIAM;
  if (!handler) throw new Error('no handler');
  const exchange = async (kid = 'k1') => {
    const assertion = await new SignJWT({ email: 'alice@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(runtime.now() / 1000))
      .setExpirationTime(Math.floor(runtime.now() / 1000) + 600)
      .sign(privateKey);
    return handler({
      service: 'sso-oauth',
      operation: 'CreateTokenWithIAM',
      caller: CALLER,
      input: { clientId: APP_ARN, grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion },
      raw: { method: 'POST', path: '/token', query: {}, headers: {}, body: Buffer.alloc(0), host: 'x' },
      state: runtime,
      now: runtime.now(),
      requestId: 'r',
      audit: () => undefined,
    });
  };
  return { runtime, counts, exchange };
}

describe('trusted token issuer keys', () => {
  const table: [string, Parameters<typeof fakeFetch>[0], RegExp][] = [
    ['discovery unreachable', { discovery: 'throw' }, /could not be fetched/],
    ['discovery 500', { discovery: { status: 500, body: '{}' } }, /HTTP 500/],
    ['discovery not JSON', { discovery: { body: '<html>' } }, /not JSON/],
    ['discovery an array', { discovery: { body: '[]' } }, /not a JSON object/],
    ['discovery null', { discovery: { body: 'null' } }, /not a JSON object/],
    [
      'discovery names another issuer',
      { discovery: { body: JSON.stringify({ ...discovery, issuer: 'https://x' }) } },
      /another issuer/,
    ],
    ['discovery without jwks_uri', { discovery: { body: JSON.stringify({ issuer: ISSUER }) } }, /jwks_uri/],
    [
      'discovery with a file jwks_uri',
      { discovery: { body: JSON.stringify({ issuer: ISSUER, jwks_uri: 'file:///etc/passwd' }) } },
      /jwks_uri/,
    ],
    [
      'discovery too large',
      { discovery: { body: JSON.stringify({ ...discovery, pad: 'x'.repeat(600_000) }) } },
      /too large/,
    ],
    ['JWKS unreachable', { jwks: () => 'throw' }, /could not be fetched/],
    ['JWKS 503', { jwks: () => ({ status: 503, body: '' }) }, /HTTP 503/],
    ['JWKS without keys', { jwks: () => ({ body: '{}' }) }, /no keys array/],
    ['JWKS keys not objects', { jwks: () => ({ body: '{"keys":[1,"a",null]}' }) }, /No key/],
    [
      'JWKS key malformed',
      { jwks: () => ({ body: JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: '!!', e: 'AQAB' }] }) }) },
      /./,
    ],
    [
      'JWKS with an HMAC key',
      { jwks: () => ({ body: JSON.stringify({ keys: [{ kty: 'oct', kid: 'k1', k: 'c2VjcmV0' }] }) }) },
      /./,
    ],
    [
      'JWKS with another key',
      { jwks: () => ({ body: JSON.stringify({ keys: [{ ...jwk, n: `${jwk.n?.slice(0, -4)}AAAA` }] }) }) },
      /./,
    ],
  ];
  it.each(table)('refuses with InvalidGrantException when %s', async (_name, replies, message) => {
    const h = await harness(replies);
    const error = await h.exchange().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect((error as AwsServiceError).code).toBe('InvalidGrantException');
    expect((error as AwsServiceError).message).toMatch(message);
  });

  it('caches the JWKS, refetches after the TTL, and refetches on an unknown kid at most once per cooldown', async () => {
    const h = await harness();
    await h.exchange();
    await h.exchange();
    expect(h.counts).toEqual({ discovery: 1, jwks: 1 });
    h.runtime.advance(5 * 60_000);
    await h.exchange();
    expect(h.counts).toEqual({ discovery: 2, jwks: 2 });
    await expect(h.exchange('rotated')).rejects.toMatchObject({ code: 'InvalidGrantException' });
    await expect(h.exchange('rotated')).rejects.toMatchObject({ code: 'InvalidGrantException' });
    expect(h.counts.jwks).toBe(3);
    h.runtime.advance(1000);
    await expect(h.exchange('rotated')).rejects.toMatchObject({ code: 'InvalidGrantException' });
    expect(h.counts.jwks).toBe(4);
  });
});
