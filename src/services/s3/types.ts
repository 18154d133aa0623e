/**
 * Public types of the S3 Access Grants handle.
 *
 * @module
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { GrantPermission } from './uri.js';

export type { GrantPermission } from './uri.js';

/** Credentials vended by GetDataAccess, and what they cover. Secret: never log it. */
export interface DataAccess {
  /** Temporary credentials for S3 inside {@link DataAccess.scope}. */
  readonly credentials: AwsCredentialIdentity & {
    /** When the credentials expire. */
    readonly expiration: Date;
  };
  /** The S3 URI the credentials cover, e.g. `s3://lake/team-a/*` (the matched grant, or the target for `Minimal`). */
  readonly scope: string;
  /** `MatchedGrantTarget` as AWS reported it. */
  readonly matchedGrantTarget: string;
  /** The permission of these credentials. */
  readonly permission: GrantPermission;
  /** Who the matched grant names. */
  readonly grantee:
    | {
        /** `IAM`, `DIRECTORY_USER` or `DIRECTORY_GROUP`. */
        readonly type: string;
        /** The IAM principal ARN or the IdC user or group id. */
        readonly id: string;
      }
    | undefined;
  /** Expiry of the credentials, in epoch milliseconds. */
  readonly expiresAt: number;
}

/** Options of {@link S3AccessGrants.getDataAccess}. */
export interface GetDataAccessOptions {
  /** `s3://bucket/key` for an object, `s3://bucket/prefix/*` for a prefix. Required. */
  readonly target: string;
  /** The permission wanted. Required. */
  readonly permission: GrantPermission;
  /** `Default` = credentials for the whole matched grant (cache-friendly), `Minimal` = for the target only. Default: the handle's `privilege`. */
  readonly privilege?: 'Default' | 'Minimal';
  /** Lifetime asked for, in seconds (900–43200). Default: the handle's `durationSeconds`. */
  readonly durationSeconds?: number;
  /** Aborts waiting (`ERR_ABORTED`). */
  readonly signal?: AbortSignal;
}

/** Options of an S3 Access Grants handle. Every field is optional. */
export interface S3AccessGrantsOptions {
  /** The account making the calls (the access role's account). Default: from the credentials' `accountId`. */
  readonly accountId?: string;
  /**
   * The account that owns the Access Grants instance. Default: looked up once per bucket with
   * `GetAccessGrantsInstanceForPrefix` and cached for an hour.
   */
  readonly instanceAccountId?: string;
  /** Default lifetime of vended credentials, in seconds. Default `3600`. */
  readonly durationSeconds?: number;
  /** Default privilege. Default `'Default'` (credentials for the whole matched grant). */
  readonly privilege?: 'Default' | 'Minimal';
  /** How long an access denial is remembered per target and permission, in ms; `0` disables. Default `30_000`. */
  readonly deniedTtlMs?: number;
  /** Cached credentials are used only with at least this much life left, in ms. Default `60_000`. */
  readonly minRemainingMs?: number;
  /** Most cached grants per user. Default `1_000`. */
  readonly maxEntries?: number;
  /** An S3 Control client to use instead of the one built from the context. */
  readonly s3ControlClient?: S3ControlClient;
}

/** Options of {@link S3AccessGrants.client}. */
export interface S3AccessGrantsClientOptions {
  /**
   * Credentials for requests Access Grants cannot cover (no bucket, e.g. ListBuckets). Default none:
   * such requests fail with `ERR_ACCESS_DENIED`. A denied grant never falls back.
   */
  readonly fallbackCredentials?: AwsCredentialIdentityProvider;
  /** Extra S3 client settings (e.g. `forcePathStyle`). */
  readonly clientConfig?: Record<string, unknown>;
}

/** An object read through Access Grants. */
export interface S3ObjectContent {
  /** The object bytes. */
  readonly body: Uint8Array;
  /** `Content-Type`, if any. */
  readonly contentType: string | undefined;
  /** `ETag`, if any. */
  readonly eTag: string | undefined;
  /** The body decoded as UTF-8. */
  text(): string;
}

/** One listed object. */
export interface S3ListedObject {
  /** The object key. */
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** Last modification time, if reported. */
  readonly lastModified: Date | undefined;
  /** `ETag`, if reported. */
  readonly eTag: string | undefined;
}

/** The S3 Access Grants handle of one user. */
export interface S3AccessGrants {
  /** Credentials for `target` from GetDataAccess, cached by scope (prefix walk), single-flight per target. */
  getDataAccess(options: GetDataAccessOptions): Promise<DataAccess>;
  /** An S3 client whose every request is signed with the Access Grants credentials for its bucket and key. */
  client(options?: S3AccessGrantsClientOptions): S3Client;
  /** Reads an object. */
  getObject(
    input: { Bucket: string; Key: string },
    options?: { signal?: AbortSignal },
  ): Promise<S3ObjectContent>;
  /** Writes an object; returns its ETag. */
  putObject(
    input: { Bucket: string; Key: string; Body: string | Uint8Array; ContentType?: string },
    options?: { signal?: AbortSignal },
  ): Promise<{
    /** `ETag` of the written object, if reported. */
    eTag: string | undefined;
  }>;
  /** Lists objects under `Prefix` (every page, up to `maxKeys`, default `10_000`). */
  list(
    input: { Bucket: string; Prefix?: string },
    options?: { signal?: AbortSignal; maxKeys?: number },
  ): Promise<S3ListedObject[]>;
  /** Forgets every cached grant, denial and instance lookup. */
  clearCache(): void;
  /**
   * Forgets every cached grant and releases what the handle holds: destroys the S3 and S3 Control clients
   * it created (the default `client()` included; not an injected `s3ControlClient`, nor clients built on a
   * `requestHandler` you passed, nor those `client(options)` returned, which are yours). The handle stays
   * usable: a later call creates new clients.
   */
  close(): Promise<void>;
  /** Same as {@link S3AccessGrants.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
