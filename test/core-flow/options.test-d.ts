import { expectTypeOf, test } from 'vitest';
import { createTrustedIdentity, fromTrustedIdentity } from '../../src/index.js';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { UserSession } from '../../src/index.js';

const issuers = [{ issuer: 'https://idp.example.com', audience: 'api', algorithms: ['RS256'] as const }];
const applicationArn = 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd';
const accessRoleArn = 'arn:aws:iam::123456789012:role/r';

test('required options', () => {
  // region defaults to AWS_REGION / AWS_DEFAULT_REGION, as for any SDK v3 client
  createTrustedIdentity({ issuers, applicationArn, accessRoleArn });
  fromTrustedIdentity({ token: 'x', applicationArn, accessRoleArn });
  // @ts-expect-error applicationArn is required
  createTrustedIdentity({ region: 'us-east-1', issuers, accessRoleArn });
  // @ts-expect-error accessRoleArn is required
  createTrustedIdentity({ region: 'us-east-1', issuers, applicationArn });
  // @ts-expect-error token is required
  fromTrustedIdentity({ region: 'us-east-1', applicationArn, accessRoleArn });
});

test('result types', () => {
  const tip = createTrustedIdentity({ region: 'us-east-1', issuers, applicationArn, accessRoleArn });
  expectTypeOf(tip.forToken).returns.resolves.toEqualTypeOf<UserSession>();
  expectTypeOf<UserSession['credentials']>().toEqualTypeOf<AwsCredentialIdentityProvider>();
  expectTypeOf(
    fromTrustedIdentity({ region: 'us-east-1', token: 'x', applicationArn, accessRoleArn }),
  ).toEqualTypeOf<AwsCredentialIdentityProvider>();
});

test('an unknown or misspelt key does not compile', () => {
  const base = { region: 'us-east-1', issuers, applicationArn, accessRoleArn };
  // @ts-expect-error the option is useRefreshTokens
  createTrustedIdentity({ ...base, useRefreshToken: false });
  // @ts-expect-error the option is timeouts
  createTrustedIdentity({ ...base, timeout: 5_000 });
});

test('sessionExpiry is one of two named behaviours', () => {
  const base = { region: 'us-east-1', issuers, applicationArn, accessRoleArn };
  createTrustedIdentity({ ...base, sessionExpiry: 'jwt' });
  createTrustedIdentity({ ...base, sessionExpiry: 'refresh-token' });
  // @ts-expect-error a boolean is not a sessionExpiry
  createTrustedIdentity({ ...base, sessionExpiry: true });
  createTrustedIdentity({ ...base, cache: { refusalTtl: 0, maxExchangedJwts: 200_000 } });
});
