/**
 * tip-sdk — AWS trusted identity propagation for Node services and BI connectors.
 *
 * @packageDocumentation
 */
export { TIP_ERROR_CODES, TipError, isTipError } from './errors.js';
export type { TipErrorCode, TipErrorDetails, TipErrorOptions } from './errors.js';
