/**
 * `tip-sdk doctor` against the real emulator: a correct setup is all ✓; each misconfiguration is ✗ on
 * exactly the check that names it, with its one-line fix; administrator checks the caller may not make
 * are skipped, naming the actions they need.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DoctorCheck, runDoctor } from '../../src/connector/doctor.js';
import type { ResolvedProfile } from '../../src/connector/profile.js';
import type { EmulatorConfigInput } from '../../src/emulator/config/types.js';
import { ADMIN_KEY } from './support/emulator-config.js';
import { type ConnectorFixture, startConnectorFixture } from './support/fixture.js';
import { httpBrowser } from './support/http-browser.js';

const SERVICES = {
  workgroupName: 'analytics',
  athenaWorkGroup: 'analytics-idc',
  s3Location: 's3://lake/shared/',
};

const fixtures: ConnectorFixture[] = [];
let base: ConnectorFixture;

beforeAll(async () => {
  base = await startConnectorFixture();
  fixtures.push(base);
});
afterAll(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
});

/** Signs alice in (a failed exchange still caches the sign-in) and runs the doctor as the administrator. */
async function doctor(fx: ConnectorFixture, profile: ResolvedProfile): Promise<DoctorCheck[]> {
  const { connector } = fx.connector(profile, { open: httpBrowser('alice') });
  await connector.login().catch(() => undefined);
  return runDoctor(connector, { admin: { credentials: ADMIN_KEY } });
}

const failures = (checks: readonly DoctorCheck[]) => checks.filter((c) => c.outcome === 'fail');

function withApp(
  config: EmulatorConfigInput,
  change: (app: Record<string, unknown>) => void,
): EmulatorConfigInput {
  change(config.identityCenter.applications[0] as unknown as Record<string, unknown>);
  return config;
}

function withIssuer(
  config: EmulatorConfigInput,
  change: Partial<EmulatorConfigInput['identityCenter']['trustedTokenIssuers'][number]>,
): EmulatorConfigInput {
  Object.assign(config.identityCenter.trustedTokenIssuers[0] as object, change);
  return config;
}

