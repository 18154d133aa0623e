/**
 * An in-process fake of CreateTokenWithIAM and AssumeRole, injected as the sso-oidc and STS clients of
 * `createTrustedIdentity` (no HTTP), so a bench measures the library's own cost. It counts calls and sizes
 * its opaque secrets like AWS's (see {@link SECRET_SIZES}); each JWT subject maps to its own IdC user.
 */
import { createTrustedIdentity } from '../../src/index.js';
import type { TrustedIdentity, TrustedIdentityOptions } from '../../src/index.js';

/** The application ARN the fake answers for. */
export const FAKE_APP = 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd';
/** The access role ARN. */
export const FAKE_ROLE = 'arn:aws:iam::123456789012:role/identity-bearer';

const SCALE = Number(process.env.BENCH_SECRET_SCALE ?? 1);
/** Characters of each opaque secret the fake returns (`BENCH_SECRET_SCALE` scales them; default 1). */
export const SECRET_SIZES = Object.freeze({
  accessToken: Math.round(512 * SCALE),
  refreshToken: Math.round(512 * SCALE),
  identityContext: Math.max(8, Math.round(1024 * SCALE)),
  sessionToken: Math.round(1024 * SCALE),
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const filler = (n: number, seed: string) => seed.padEnd(n, 'x');

/** The fake's clients and its call counts. */
export interface FakeAws {
  readonly counts: { exchange: number; assumeRole: number };
  readonly ssoOidc: { send(command: { input: Record<string, unknown> }): Promise<unknown> };
  readonly sts: { send(command: { input: Record<string, unknown> }): Promise<unknown> };
}

/** A new fake with zeroed counts. */
export function fakeAws(): FakeAws {
  const counts = { exchange: 0, assumeRole: 0 };
  let n = 0;
  const now = () => Math.floor(Date.now() / 1000);
  return {
    counts,
    ssoOidc: {
      send: async (command) => {
        counts.exchange += 1;
        n += 1;
        const assertion = String(command.input.assertion ?? '');
        const sub =
          JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString() || '{}').sub ?? 'r';
        const user = `u-${sub}`;
        const ctx = filler(SECRET_SIZES.identityContext, `ctx-${user}-${n}-`);
        const claims = {
          sub: user,
          aud: FAKE_APP,
          exp: now() + 3600,
          'sts:identity_context': ctx,
          'aws:identity_store_id': 'd-1234567890',
        };
        return {
          $metadata: { requestId: `r-${n}` },
          accessToken: filler(SECRET_SIZES.accessToken, `at-${n}-`),
          tokenType: 'Bearer',
          expiresIn: 3600,
          refreshToken: filler(SECRET_SIZES.refreshToken, `rt-${n}-`),
          idToken: `${b64({ alg: 'RS256' })}.${b64(claims)}.c2ln`,
          awsAdditionalDetails: { identityContext: ctx },
        };
      },
    },
    sts: {
      send: async (command) => {
        counts.assumeRole += 1;
        n += 1;
        return {
          $metadata: { requestId: `s-${n}` },
          Credentials: {
            AccessKeyId: `ASIA${String(n).padStart(16, '0')}`,
            SecretAccessKey: filler(40, `secret${n}`),
            SessionToken: filler(SECRET_SIZES.sessionToken, `st-${n}-`),
            Expiration: new Date(Date.now() + 3_600_000),
          },
          AssumedRoleUser: {
            Arn: `arn:aws:sts::123456789012:assumed-role/identity-bearer/${String(command.input.RoleSessionName)}`,
          },
        };
      },
    },
  };
}

/** `createTrustedIdentity` against `aws`, with `options` (issuers or a verifier, cache settings…). */
export function tipWithFake(aws: FakeAws, options: Partial<TrustedIdentityOptions>): TrustedIdentity {
  return createTrustedIdentity({
    region: 'us-east-1',
    applicationArn: FAKE_APP,
    accessRoleArn: FAKE_ROLE,
    ssoOidcClient: aws.ssoOidc,
    stsClient: aws.sts,
    ...options,
  } as TrustedIdentityOptions);
}
