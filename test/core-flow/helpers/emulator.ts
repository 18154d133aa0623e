/** An emulator with sso-oidc and STS only, configured for the core flow, plus a tip wired to it. */
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { startEmulator } from '../../../src/emulator/start.js';
import type { RunningEmulator } from '../../../src/emulator/start.js';
import { allowInsecureRequests } from '../../../src/jwt/insecure.js';
import type { TrustedIdentityOptions } from '../../../src/session/config.js';
import type { TipEvent } from '../../../src/session/events.js';
import { createTrustedIdentity } from '../../../src/tip.js';

export const ACCOUNT = '123456789012';
const INSTANCE = 'ssoins-1111222233334444';
/** jwt-bearer app; refresh answers carry no identity context (the emulator's default reading). */
export const APP = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-aaaabbbbccccdddd`;
export const ACCESS_ROLE = `arn:aws:iam::${ACCOUNT}:role/analytics`;
export const NO_SETCONTEXT_ROLE = `arn:aws:iam::${ACCOUNT}:role/no-setcontext`;
export const APPLICATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/application`;
export const USERS = Array.from({ length: 8 }, (_, i) => `user${i}`);
/** Users for the counting tests; their tokens are minted with `idp.signToken` (no scripted login). */
export const BULK_USERS = Array.from({ length: 100 }, (_, i) => `bulk${i}`);

const audience = 'tip-sdk-demo';
const serviceArn = `arn:aws:iam::${ACCOUNT}:user/service`;

export const emulatorConfig: EmulatorConfigInput = {
  accountId: ACCOUNT,
  // JWTs outlive the 1 h IdC tokens so that tests can move the emulator clock past their expiry.
  idp: { audience, accessTokenTtlSeconds: 7200 },
  identityCenter: {
    instanceArn: `arn:aws:sso:::instance/${INSTANCE}`,
    identityStoreId: 'd-1234567890',
    users: [
      ...[...USERS, ...BULK_USERS].map((u) => ({
        userName: u,
        email: `${u}@example.com`,
        groups: ['analysts'],
      })),
      { userName: 'outsider', email: 'outsider@example.com' },
    ],
    groups: [{ name: 'analysts' }],
    trustedTokenIssuers: [{ name: 'idp', issuerUrl: 'idp' }],
    applications: [
      {
        arn: APP,
        jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: [audience] }] },
        assignments: { groups: ['analysts'] },
        refreshTokenLifetimeSeconds: 7200,
        // These tests exercise the fallback to the JWT-bearer grant when a refresh answer has no context.
        refreshReturnsIdentityContext: false,
      },
    ],
  },
  roles: [
    {
      arn: ACCESS_ROLE,
      trustPolicy: [
        {
          Effect: 'Allow',
          Principal: { AWS: [serviceArn, APPLICATION_ROLE] },
          Action: ['sts:AssumeRole', 'sts:SetContext'],
        },
      ],
    },
    {
      arn: NO_SETCONTEXT_ROLE,
      trustPolicy: [{ Effect: 'Allow', Principal: { AWS: serviceArn }, Action: ['sts:AssumeRole'] }],
    },
    {
      arn: APPLICATION_ROLE,
      trustPolicy: [
        { Effect: 'Allow', Principal: { Federated: 'idp' }, Action: ['sts:AssumeRoleWithWebIdentity'] },
      ],
    },
  ],
  callers: [
    {
      accessKeyId: 'AKIDSERVICE0000000001',
      secretAccessKey: 'service-secret-key-0000000000',
      principalArn: serviceArn,
    },
  ],
};

export async function startCoreEmulator(): Promise<RunningEmulator> {
  return startEmulator(emulatorConfig, {
    quiet: true,
    services: {
      'redshift-data': false,
      redshift: false,
      'redshift-serverless': false,
      s3: false,
      's3-control': false,
    },
  });
}

/** A JWT for `userName` signed by the embedded IdP, as its access tokens are (issuer, audience, email). */
export function mintToken(emu: RunningEmulator, userName: string): Promise<string> {
  return emu.idp!.signToken({ sub: userName, email: `${userName}@example.com`, aud: audience });
}

/** A tip aimed at the emulator: real SDK clients over HTTP, the IdP as issuer, the emulator clock. */
export function emulatorTip(emu: RunningEmulator, overrides: Partial<TrustedIdentityOptions> = {}) {
  const events: TipEvent[] = [];
  const { region: _region, maxAttempts: _attempts, ...clientConfig } = emu.clientConfig({ service: 'sts' });
  const tip = createTrustedIdentity({
    region: emu.region,
    issuers: [allowInsecureRequests({ issuer: emu.idp!.issuer, audience, algorithms: ['RS256', 'ES256'] })],
    // The verifier checks real token times; the AWS side runs on the emulator clock.
    verifierOptions: { now: Date.now },
    applicationArn: APP,
    accessRoleArn: ACCESS_ROLE,
    clientConfig,
    clock: () => emu.clock.now(),
    timeouts: { baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 10_000 },
    events: (e) => events.push(e),
    ...overrides,
  });
  return { tip, events };
}
