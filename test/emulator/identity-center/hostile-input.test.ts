import fc from 'fast-check';
import { anyJsonValue } from '../../support/code-points.js';
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../src/emulator/core/types.js';
import { createSsoOidcModule } from '../../../src/emulator/identity-center/service.js';
import { APP_ARN, CALLER, testConfig, testRuntime } from './helpers/runtime.js';

const ISSUER = 'https://issuer.test';
const runtime = testRuntime(testConfig(ISSUER), {
  fetch: (async () =>
    new Response(JSON.stringify({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, keys: [] }))) as typeof fetch,
});
const module = await createSsoOidcModule(runtime);
const handler = module.handlers.CreateTokenWithIAM as NonNullable<typeof module.handlers.CreateTokenWithIAM>;

const GRANTS = [
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'authorization_code',
];
/** Codes a refusal may carry; InternalServerException is not among them: no input may cause one. */
const CLIENT_CODES = [
  'InvalidRequestException',
  'InvalidClientException',
  'InvalidGrantException',
  'InvalidScopeException',
  'UnauthorizedClientException',
  'UnsupportedGrantTypeException',
  'AccessDeniedException',
  'ExpiredTokenException',
];

async function outcome(input: Record<string, unknown>): Promise<AwsServiceError> {
  try {
    await handler({
      service: 'sso-oauth',
      operation: 'CreateTokenWithIAM',
      caller: CALLER,
      input,
      raw: { method: 'POST', path: '/token', query: {}, headers: {}, body: Buffer.alloc(0), host: 'x' },
      state: runtime,
      now: runtime.now(),
      requestId: 'r',
      audit: () => undefined,
    });
  } catch (error) {
    return error as AwsServiceError;
  }
  throw new Error('a hostile request was granted');
}

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwtLike = fc
  .tuple(anyJsonValue(), anyJsonValue(), fc.string())
  .map(([header, payload, sig]) => `${b64(header)}.${b64(payload)}.${b64(sig)}`);
const hostileHeader = fc
  .record({
    alg: fc.constantFrom('RS256', 'ES256', 'none', 'HS256', 'PS256', '', 'rs256'),
    kid: fc.option(fc.string()),
  })
  .map((h) => b64(h));
const hostilePayload = fc
  .record({
    iss: fc.constantFrom(ISSUER, `${ISSUER}/`, 'https://evil.test', ''),
    aud: fc.oneof(fc.string(), fc.array(fc.string())),
    exp: fc.oneof(fc.integer(), fc.double(), fc.string()),
    email: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
  })
  .map((p) => b64(p));

describe('CreateTokenWithIAM hostile input', () => {
  it('property: any body yields an sso-oidc client error, never a crash or a grant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            clientId: fc.oneof(fc.constant(APP_ARN), fc.string(), anyJsonValue()),
            grantType: fc.oneof(fc.constantFrom(...GRANTS), fc.string(), anyJsonValue()),
            assertion: fc.oneof(fc.string(), jwtLike, anyJsonValue()),
            refreshToken: fc.oneof(fc.string(), anyJsonValue()),
            subjectToken: fc.oneof(fc.string(), anyJsonValue()),
            subjectTokenType: fc.oneof(
              fc.constant('urn:ietf:params:oauth:token-type:access_token'),
              fc.string(),
            ),
            code: fc.oneof(fc.string(), anyJsonValue()),
            redirectUri: fc.oneof(fc.constant('http://127.0.0.1:7890/callback'), fc.string()),
            scope: fc.oneof(fc.array(fc.string()), anyJsonValue()),
          },
          { requiredKeys: [] },
        ),
        async (input) => {
          const error = await outcome(input);
          expect(error).toBeInstanceOf(AwsServiceError);
          expect(CLIENT_CODES).toContain(error.code);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: JWT-shaped assertions with hostile headers and claims are refused as InvalidGrantException', async () => {
    await fc.assert(
      fc.asyncProperty(hostileHeader, hostilePayload, fc.string(), async (header, payload, sig) => {
        const error = await outcome({
          clientId: APP_ARN,
          grantType: GRANTS[0],
          assertion: `${header}.${payload}.${b64(sig)}`,
        });
        expect(error.code).toBe('InvalidGrantException');
        expect(error.message).not.toContain(payload);
      }),
      { numRuns: 300 },
    );
  });
});
