/**
 * No token a client controls can make either adapter answer 500 or log above `info`: the whole table of
 * hostile tokens, a token whose `kid` names an encryption key, and arbitrary strings, sent to real
 * Express and Fastify servers whose trusted identity and adapter both log through a real pino logger.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrustedIdentity } from '../../src/tip.js';
import type { IssuerOptions } from '../../src/jwt/types.js';
import { HOSTILE_CASES } from '../jwt/hostile-tokens.js';
import {
  AUDIENCE,
  ISSUER,
  KEYS,
  NOW_MS,
  TOLERANT_ISSUER,
  claims,
  publishedJwks,
  signJwt,
} from '../jwt/kit.js';
import { capturePino } from '../support/pino-capture.js';
import { type StartServer, type TestServer, startExpress, startFastify } from './servers.js';

/** A published key meant for encryption: a token naming it must be refused as the client's fault. */
const ENC_KEY = { ...KEYS.rsa2.jwk, kid: 'enc-1', use: 'enc' };
const jwks = { keys: [...publishedJwks().keys, ENC_KEY] };
const base = { audience: AUDIENCE, algorithms: null, typ: 'at+jwt', jwks };
const issuers: IssuerOptions[] = [
  { issuer: ISSUER, ...base },
  { issuer: TOLERANT_ISSUER, clockToleranceSeconds: 60, ...base },
];
/** What a header can carry: fetch refuses other characters before any request is made. */
const SENDABLE = /^[\x21-\x7e]*$/;

describe.each<[string, StartServer]>([
  ['Express', startExpress],
  ['Fastify', startFastify],
])('%s: client-controlled tokens', (_name, start) => {
  const pino = capturePino();
  let server: TestServer;
  beforeAll(async () => {
    const tip = createTrustedIdentity({
      region: 'us-east-1',
      issuers,
      applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd',
      accessRoleArn: 'arn:aws:iam::123456789012:role/identity-bearer',
      clock: () => NOW_MS,
      logger: pino.logger,
    });
    server = await start(tip, { realm: 'r', logger: pino.logger });
  });
  afterAll(() => server?.close());

  async function send(token: string) {
    const res = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return {
      status: res.status,
      code: text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : text,
    };
  }
  const warnings = () => pino.records().filter((r) => r.level >= 40);

  it('answers 401 ERR_JWK_INVALID for a token whose kid names an encryption key, logging at debug', async () => {
    const token = signJwt(claims(), 'RS256', {
      key: 'rsa2',
      header: { alg: 'RS256', kid: 'enc-1', typ: 'at+jwt' },
    });
    expect(await send(token)).toEqual({ status: 401, code: 'ERR_JWK_INVALID' });
    expect(warnings()).toEqual([]);
  });

  it('answers every refused hostile token with 400 or 401 and its code, never 500, never a warning', async () => {
    const seen: string[] = [];
    for (const c of HOSTILE_CASES) {
      const token = c.token();
      if (c.expect === 'ok' || typeof token !== 'string' || !SENDABLE.test(token) || token.length === 0)
        continue;
      const out = await send(token);
      seen.push(c.name);
      // Node's own 16 KiB header limit answers first (431), before any adapter runs.
      if (token.length > 16_000) expect(out.status, c.name).toBe(431);
      else if (out.status === 400) expect(out.code, c.name).toBe('ERR_BEARER_MALFORMED');
      else expect({ name: c.name, ...out }).toEqual({ name: c.name, status: 401, code: c.expect });
    }
    expect(seen.length).toBeGreaterThan(60);
    expect(warnings()).toEqual([]);
  });

  it('property: arbitrary token-like strings never cause a 500 or a warning', async () => {
    const b64token = fc.string({
      unit: fc.constantFrom(...'ABCXYZabcxyz0189-._~+/='.split(''), 'eyJ', '.'),
      minLength: 1,
      maxLength: 300,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(b64token, fc.string({ unit: 'binary-ascii', maxLength: 100 })),
        async (raw) => {
          const token = raw.trim();
          if (!SENDABLE.test(token) || token.length === 0) return;
          const out = await send(token);
          expect([400, 401]).toContain(out.status);
        },
      ),
      { numRuns: 150 },
    );
    expect(warnings()).toEqual([]);
  });
});
