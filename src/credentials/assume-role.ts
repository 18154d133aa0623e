/**
 * STS `AssumeRole` with the IdC identity context as `ProvidedContexts` (PROTOCOL.md §2).
 *
 * @module
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { STSClient } from '@aws-sdk/client-sts';
import { callWithRetry } from '../aws/retry.js';
import type { ResolvedRetry } from '../aws/retry.js';
import { parseStsCredentials } from './parse-credentials.js';
import type { RoleCredentials, SessionTag } from './types.js';

/** The one provider ARN STS accepts for IdC identity contexts. */
export const IDENTITY_CENTER_CONTEXT_PROVIDER = 'arn:aws:iam::aws:contextProvider/IdentityCenter';

/** Inputs of {@link assumeRoleWithContext}. */
export interface AssumeRoleWithContextInput {
  /** The identity-bearer role. */
  readonly roleArn: string;
  /** The IdC identity context. Secret. */
  readonly identityContext: string;
  /** A valid session name (see `sanitizeSessionName`). */
  readonly sessionName: string;
  /** 900–3600 seconds. */
  readonly durationSeconds: number;
  /** Optional `SourceIdentity`. */
  readonly sourceIdentity?: string;
  /** Optional session tags. */
  readonly tags?: readonly SessionTag[];
}

/**
 * Assumes `roleArn` with the identity context and validates the answer.
 *
 * @param sts - The STS client (signed with the service's own credentials).
 * @param input - Role, context, session name, duration, optional source identity and tags.
 * @param retry - Retry and deadline settings.
 * @param now - Epoch milliseconds, to refuse already-expired credentials and bound their lifetime.
 * @param signal - Abort signal.
 * @throws TipError `ERR_STS_*`, `ERR_AWS_*`, `ERR_TIMEOUT`, `ERR_ABORTED`.
 */
export async function assumeRoleWithContext(
  sts: Pick<STSClient, 'send'>,
  input: AssumeRoleWithContextInput,
  retry: ResolvedRetry,
  now: () => number,
  signal?: AbortSignal,
): Promise<RoleCredentials> {
  const command = new AssumeRoleCommand({
    RoleArn: input.roleArn,
    RoleSessionName: input.sessionName,
    DurationSeconds: input.durationSeconds,
    ProvidedContexts: [
      { ProviderArn: IDENTITY_CENTER_CONTEXT_PROVIDER, ContextAssertion: input.identityContext },
    ],
    ...(input.sourceIdentity === undefined ? {} : { SourceIdentity: input.sourceIdentity }),
    ...(input.tags === undefined || input.tags.length === 0
      ? {}
      : { Tags: input.tags.map((t) => ({ ...t })) }),
  });
  const output = await callWithRetry(
    { service: 'sts', operation: 'AssumeRole', roleArn: input.roleArn, secrets: [input.identityContext] },
    (abortSignal) => sts.send(command, { abortSignal }),
    retry,
    signal,
  );
  return parseStsCredentials(output, 'AssumeRole', {
    now: now(),
    sessionName: input.sessionName,
    durationSeconds: input.durationSeconds,
  });
}
