/**
 * The optional bootstrap step: `AssumeRoleWithWebIdentity(applicationRoleArn, JWT)` gives credentials to
 * sign `CreateTokenWithIAM` with, as the Athena `JWT_TIP` driver and AWS's plugin do. The call is
 * unsigned; STS checks the JWT against the role's IAM OIDC provider.
 *
 * @module
 */
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import type { STSClient } from '@aws-sdk/client-sts';
import { callWithRetry } from '../aws/retry.js';
import type { ResolvedRetry } from '../aws/retry.js';
import { parseStsCredentials } from './parse-credentials.js';
import type { RoleCredentials } from './types.js';

/** Lifetime asked for the bootstrap credentials, seconds (they sign one exchange). */
const BOOTSTRAP_DURATION_SECONDS = 900;

/**
 * Assumes the application role with the user's JWT.
 *
 * @param sts - An STS client (its credentials are not used for this unsigned call).
 * @param roleArn - The application role.
 * @param jwt - The user's JWT. Secret.
 * @param sessionName - A valid session name.
 * @param retry - Retry and deadline settings.
 * @param now - Epoch milliseconds.
 * @param signal - Abort signal.
 */
export async function assumeRoleWithWebIdentity(
  sts: Pick<STSClient, 'send'>,
  roleArn: string,
  jwt: string,
  sessionName: string,
  retry: ResolvedRetry,
  now: () => number,
  signal?: AbortSignal,
): Promise<RoleCredentials> {
  const command = new AssumeRoleWithWebIdentityCommand({
    RoleArn: roleArn,
    RoleSessionName: sessionName,
    WebIdentityToken: jwt,
    DurationSeconds: BOOTSTRAP_DURATION_SECONDS,
  });
  const output = await callWithRetry(
    { service: 'sts', operation: 'AssumeRoleWithWebIdentity', roleArn, secrets: [jwt] },
    (abortSignal) => sts.send(command, { abortSignal }),
    retry,
    signal,
  );
  return parseStsCredentials(output, 'AssumeRoleWithWebIdentity', {
    now: now(),
    sessionName,
    durationSeconds: BOOTSTRAP_DURATION_SECONDS,
  });
}
