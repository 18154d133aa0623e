/**
 * The Redshift SDK modules (`@aws-sdk/client-redshift-data`, `-redshift`, `-redshift-serverless`), each
 * loaded when a call that needs it is first made, so that the rest of tip-sdk works without them.
 *
 * @module
 */
import type * as RedshiftSdk from '@aws-sdk/client-redshift';
import type * as RedshiftDataSdk from '@aws-sdk/client-redshift-data';
import type * as RedshiftServerlessSdk from '@aws-sdk/client-redshift-serverless';
import { requireOptionalPeer } from '../../optional-peer.js';

/** The Redshift Data API SDK module. @throws TipError `ERR_MISSING_DEPENDENCY` when it is not installed. */
export function redshiftDataSdk(): typeof RedshiftDataSdk {
  return requireOptionalPeer<typeof RedshiftDataSdk>('@aws-sdk/client-redshift-data');
}

/** The Redshift (provisioned) SDK module. @throws TipError `ERR_MISSING_DEPENDENCY` when it is not installed. */
export function redshiftSdk(): typeof RedshiftSdk {
  return requireOptionalPeer<typeof RedshiftSdk>('@aws-sdk/client-redshift');
}

/** The Redshift Serverless SDK module. @throws TipError `ERR_MISSING_DEPENDENCY` when it is not installed. */
export function redshiftServerlessSdk(): typeof RedshiftServerlessSdk {
  return requireOptionalPeer<typeof RedshiftServerlessSdk>('@aws-sdk/client-redshift-serverless');
}
