/**
 * Asks Redshift for a driver token with the connector's role credentials (`GetIdentityCenterAuthToken`,
 * Serverless or provisioned). Loaded only when the token cache has no usable token.
 *
 * @module
 */
import type { AwsClientConfig } from '../aws/clients.js';
import { redshift } from '../services/redshift/handle.js';
import { awsSettings } from './oidc-exchange.js';
import type { ResolvedProfile } from './profile.js';
import type { CachedRedshiftToken } from './token-cache/record.js';

/** Role credentials the token is asked for with. Secret. */
export interface FetchCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/**
 * A new driver token for `key` (see `redshiftTargetKey`).
 *
 * @throws TipError every error of `RedshiftHandle.driverToken` (`ERR_AWS_*`, `ERR_TIMEOUT`, a missing
 *   optional peer package).
 */
export async function fetchRedshiftToken(
  profile: ResolvedProfile,
  extra: AwsClientConfig | undefined,
  credentials: FetchCredentials,
  key: string,
  signal?: AbortSignal,
): Promise<CachedRedshiftToken> {
  const [kind, name] = key.split(':') as ['workgroup' | 'cluster', string];
  const handle = redshift({
    credentials: async () => credentials,
    region: profile.region,
    clientConfig: awsSettings(profile, extra),
  });
  try {
    const token = await handle.driverToken({
      ...(kind === 'workgroup' ? { workgroupName: name } : { clusterIdentifier: name }),
      ...(signal === undefined ? {} : { signal }),
    });
    return {
      target: key,
      token: token.token,
      expiresAt: token.expiresAt,
      accessKeyId: credentials.accessKeyId,
    };
  } finally {
    await handle.close();
  }
}
