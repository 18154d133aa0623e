/**
 * Types of identity-enhanced role credentials.
 *
 * @module
 */
import type { AwsCredentialIdentity } from '@aws-sdk/types';

/** Role session credentials; `expiration` is always set so SDK clients refresh in time. Secret. */
export interface RoleCredentials extends AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** A session tag for AssumeRole. */
export interface SessionTag {
  /** Tag key (1–128 characters). */
  readonly Key: string;
  /** Tag value (0–256 characters). */
  readonly Value: string;
}
