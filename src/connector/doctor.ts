/**
 * `tip-sdk doctor`: checks one profile's setup end to end, each check ✓ or ✗ with the fix in one line —
 * the IdP's discovery and JWKS; as an administrator ({@link DoctorAdmin}): the access role's trust policy
 * and the IAM Identity Center setup (the application's JWT bearer grant, the trusted token issuer and the
 * claim it maps, the authorized audiences, the identity store user, the assignment); then as the user: the
 * exchange with IAM Identity Center, the role assumption with the identity context, the caller identity,
 * and each configured service (Redshift, Athena, S3 Access Grants). Works against AWS and the emulator
 * alike; reports no secret.
 *
 * @module
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createStsClient } from '../aws/clients.js';
import { isTipError } from '../errors.js';
import { decodeJws } from '../jwt/decode.js';
import type { Connector } from './connector-types.js';
import type { DoctorAdmin } from './doctor-admin.js';
import { checkIdentityCenter } from './doctor-identity-center.js';
import {
  checkAthena,
  checkRedshift,
  checkS3AccessGrants,
  type ServiceCheckContext,
} from './doctor-services.js';
import { isLoopbackHttp } from './loopback-url.js';
import { checkTrustPolicy } from './trust-check.js';

export type { DoctorAdmin } from './doctor-admin.js';

/** One check's outcome. Never holds a secret. */
export interface DoctorCheck {
  /** What was checked. */
  readonly name: string;
  /**
   * `pass`, `fail`, or `skip`: a check that could not run — an earlier one failed, an optional AWS client
   * is not installed, or the administrator credentials may not read what it reads.
   */
  readonly outcome: 'pass' | 'fail' | 'skip';
  /** What was found. */
  readonly detail: string;
  /** The fix, in one line, for a failure. */
  readonly fix?: string;
}

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** Fetch for the IdP. Default global `fetch`. */
  readonly fetch?: typeof fetch;
  /**
   * The claim the trusted token issuer maps to the identity store, checked in the token when the trusted
   * token issuer itself cannot be read. Default `email`.
   */
  readonly mappedClaim?: string;
  /** Credentials of the administrator checks (trust policy, Identity Center). Default: the AWS default chain. */
  readonly admin?: DoctorAdmin;
}

/** One-line fixes for the codes a failed exchange or role assumption can end with. */
const FIXES: Readonly<Record<string, string>> = {
  ERR_SIGN_IN_REQUIRED: 'run `tip-sdk login --profile <name>`',
  ERR_IDC_INVALID_GRANT:
    "make the trusted token issuer's IssuerUrl equal the token's iss, authorize the token's aud on the application's jwt-bearer grant, and map a claim that matches exactly one user",
  ERR_IDC_ACCESS_DENIED:
    "assign the user (or one of their groups) to the application, and allow the calling principal in the application's ActorPolicy and sso-oauth:CreateTokenWithIAM",
  ERR_IDC_INVALID_CLIENT:
    'check applicationArn and region: IAM Identity Center does not know this application',
  ERR_IDC_UNAUTHORIZED_CLIENT:
    'enable the JWT bearer grant (urn:ietf:params:oauth:grant-type:jwt-bearer) on the application',
  ERR_IDC_INVALID_SCOPE:
    'request only scopes of the application (exchangeScopes), including sts:identity_context',
  ERR_IDC_RESPONSE_INVALID: 'add the sts:identity_context scope to the application (or drop exchangeScopes)',
  ERR_IDC_TOKEN_REUSED: 'sign in again: the token was already exchanged (run `tip-sdk login`)',
  ERR_STS_ACCESS_DENIED:
    "let the access role's trust policy allow sts:AssumeRole and sts:SetContext for the calling principal (the web identity role, or your AWS identity)",
  ERR_STS_CONTEXT_REJECTED: 'sign in again; check the clock (the identity context expired or was rejected)',
  ERR_AWS_CREDENTIALS:
    'set webIdentityRoleArn (a role the IdP token can assume) or provide AWS credentials to sign CreateTokenWithIAM',
  ERR_AWS_UNAVAILABLE: 'check the network path to the AWS endpoints (or that the emulator runs)',
  ERR_JWT_AUDIENCE: "set the profile's audience to the token's aud (and authorize it on the application)",
  ERR_JWT_ISSUER: "set the profile's issuer to the token's iss",
  ERR_ACCESS_DENIED: "grant the user access in the service (and the action in the access role's policy)",
  ERR_NOT_FOUND: 'check the workgroup or cluster name and the region',
};

