/** Body limits of the front: every request's, and the larger one of S3 object uploads. */
import type { EmulatorConfig } from '../config/types.js';
import { frontError } from './profiles.js';
import type { AwsServiceError, ServiceName } from './types.js';

/** Default largest single S3 upload body (`PutObject`, `UploadPart`), bytes: 64 MiB. */
export const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;

/** The largest S3 object upload body the configuration allows, bytes. */
export function maxObjectBytes(config: EmulatorConfig): number {
  return config.s3.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
}

/** The service's body-too-large error; S3's `EntityTooLarge` names the allowed size, as S3 does. */
export function tooLarge(service: ServiceName, limit: number): AwsServiceError {
  const error = frontError(
    service,
    'tooLarge',
    service === 's3'
      ? 'Your proposed upload exceeds the maximum allowed size'
      : `The request body exceeds the maximum of ${limit} bytes.`,
    service === 's3' ? { MaxSizeAllowed: String(limit) } : {},
  );
  return error;
}
