/**
 * `tip-sdk/express`: the Express middleware and the HTTP error mapping it uses.
 *
 * @packageDocumentation
 */
export { tipMiddleware } from './http/express.js';
export type { TipExpressOptions } from './http/express.js';
export { extractBearer } from './http/bearer.js';
export type { BearerExtraction, BearerRequest } from './http/bearer.js';
export { errorResponse } from './http/error-response.js';
export type {
  ErrorResponseSettings,
  HttpErrorBody,
  HttpErrorCode,
  HttpErrorResponse,
} from './http/error-response.js';
export type { HttpAuthRecord, TipHttpOptions } from './http/authenticate.js';
export type { CrossSiteOptions } from './http/cross-site.js';