async function getJson(fetchImpl: typeof fetch, url: string): Promise<Record<string, unknown>> {
  const response = await fetchImpl(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = (await response.json()) as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not a JSON object');
  return body as Record<string, unknown>;
}

function failed(name: string, error: unknown): DoctorCheck {
  if (isTipError(error)) {
    return {
      name,
      outcome: 'fail',
      detail: `${error.code}: ${error.message}`,
      fix: FIXES[error.code] ?? 'see docs/errors.md for this code',
    };
  }
  return {
    name,
    outcome: 'fail',
    detail: error instanceof Error ? error.message : String(error),
    fix: 'see docs/connector.md#doctor',
  };
}

/** Runs every check of `connector`'s profile, in order. */
export async function runDoctor(connector: Connector, options: DoctorOptions = {}): Promise<DoctorCheck[]> {
  const fetchImpl = options.fetch ?? fetch;
  const { profile } = connector;
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck) => checks.push(check);
  add({
    name: 'profile',
    outcome: 'pass',
    detail: `"${profile.name}": signIn ${profile.signIn}, region ${profile.region}${profile.endpoint ? `, endpoint ${profile.endpoint}` : ''}`,
  });

  if (profile.signIn === 'oidc' && profile.issuer !== undefined) {
    const issuer = profile.issuer;
    let jwksUri: string | undefined;
    try {
      const doc = await getJson(fetchImpl, `${issuer}/.well-known/openid-configuration`);
      if (doc.issuer !== issuer) throw new Error(`the document names issuer ${JSON.stringify(doc.issuer)}`);
      const methods = doc.code_challenge_methods_supported;
      if (Array.isArray(methods) && !methods.includes('S256'))
        throw new Error('the IdP does not list PKCE S256');
      if (typeof doc.jwks_uri !== 'string') throw new Error('no jwks_uri');
      jwksUri = doc.jwks_uri;
      add({
        name: 'issuer discovery',
        outcome: 'pass',
        detail: `${issuer}/.well-known/openid-configuration`,
      });
    } catch (error) {
      add({
        name: 'issuer discovery',
        outcome: 'fail',
        detail: (error as Error).message,
        fix: `set issuer to the IdP's exact issuer URL (IAM Identity Center fetches ${issuer}/.well-known/openid-configuration)`,
      });
    }
    if (jwksUri !== undefined) {
      try {
        const jwks = await getJson(fetchImpl, jwksUri);
        const keys = Array.isArray(jwks.keys)
          ? jwks.keys.filter(
              (k) => typeof k === 'object' && k !== null && (k as { use?: unknown }).use !== 'enc',
            )
          : [];
        if (keys.length === 0) throw new Error('no signing key');
        add({ name: 'JWKS', outcome: 'pass', detail: `${keys.length} signing key(s) at ${jwksUri}` });
      } catch (error) {
        add({
          name: 'JWKS',
          outcome: 'fail',
          detail: (error as Error).message,
          fix: 'publish the signing keys at the jwks_uri of the discovery document (reachable from AWS)',
        });
      }
    }
    if (!issuer.startsWith('https://') && !isLoopbackHttp(issuer)) {
      add({
        name: 'issuer scheme',
        outcome: 'fail',
        detail: issuer,
        fix: 'IAM Identity Center needs an https issuer',
      });
    }
  }

  if (profile.signIn === 'oidc' && profile.accessRoleArn !== undefined)
    add(await checkTrustPolicy(profile, options.admin));

  const status = await connector.status();
  if (!status.signedIn) {
    add({
      name: 'signed in',
      outcome: 'fail',
      detail: status.cacheProblem ?? 'nothing cached for this profile',
      fix: `run \`tip-sdk login --profile ${profile.name}\``,
    });
    return checks;
  }
  add({
    name: 'signed in',
    outcome: 'pass',
    detail: `as ${status.user?.subject ?? status.user?.idcUserId ?? '(unknown)'}${status.canRefresh ? ', refresh token held' : ', no refresh token'}`,
  });

  if (profile.signIn === 'idc') {
    try {
      const token = await connector.idcAccessToken();
      add({
        name: 'IdC access token',
        outcome: 'pass',
        detail: `valid until ${new Date(token.expiresAt).toISOString()}`,
      });
    } catch (error) {
      add(failed('IdC access token', error));
    }
    return checks;
  }
  const claims = await idTokenClaims(connector);
  const identityCenter =
    claims === undefined ? [] : await checkIdentityCenter(profile, claims, options.admin);
  checks.push(...identityCenter);
  if (claims !== undefined) add(tokenClaims(profile, claims, identityCenter, options.mappedClaim));

  if (profile.applicationArn === undefined || profile.accessRoleArn === undefined) {
    add({
      name: 'exchange',
      outcome: 'skip',
      detail: 'no applicationArn/accessRoleArn in the profile',
      fix: 'set applicationArn and accessRoleArn for AWS credentials',
    });
    return checks;
  }
  // A setup check that failed explains the exchange's failure: the exchange is not tried until it is fixed.
  const broken = checks.filter((c) => c.outcome === 'fail').map((c) => c.name);
  if (broken.length > 0) {
    add({
      name: 'exchange and role',
      outcome: 'skip',
      detail: `not tried: fix ${broken.join(', ')} first`,
    });
    return checks;
  }
  let credentials: Awaited<ReturnType<Connector['credentials']>>;
  try {
    credentials = await connector.credentials();
    add({
      name: 'exchange and role',
      outcome: 'pass',
      detail: `CreateTokenWithIAM and AssumeRole with the identity context; credentials until ${credentials.expiration.toISOString()}`,
    });
  } catch (error) {
    add(failed('exchange and role', error));
    return checks;
  }
  let accountId: string | undefined;
  try {
    const sts = createStsClient(profile.region, {
      ...(profile.endpoint ? { endpoint: profile.endpoint } : {}),
      credentials: { ...credentials },
    });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    accountId = who.Account;
    const roleName = profile.accessRoleArn.split('/').pop() ?? '';
    const ok = typeof who.Arn === 'string' && who.Arn.includes(`:assumed-role/${roleName}/`);
    add(
      ok
        ? { name: 'caller identity', outcome: 'pass', detail: who.Arn as string }
        : {
            name: 'caller identity',
            outcome: 'fail',
            detail: String(who.Arn),
            fix: 'the credentials are not a session of accessRoleArn: check the profile',
          },
    );
  } catch (error) {
    add(failed('caller identity', error));
  }
  const services: ServiceCheckContext = {
    profile,
    credentials: connector.credentialProvider(),
    accountId,
    fixFor: (code) => FIXES[code] ?? 'see docs/errors.md for this code',
  };
  for (const check of [checkRedshift, checkAthena, checkS3AccessGrants]) {
    const outcome = await check(services);
    if (outcome !== undefined) add(outcome);
  }
  return checks;
}

