/**
 * The AWS `credential_process` output (version 1), as the AWS CLI, boto3 and every AWS SDK read it from
 * `credential_process = tip-sdk credentials --profile …` in `~/.aws/config`.
 *
 * @module
 */
import type { ConnectorCredentials } from './connector-types.js';

/** The JSON document a `credential_process` prints. Secret. */
export interface CredentialProcessOutput {
  /** Always 1. */
  readonly Version: 1;
  /** Access key id. */
  readonly AccessKeyId: string;
  /** Secret access key. */
  readonly SecretAccessKey: string;
  /** Session token. */
  readonly SessionToken: string;
  /** Expiry, ISO 8601. */
  readonly Expiration: string;
}

/** The `credential_process` document of `credentials`. */
export function credentialProcessOutput(credentials: ConnectorCredentials): CredentialProcessOutput {
  return {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration.toISOString(),
  };
}
