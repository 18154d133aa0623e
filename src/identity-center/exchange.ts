/**
 * One `CreateTokenWithIAM` call: grant → SDK command (with retry, deadline and abort) → validated
 * {@link IdcTokenSet}.
 *
 * @module
 */
import { CreateTokenWithIAMCommand } from '@aws-sdk/client-sso-oidc';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { callWithRetry } from '../aws/retry.js';
import type { ResolvedRetry } from '../aws/retry.js';
import type { Clock } from '../cache/types.js';
import { grantInput } from './grants.js';
import { parseTokenResponse } from './parse-response.js';
import type { IdcGrant, IdcIdentity, IdcTokenSet } from './types.js';

/** What every exchange needs. */
export interface IdcExchangeContext {
  /** The sso-oidc client (signing credentials are its own). */
  readonly client: Pick<SSOOIDCClient, 'send'>;
  /** The IdC customer-managed application ARN. */
  readonly applicationArn: string;
  /** Scopes to request; `undefined` = every scope of the application. */
  readonly scopes: readonly string[] | undefined;
  /** Retry and deadline settings. */
  readonly retry: ResolvedRetry;
  /** The clock, epoch milliseconds. */
  readonly clock: Clock;
}

/** Per-call options of {@link createTokenWithIam}. */
export interface IdcExchangeOptions {
  /** Abort signal; rejects with `ERR_ABORTED`. */
  readonly signal?: AbortSignal;
  /** For the refresh-token grant: the identity held before (the answer must be for the same user). */
  readonly previous?: IdcIdentity;
  /** Receives the attempt count. */
  readonly onAttempts?: (attempts: number) => void;
}

/**
 * Calls `CreateTokenWithIAM` with `grant` and validates the answer.
 *
 * @throws TipError `ERR_IDC_*`, `ERR_AWS_*`, `ERR_TIMEOUT`, `ERR_ABORTED`.
 */
export async function createTokenWithIam(
  context: IdcExchangeContext,
  grant: IdcGrant,
  options: IdcExchangeOptions = {},
): Promise<IdcTokenSet> {
  const input = grantInput(context.applicationArn, grant, context.scopes);
  const output = await callWithRetry(
    {
      service: 'sso-oidc',
      operation: 'CreateTokenWithIAM',
      applicationArn: context.applicationArn,
      secrets: [input.assertion, input.refreshToken, input.subjectToken, input.code, input.codeVerifier],
    },
    (signal) => context.client.send(new CreateTokenWithIAMCommand(input), { abortSignal: signal }),
    context.retry,
    options.signal,
    options.onAttempts === undefined ? undefined : (o) => options.onAttempts?.(o.attempts),
  );
  const requestId = output?.$metadata?.requestId;
  return parseTokenResponse(output, {
    applicationArn: context.applicationArn,
    now: context.clock(),
    ...(options.previous === undefined ? {} : { previous: options.previous }),
    ...(requestId === undefined ? {} : { requestId }),
  });
}