/**
 * The token's `iss` and `aud` against the profile; and its mapped claim when the trusted token issuer
 * could not be read (else its own check judged the claim).
 */
function tokenClaims(
  profile: Connector['profile'],
  claims: Readonly<Record<string, unknown>>,
  identityCenter: readonly DoctorCheck[],
  mappedClaim: string | undefined,
): DoctorCheck {
  const aud = [claims.aud].flat();
  const problems: string[] = [];
  if (claims.iss !== profile.issuer) problems.push(`iss is ${JSON.stringify(claims.iss)}`);
  if (profile.audience !== undefined && !aud.includes(profile.audience))
    problems.push(`aud ${JSON.stringify(aud)} lacks ${profile.audience}`);
  const issuerRead = identityCenter.some((c) => c.name === 'trusted token issuer');
  const mapped = mappedClaim ?? 'email';
  if (!issuerRead && claims[mapped] === undefined) problems.push(`no ${mapped} claim`);
  return problems.length === 0
    ? {
        name: 'token claims',
        outcome: 'pass',
        detail: `iss ${String(claims.iss)}, aud ${aud.join(' ')}${issuerRead ? '' : `, ${mapped} present`}`,
      }
    : {
        name: 'token claims',
        outcome: 'fail',
        detail: problems.join('; '),
        fix: `issue tokens with iss ${profile.issuer}, aud ${profile.audience}${issuerRead ? '' : ` and the claim the trusted token issuer maps (${mapped})`}`,
      };
}

/** The claims of the cached IdP token (unverified: they are only reported), if any. */
async function idTokenClaims(connector: Connector): Promise<Record<string, unknown> | undefined> {
  const jwt = await connector.idpToken();
  if (jwt === undefined) return undefined;
  try {
    return decodeJws(jwt, 65_536).payload as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The checks as text lines: `✓ name — detail`, and `✗ name — detail` with `fix:` beneath. */
export function formatDoctor(checks: readonly DoctorCheck[]): string {
  return checks
    .map((c) => {
      const mark = c.outcome === 'pass' ? '✓' : c.outcome === 'fail' ? '✗' : '–';
      const line = `${mark} ${c.name} — ${c.detail}`;
      return c.fix !== undefined && c.outcome !== 'pass' ? `${line}\n    fix: ${c.fix}` : line;
    })
    .join('\n')
    .concat('\n');
}
