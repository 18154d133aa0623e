/**
 * `tip-sdk/fastify`: the Fastify plugin and the HTTP error mapping it uses.
 *
 * @packageDocumentation
 */
export { tipPlugin } from './http/fastify.js';
export type { TipFastifyOptions, TipPlugin } from './http/fastify.js';
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