describe('tip-sdk doctor against the emulator', () => {
  it('a correct setup: every check ✓, in order', async () => {
    const checks = await doctor(base, base.oidcProfile(SERVICES, 'all-good'));
    expect(checks.map((c) => [c.name, c.outcome])).toEqual(
      [
        'profile',
        'issuer discovery',
        'JWKS',
        'access role trust policy',
        'signed in',
        'application grant',
        'trusted token issuer',
        'authorized audiences',
        'identity store user',
        'assignment',
        'token claims',
        'exchange and role',
        'caller identity',
        'Redshift driver token',
        'Athena workgroup',
        'S3 Access Grants',
      ].map((name) => [name, 'pass']),
    );
    expect(checks.find((c) => c.name === 'assignment')?.detail).toMatch(/through group/);
  });

  type Case = {
    readonly what: string;
    readonly configure?: (config: EmulatorConfigInput) => EmulatorConfigInput;
    readonly profile?: Record<string, string>;
    readonly check: string;
    readonly detail: RegExp;
    readonly fix: RegExp;
  };
  const cases: Case[] = [
    {
      what: 'the grant does not authorize the token audience',
      configure: (c) =>
        withApp(c, (app) => {
          (app.jwtBearer as { authorizedTokenIssuers: { audiences: string[] }[] })
            .authorizedTokenIssuers[0]!.audiences = ['another-audience'];
        }),
      check: 'authorized audiences',
      detail: /is not among .*another-audience/,
      fix: /add tip-sdk-demo to AuthorizedAudiences/,
    },
    {
      what: 'the trusted token issuer maps a claim the token lacks',
      configure: (c) => withIssuer(c, { claimAttributePath: 'upn' }),
      check: 'trusted token issuer',
      detail: /maps the claim `upn`.*no such string claim/,
      fix: /issue tokens with the `upn` claim, or set ClaimAttributePath/,
    },
    {
      what: 'the identity store attribute does not hold the claim (email mapped to userName)',
      configure: (c) => withIssuer(c, { identityStoreAttributePath: 'userName' }),
      check: 'identity store user',
      detail: /no user with userName "alice@example.com"/,
      fix: /set IdentityStoreAttributePath of embedded-idp/,
    },
    {
      what: 'the user is not assigned and the application requires assignment',
      configure: (c) => withApp(c, (app) => (app.assignments = { users: ['bob'] })),
      check: 'assignment',
      detail: /is not assigned to the application/,
      fix: /CreateApplicationAssignment/,
    },
    {
      what: "the access role's trust policy lacks sts:SetContext",
      configure: (c) => {
        (c.roles[0] as { trustPolicy: { Action: string[] }[] }).trustPolicy[0]!.Action = ['sts:AssumeRole'];
        return c;
      },
      check: 'access role trust policy',
      detail: /does not allow sts:SetContext/,
      fix: /"sts:AssumeRole", "sts:SetContext"/,
    },
    {
      what: 'the Athena workgroup does not exist',
      profile: { athenaWorkGroup: 'missing-workgroup' },
      check: 'Athena workgroup',
      detail: /no workgroup missing-workgroup/,
      fix: /create the IAM Identity Center enabled workgroup missing-workgroup/,
    },
    {
      what: 'the Athena workgroup is not IAM Identity Center enabled',
      configure: (c) => {
        c.athena = { workGroups: [{ name: 'analytics-idc' }], tables: [], grants: [] };
        return c;
      },
      check: 'Athena workgroup',
      detail: /is not IAM Identity Center enabled/,
      fix: /with IAM Identity Center enabled/,
    },
    {
      what: 'no S3 Access Grant covers the location',
      profile: { s3Location: 's3://lake/private/' },
      check: 'S3 Access Grants',
      detail: /no S3 Access Grant gives the user READ on s3:\/\/lake\/private\//,
      fix: /create an access grant .* covering s3:\/\/lake\/private\//,
    },
  ];

  it.each(cases)('$what: ✗ on $check alone, with its fix', async (c) => {
    let fx = base;
    if (c.configure !== undefined) {
      fx = await startConnectorFixture({ configure: c.configure, withoutSql: true });
      fixtures.push(fx);
    }
    const checks = await doctor(fx, fx.oidcProfile({ ...SERVICES, ...c.profile }, 'misconfigured'));
    const failed = failures(checks);
    expect(failed.map((f) => f.name)).toEqual([c.check]);
    expect(failed[0]?.detail).toMatch(c.detail);
    expect(failed[0]?.fix).toMatch(c.fix);
    expect(failed[0]?.fix).not.toContain('\n');
  });

  it('a user missing from the identity store: ✗ on the identity store user alone', async () => {
    // The token comes from the base emulator's IdP; this Identity Center trusts it but does not know alice.
    const fx = await startConnectorFixture({
      withoutSql: true,
      configure: (c) => {
        c.idp = false;
        c.identityCenter.users = c.identityCenter.users.filter((u) => u.userName !== 'alice');
        return withIssuer(c, { issuerUrl: base.emu.idp!.issuer });
      },
    });
    fixtures.push(fx);
    const profile = fx.oidcProfile({ ...SERVICES, issuer: base.emu.idp!.issuer }, 'not-in-store');
    const checks = await doctor(fx, profile);
    expect(failures(checks).map((f) => f.name)).toEqual(['identity store user']);
    const user = checks.find((c) => c.name === 'identity store user');
    expect(user?.detail).toMatch(/no user with emails.value "alice@example.com" in the identity store d-/);
    expect(checks.find((c) => c.name === 'assignment')?.outcome).toBe('skip');
    expect(checks.find((c) => c.name === 'exchange and role')?.outcome).toBe('skip');
  });

  it("with only the user's own rights the administrator checks are skipped, naming the actions, never ✗", async () => {
    const { connector } = base.connector(base.oidcProfile(SERVICES, 'all-good'));
    const before = base.emu.counters.get('sso:GetApplicationGrant');
    const checks = await runDoctor(connector, { admin: { credentials: connector.credentialProvider() } });
    expect(base.emu.counters.get('sso:GetApplicationGrant') - before).toBe(1);
    expect(failures(checks)).toEqual([]);
    const grant = checks.find((c) => c.name === 'application grant');
    expect(grant?.outcome).toBe('skip');
    expect(grant?.detail).toMatch(
      /^skipped: needs sso:GetApplicationGrant, sso:DescribeTrustedTokenIssuer, .*identitystore:GetUserId/,
    );
    expect(grant?.fix).toContain('--admin-profile');
    expect(checks.find((c) => c.name === 'access role trust policy')?.detail).toMatch(
      /^skipped: needs iam:GetRole/,
    );
    // Without the trusted token issuer, the token's mapped claim is checked against --mapped-claim.
    expect(checks.find((c) => c.name === 'token claims')?.detail).toContain('email present');
    expect(checks.find((c) => c.name === 'S3 Access Grants')?.outcome).toBe('pass');
  });
});
