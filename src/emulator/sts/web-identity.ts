/**
 * STS `AssumeRoleWithWebIdentity` (unsigned): the role's trust policy must name the token's issuer as
 * `Principal.Federated` (an OIDC provider ARN `arn:aws:iam::<acct>:oidc-provider/<host/path>`, the
 * `host/path`, the issuer URL, or `idp` for the embedded IdP) and allow `sts:AssumeRoleWithWebIdentity`
 * with its conditions (`<host/path>:aud`, `:sub`); the token must verify against the issuer's JWKS.
 */
import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import type { ConditionContext } from '../core/policy.js';
import { asList } from '../core/policy.js';
import { AwsServiceError, type EmulatorRuntime, type OperationContext } from '../core/types.js';
import { durationSeconds, requiredString, sessionName } from './input.js';
import { packedPolicySize, readSessionPolicy } from './session-policy.js';
import type { IssuerKeys } from './oidc-keys.js';
import { issueRoleSession } from './session.js';
import { evaluateTrust } from './trust.js';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

function invalidToken(message: string): AwsServiceError {
  return new AwsServiceError('InvalidIdentityToken', message, 400);
}

/** `https://host/path/` -> `host/path`. */
function hostPath(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/** The `host/path` a Federated principal names, or undefined when it is not an OIDC provider. */
function federatedHostPath(value: string, runtime: EmulatorRuntime): string | undefined {
  if (value === 'idp') return runtime.idpIssuer ? hostPath(runtime.idpIssuer) : undefined;
  const arn = /^arn:aws:iam::\d{12}:oidc-provider\/(.+)$/.exec(value);
  if (arn) return hostPath(arn[1]!);
  if (value.startsWith('arn:')) return undefined;
  return hostPath(value);
}

/** Creates the `AssumeRoleWithWebIdentity` handler. */
export function assumeRoleWithWebIdentityHandler(keys: IssuerKeys) {
  return async (ctx: OperationContext<EmulatorRuntime>) => {
    const runtime = ctx.state;
    const input = ctx.input;
    const roleArn = requiredString(input, 'RoleArn', 20, 2048);
    const name = sessionName(requiredString(input, 'RoleSessionName', 2, 64), 'roleSessionName');
    const token = requiredString(input, 'WebIdentityToken', 4, 20_000);
    const sessionPolicy = readSessionPolicy(runtime.config, input);

    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(token);
    } catch {
      throw invalidToken(
        'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      );
    }
    if (typeof claims.iss !== 'string' || claims.iss.length === 0)
      throw invalidToken('The token has no issuer (iss).');
    const issuer = claims.iss;
    const issuerHostPath = hostPath(issuer);

    const role = runtime.config.roles.find((r) => r.arn === roleArn);
    const federated = (role?.trustPolicy ?? [])
      .flatMap((s) => (s.Principal && s.Principal !== '*' ? asList(s.Principal.Federated) : []))
      .filter((v) => federatedHostPath(v, runtime) === issuerHostPath);
    if (!role || federated.length === 0) {
      ctx.audit('denied', roleArn, `no OIDC provider for ${issuerHostPath} in the trust policy`);
      if (!role)
        throw new AwsServiceError(
          'AccessDenied',
          'Not authorized to perform sts:AssumeRoleWithWebIdentity',
          403,
        );
      throw invalidToken(`No OpenIDConnect provider found in your account for ${issuer}`);
    }

    let verified: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    const verify = async (fresh: boolean) =>
      (
        await jwtVerify(token, await keys.get(issuer, fresh), {
          issuer,
          algorithms: ALGORITHMS,
          currentDate: new Date(ctx.now),
          clockTolerance: 0,
          // A token without exp would never expire; STS refuses it.
          requiredClaims: ['exp'],
        })
      ).payload;
    try {
      try {
        verified = await verify(false);
      } catch (err) {
        if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw err;
        verified = await verify(true);
      }
    } catch (err) {
      if (err instanceof AwsServiceError) throw err;
      if (err instanceof joseErrors.JWTExpired) {
        ctx.audit('denied', roleArn, 'web identity token expired');
        throw new AwsServiceError(
          'ExpiredTokenException',
          'Token expired: current date/time must be before the expiration date/time.',
          400,
        );
      }
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'exp') {
        ctx.audit('denied', roleArn, 'web identity token without exp');
        throw invalidToken('The token has no valid expiration (exp) claim.');
      }
      ctx.audit('denied', roleArn, 'web identity token did not verify');
      throw invalidToken(
        'Incorrect token audience or signature; the token did not verify against the issuer keys.',
      );
    }

    const audiences = verified.aud === undefined ? [''] : asList(verified.aud);
    const prefixes = new Set([issuerHostPath, ...federated.filter((f) => f === 'idp')]);
    const contexts: ConditionContext[] = audiences.map((aud) => {
      const context: Record<string, string | undefined> = {};
      for (const prefix of prefixes) {
        context[`${prefix}:aud`] = aud || undefined;
        context[`${prefix}:sub`] = verified.sub;
      }
      return context;
    });
    const trust = evaluateTrust(role.trustPolicy, { federated }, ['sts:AssumeRoleWithWebIdentity'], contexts);
    if (!trust.allowed) {
      ctx.audit('denied', roleArn, trust.reason);
      throw new AwsServiceError(
        'AccessDenied',
        'Not authorized to perform sts:AssumeRoleWithWebIdentity',
        403,
      );
    }
    const duration = durationSeconds(input, role.maxSessionDuration, false);
    ctx.audit('allowed', roleArn, `${trust.reason} for ${issuerHostPath}`);
    const session = issueRoleSession(
      runtime,
      {
        roleArn,
        sessionName: name,
        durationSeconds: duration,
        ...(sessionPolicy ? { sessionPolicy: sessionPolicy.statements } : {}),
      },
      ctx.now,
    );
    return {
      ...session,
      ...(sessionPolicy ? { PackedPolicySize: packedPolicySize(sessionPolicy, 0) } : {}),
      SubjectFromWebIdentityToken: verified.sub,
      Provider: issuerHostPath,
      Audience: audiences[0] || undefined,
    };
  };
}
