/**
 * The `@aws-sdk/client-athena` module, loaded when an Athena call is first made, so that the rest of
 * tip-sdk works without that optional package.
 *
 * @module
 */
import type * as AthenaSdk from '@aws-sdk/client-athena';
import { requireOptionalPeer } from '../../optional-peer.js';

/** The Athena SDK module. @throws TipError `ERR_MISSING_DEPENDENCY` when it is not installed. */
export function athenaSdk(): typeof AthenaSdk {
  return requireOptionalPeer<typeof AthenaSdk>('@aws-sdk/client-athena');
}
