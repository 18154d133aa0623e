/**
 * The option keys of the service handles and their context, checked complete against their types by the
 * compiler, for refusing unknown keys when a handle or client is created.
 *
 * @module
 */
import type { RetryOptions } from '../aws/retry.js';
import { optionKeys } from '../option-keys.js';
import type { OptionShape } from '../option-keys.js';
import type { ServiceContextInit } from './context.js';
import type { RedshiftHandleOptions } from './redshift/types.js';
import type { S3AccessGrantsClientOptions, S3AccessGrantsOptions } from './s3/types.js';

/** The keys of {@link RetryOptions} (also those of `timeouts` of `createTrustedIdentity`). */
export const RETRY_OPTION_KEYS = optionKeys<RetryOptions>({
  maxAttempts: true,
  baseDelayMs: true,
  maxDelayMs: true,
  timeoutMs: true,
  random: true,
});

/** What `retry` of a service context holds. */
export const RETRY_SHAPE: OptionShape = { owner: 'the service context', keys: RETRY_OPTION_KEYS };

/** What a service context (the first argument of `athena()`, `redshift()`, `s3AccessGrants()`) holds. */
export const SERVICE_CONTEXT_SHAPE: OptionShape = {
  owner: 'the service context',
  keys: optionKeys<ServiceContextInit>({
    credentials: true,
    region: true,
    clientConfig: true,
    identity: true,
    logger: true,
    onEvent: true,
    retry: true,
    memo: true,
    clock: true,
    signal: true,
  }),
};

/** What `athena(context, options)` accepts. */
export const ATHENA_HANDLE_SHAPE: OptionShape = { owner: 'athena()', keys: new Set(['client']) };

/** What `redshift(context, options)` accepts. */
export const REDSHIFT_HANDLE_SHAPE: OptionShape = {
  owner: 'redshift()',
  keys: optionKeys<RedshiftHandleOptions>({
    dataClient: true,
    redshiftClient: true,
    serverlessClient: true,
    tokenRefreshBeforeExpiryMs: true,
  }),
};

/** What `s3AccessGrants(context, options)` accepts. */
export const S3_ACCESS_GRANTS_SHAPE: OptionShape = {
  owner: 's3AccessGrants()',
  keys: optionKeys<S3AccessGrantsOptions>({
    accountId: true,
    instanceAccountId: true,
    durationSeconds: true,
    privilege: true,
    deniedTtlMs: true,
    minRemainingMs: true,
    maxEntries: true,
    s3ControlClient: true,
  }),
};

/** What `S3AccessGrants.client(options)` accepts. */
export const S3_CLIENT_SHAPE: OptionShape = {
  owner: 'the Access Grants S3 client',
  keys: optionKeys<S3AccessGrantsClientOptions>({ fallbackCredentials: true, clientConfig: true }),
};
