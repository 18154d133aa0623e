/**
 * The S3 SDK modules (`@aws-sdk/client-s3`, `@aws-sdk/client-s3-control`), each loaded when a call that
 * needs it is first made, so that the rest of tip-sdk works without them.
 *
 * @module
 */
import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as S3ControlSdk from '@aws-sdk/client-s3-control';
import { requireOptionalPeer } from '../../optional-peer.js';

/** The S3 SDK module. @throws TipError `ERR_MISSING_DEPENDENCY` when it is not installed. */
export function s3Sdk(): typeof S3Sdk {
  return requireOptionalPeer<typeof S3Sdk>('@aws-sdk/client-s3');
}

/** The S3 Control SDK module. @throws TipError `ERR_MISSING_DEPENDENCY` when it is not installed. */
export function s3ControlSdk(): typeof S3ControlSdk {
  return requireOptionalPeer<typeof S3ControlSdk>('@aws-sdk/client-s3-control');
}
