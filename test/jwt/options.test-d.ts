import { describe, expectTypeOf, it } from 'vitest';
import { createJwtVerifier } from '../../src/index.js';
import type { IssuerOptions, JSONObject, JwtAlgorithm, VerifiedJwt } from '../../src/index.js';

describe('JwtVerifierOptions types', () => {
  it('requires issuer, audience and algorithms', () => {
    createJwtVerifier({ issuers: [{ issuer: 'https://a', audience: 'x', algorithms: ['RS256'] }] });
    createJwtVerifier({ issuers: [{ issuer: 'https://a', audience: null, algorithms: null }] });
    // @ts-expect-error audience is required (null is the only opt-out)
    createJwtVerifier({ issuers: [{ issuer: 'https://a', algorithms: ['RS256'] }] });
    // @ts-expect-error algorithms are required (null means every supported asymmetric algorithm)
    createJwtVerifier({ issuers: [{ issuer: 'https://a', audience: 'x' }] });
    // @ts-expect-error issuer is required
    createJwtVerifier({ issuers: [{ audience: 'x', algorithms: ['RS256'] }] });
    // @ts-expect-error undefined is not an opt-out
    createJwtVerifier({ issuers: [{ issuer: 'https://a', audience: undefined, algorithms: ['RS256'] }] });
  });

  it('refuses symmetric and unsigned algorithms in the types', () => {
    // @ts-expect-error HS256 is never accepted
    const hs: JwtAlgorithm = 'HS256';
    // @ts-expect-error none is never accepted
    const none: JwtAlgorithm = 'none';
    expectTypeOf<IssuerOptions['algorithms']>().toEqualTypeOf<readonly JwtAlgorithm[] | null>();
    void hs;
    void none;
  });

  it('types the result and carries the caller claim type', async () => {
    interface MyClaims extends JSONObject {
      email: string;
      groups: string[];
    }
    const verifier = createJwtVerifier<MyClaims>({
      issuers: [
        {
          issuer: 'https://a',
          audience: 'x',
          algorithms: null,
          check: (jwt) => {
            expectTypeOf(jwt.claims.groups).toEqualTypeOf<string[]>();
          },
        },
      ],
    });
    const result = await verifier.verify('t');
    expectTypeOf(result).toEqualTypeOf<VerifiedJwt<MyClaims>>();
    expectTypeOf(result.claims.email).toEqualTypeOf<string>();
    expectTypeOf(result.issuer).toEqualTypeOf<string>();
    expectTypeOf(result.subject).toEqualTypeOf<string | undefined>();
    expectTypeOf(result.expiresAt).toEqualTypeOf<number | undefined>();
    expectTypeOf(result.audience).toEqualTypeOf<readonly string[]>();
    // @ts-expect-error results are readonly
    result.issuer = 'x';
  });
});
