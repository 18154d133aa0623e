import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { describe, expect, it } from 'vitest';
import { allowInsecureRequests } from '../../src/jwt/insecure.js';
import { fromTrustedIdentity } from '../../src/credentials/from-trusted-identity.js';
import { isTipError } from '../../src/errors.js';
import {
  ACCESS_ROLE,
  APP,
  APPLICATION_ROLE,
  BULK_USERS,
  NO_SETCONTEXT_ROLE,
  USERS,
  emulatorTip,
  mintToken,
  useCoreEmulator,
} from './helpers/emulator.js';
import { waitFor } from './helpers/fake-aws.js';

const emu = useCoreEmulator();

const token = (user: string) => emu.idp!.tokenFor(user);
const exchanges = () => emu.counters.get('CreateTokenWithIAM');
const assumes = () => emu.counters.get('AssumeRole');
const HOUR = 3_600_000;

async function whoAmI(credentials: AwsCredentialIdentityProvider) {
  const { region: _r, maxAttempts: _m, credentials: _c, ...rest } = emu.clientConfig({ service: 'sts' });
  const client = new STSClient({ ...rest, region: emu.region, credentials });
  try {
    return await client.send(new GetCallerIdentityCommand({}));
  } finally {
    client.destroy();
  }
}

describe('core flow against the emulator', () => {
  it('gives several users their own identity-enhanced credentials', async () => {
    const { tip } = emulatorTip(emu);
    const users = USERS.slice(0, 4);
    const sessions = await Promise.all(users.map(async (u) => tip.forToken(await token(u))));
    const idcUsers = emu.config.identityCenter.users;
    for (const [i, session] of sessions.entries()) {
      const expected = idcUsers.find((x) => x.userName === users[i])!;
      expect(session.identity.idcUserId).toBe(expected.userId);
      expect(session.identity.identityStoreId).toBe('d-1234567890');
      const me = await whoAmI(session.credentials);
      expect(me.Arn).toBe(`arn:aws:sts::123456789012:assumed-role/analytics/tip-${expected.userId}`);
      const seen = emu.auditLog.find({ operation: 'GetCallerIdentity', callerArn: me.Arn! });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((e) => e.idcUser === users[i])).toBe(true);
    }
    expect(exchanges()).toBe(4);
    expect(assumes()).toBe(4);
  });

  it('200 concurrent forToken calls for one user make 1 CreateTokenWithIAM and 1 AssumeRole', async () => {
    const { tip } = emulatorTip(emu);
    const jwt = await token('user5');
    await Promise.all(Array.from({ length: 200 }, () => tip.forToken(jwt)));
    expect(exchanges()).toBe(1);
    expect(assumes()).toBe(1);
  });

  it('many users × many requests make one exchange and one AssumeRole per user; after expiry one refresh each', async () => {
    const { tip } = emulatorTip(emu);
    const jwts = await Promise.all(USERS.map((u) => token(u)));
    await Promise.all(jwts.flatMap((jwt) => Array.from({ length: 20 }, () => tip.forToken(jwt))));
    expect(exchanges()).toBe(USERS.length);
    expect(assumes()).toBe(USERS.length);
    emu.counters.reset();
    emu.clock.advance(HOUR + 1_000);
    const fresh = await Promise.all(USERS.map((u) => token(u)));
    await Promise.all(fresh.flatMap((jwt) => Array.from({ length: 5 }, () => tip.forToken(jwt))));
    // Per user: a refresh_token call (whose answer has no identity context here) and one JWT-bearer exchange.
    expect(emu.counters.get('CreateTokenWithIAM')).toBe(2 * USERS.length);
    expect(assumes()).toBe(USERS.length);
  });

  it('100 users × 20 requests make 100 exchanges and 100 AssumeRole calls; after expiry 100 and 100 again', async () => {
    const { tip } = emulatorTip(emu, { useRefreshTokens: false });
    const mint = () => Promise.all(BULK_USERS.map((u) => mintToken(emu, u)));
    const [first, second] = [await mint(), await mint()];
    const requests = [first, second].flatMap((jwts) =>
      jwts.flatMap((jwt) => Array.from({ length: 10 }, () => jwt)),
    );
    expect(requests).toHaveLength(2000);
    await Promise.all(requests.map((jwt) => tip.forToken(jwt)));
    expect(exchanges()).toBe(100);
    expect(assumes()).toBe(100);
    emu.counters.reset();
    emu.clock.advance(HOUR + 1_000);
    const third = await mint();
    await Promise.all(third.flatMap((jwt) => Array.from({ length: 5 }, () => tip.forToken(jwt))));
    expect(exchanges()).toBe(100);
    expect(assumes()).toBe(100);
  });

  it('with refresh tokens off, after expiry exactly one exchange and one AssumeRole per user', async () => {
    const { tip } = emulatorTip(emu, { useRefreshTokens: false });
    await Promise.all(USERS.map(async (u) => tip.forToken(await token(u))));
    emu.counters.reset();
    emu.clock.advance(HOUR + 1_000);
    const fresh = await Promise.all(USERS.map((u) => token(u)));
    await Promise.all(fresh.flatMap((jwt) => Array.from({ length: 5 }, () => tip.forToken(jwt))));
    expect(exchanges()).toBe(USERS.length);
    expect(assumes()).toBe(USERS.length);
  });

  it('refreshes before expiry under the emulator clock, in the background', async () => {
    const { tip, events } = emulatorTip(emu);
    const first = await tip.forToken(await token('user1'));
    const c1 = await first.credentials();
    emu.clock.advance(HOUR - 120_000);
    const again = await tip.forToken(await token('user1'));
    expect((await again.credentials()).sessionToken).toBe(c1.sessionToken); // served while refreshing
    await waitFor(() => events.some((e) => e.type === 'cache.refresh'));
    expect(events.find((e) => e.type === 'cache.refresh')).toMatchObject({ outcome: 'succeeded' });
    expect(
      events.filter((e) => e.type === 'exchange.succeeded').map((e) => (e as { grant: string }).grant),
    ).toEqual(['jwt-bearer', 'refresh-token', 'jwt-bearer']);
    const c2 = await again.credentials();
    expect(c2.sessionToken).not.toBe(c1.sessionToken);
    expect(c2.expiration!.getTime()).toBeGreaterThan(c1.expiration!.getTime());
    expect((await whoAmI(again.credentials)).Arn).toContain(`tip-${first.identity.idcUserId}`);
  });

  it('never re-exchanges a JWT: after expiry the same token gets ERR_IDC_TOKEN_REUSED, a fresh one works', async () => {
    const { tip } = emulatorTip(emu);
    const jwt1 = await token('user2');
    await tip.forToken(jwt1);
    emu.clock.advance(HOUR + 1_000);
    const before = exchanges();
    const reused = await tip.forToken(jwt1).catch((e: unknown) => e);
    expect(isTipError(reused, 'ERR_IDC_TOKEN_REUSED')).toBe(true);
    expect(emu.counters.get('CreateTokenWithIAM') - before).toBe(1); // the refresh attempt, never the JWT
    const session = await tip.forToken(await token('user2'));
    expect((await whoAmI(session.credentials)).Arn).toContain(`tip-${session.identity.idcUserId}`);
  });

  it('signs the exchange with bootstrap credentials from AssumeRoleWithWebIdentity', async () => {
    const { tip } = emulatorTip(emu, { applicationRoleArn: APPLICATION_ROLE });
    const session = await tip.forToken(await token('user3'));
    expect(emu.counters.get('AssumeRoleWithWebIdentity')).toBe(1);
    const exchange = emu.auditLog.find({ operation: 'CreateTokenWithIAM', outcome: 'allowed' }).at(-1);
    expect(exchange?.callerArn).toContain('assumed-role/application/');
    expect((await whoAmI(session.credentials)).Arn).toContain(`tip-${session.identity.idcUserId}`);
  });

  it.each([
    ['an unassigned user', async () => ({ jwt: await token('outsider') }), 'ERR_IDC_ACCESS_DENIED'],
    [
      'a role without sts:SetContext',
      async () => ({ jwt: await token('user4'), accessRoleArn: NO_SETCONTEXT_ROLE }),
      'ERR_STS_ACCESS_DENIED',
    ],
    [
      'an unknown application',
      async () => ({
        jwt: await token('user4'),
        applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-ffffffffffffffff',
      }),
      'ERR_IDC_INVALID_CLIENT',
    ],
  ])('surfaces %s as a typed error', async (_n, setup, code) => {
    const { jwt, ...overrides } = await setup();
    const { tip } = emulatorTip(emu, overrides);
    const error = await tip.forToken(jwt).catch((e: unknown) => e);
    expect(isTipError(error, code as never)).toBe(true);
    expect(JSON.stringify(error)).not.toContain(jwt);
  });

  it('surfaces an audience IdC does not authorize as ERR_IDC_INVALID_GRANT', async () => {
    const { tip } = emulatorTip(emu, {
      issuers: [
        allowInsecureRequests({
          issuer: emu.idp!.issuer,
          audience: ['tip-sdk-demo', 'another-api'],
          algorithms: ['RS256', 'ES256'],
        }),
      ],
    });
    const jwt = await emu.idp!.tokenFor('user4', { audience: 'another-api' });
    const error = await tip.forToken(jwt).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_IDC_INVALID_GRANT')).toBe(true);
  });

  it('surfaces wrong service keys as ERR_AWS_CREDENTIALS', async () => {
    const { tip } = emulatorTip(emu, {
      clientConfig: {
        endpoint: emu.url,
        credentials: {
          accessKeyId: 'AKIDSERVICE0000000001',
          secretAccessKey: 'not-the-secret-key-000000000',
        },
      },
    });
    const error = await tip.forToken(await token('user4')).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_AWS_CREDENTIALS')).toBe(true);
  });

  it.each([
    ['sso-oauth:CreateTokenWithIAM', 'InvalidRequestRegionException', 400, 'ERR_IDC_WRONG_REGION'],
    ['sso-oauth:CreateTokenWithIAM', 'InvalidScopeException', 400, 'ERR_IDC_INVALID_SCOPE'],
    ['sso-oauth:CreateTokenWithIAM', 'UnauthorizedClientException', 400, 'ERR_IDC_UNAUTHORIZED_CLIENT'],
    ['sso-oauth:CreateTokenWithIAM', 'UnsupportedGrantTypeException', 400, 'ERR_IDC_UNSUPPORTED_GRANT_TYPE'],
    ['sso-oauth:CreateTokenWithIAM', 'InvalidRequestException', 400, 'ERR_IDC_INVALID_REQUEST'],
    ['sso-oauth:CreateTokenWithIAM', 'ExpiredTokenException', 400, 'ERR_IDC_EXPIRED_TOKEN'],
    ['sts:AssumeRole', 'ExpiredTokenException', 400, 'ERR_STS_CONTEXT_REJECTED'],
    ['sts:AssumeRole', 'InvalidParameterValue', 400, 'ERR_STS_CONTEXT_REJECTED'],
    ['sts:AssumeRole', 'InvalidContextAssertion', 400, 'ERR_STS_CONTEXT_REJECTED'],
  ])('maps %s answering %s to %s over the wire', async (operation, code, status, tipCode) => {
    const { tip } = emulatorTip(emu);
    emu.faults.inject({ operation, error: { code, message: `${code} (injected)`, status } });
    const error = await tip.forToken(await token('user6')).catch((e: unknown) => e);
    expect(isTipError(error, tipCode as never)).toBe(true);
    expect((error as { requestId?: string }).requestId).toBeTruthy();
  });

  it('maps injected throttling and 5xx faults, retrying them', async () => {
    const { tip } = emulatorTip(emu);
    emu.faults.inject({ operation: 'sts:AssumeRole', status5xx: 503, times: Number.POSITIVE_INFINITY });
    const down = await tip.forToken(await token('user3')).catch((e: unknown) => e);
    expect(isTipError(down, 'ERR_AWS_UNAVAILABLE')).toBe(true);
    emu.faults.clear();
    emu.faults.inject({ operation: 'sso-oauth:CreateTokenWithIAM', throttle: true, times: 2 });
    emu.faults.inject({ operation: 'sts:AssumeRole', status5xx: 500, times: 1 });
    const session = await tip.forToken(await token('user6'));
    expect(session.identity.subject).toBeTruthy();
    emu.faults.inject({
      operation: 'sso-oauth:CreateTokenWithIAM',
      throttle: true,
      times: Number.POSITIVE_INFINITY,
    });
    const error = await tip.forToken(await token('user7')).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_AWS_THROTTLED')).toBe(true);
  });

  it('fromTrustedIdentity gives an SDK client the user identity, with one exchange for many calls', async () => {
    const { region: _r, maxAttempts: _m, ...clientConfig } = emu.clientConfig({ service: 'sts' });
    const jwt = await token('user0');
    const provider = fromTrustedIdentity({
      region: emu.region,
      token: jwt,
      applicationArn: APP,
      accessRoleArn: ACCESS_ROLE,
      clientConfig,
      clock: () => emu.clock.now(),
    });
    const arns = await Promise.all(Array.from({ length: 5 }, async () => (await whoAmI(provider)).Arn));
    const user = emu.config.identityCenter.users.find((u) => u.userName === 'user0')!;
    expect(new Set(arns)).toEqual(
      new Set([`arn:aws:sts::123456789012:assumed-role/analytics/tip-${user.userId}`]),
    );
    expect(exchanges()).toBe(1);
    expect(assumes()).toBe(1);
  });

  it('rejects a token from an unknown issuer before calling AWS', async () => {
    const { tip } = emulatorTip(emu);
    const forged = await emu.idp!.signToken({
      iss: 'https://evil.example.com',
      sub: 'x',
      aud: 'tip-sdk-demo',
    });
    const error = await tip.forToken(forged).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_JWT_ISSUER')).toBe(true);
    expect(exchanges()).toBe(0);
  });
});
