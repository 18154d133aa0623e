/**
 * Express middleware: bearer token → `UserSession` on `req.tip`, RFC 6750 error answers otherwise.
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { optionError } from '../errors.js';
import { rejectUnknownOptions } from '../option-keys.js';
import type { TrustedIdentity, UserSession } from '../tip.js';
import { type TipHttpOptions, createAuthenticator } from './authenticate.js';
import { disconnectSignal } from './disconnect-signal.js';
import { EXPRESS_SHAPE } from './option-keys.js';
import type { HttpErrorResponse } from './error-response.js';

declare global {
  namespace Express {
    interface Request {
      /** The user's session, set by `tipMiddleware` (unset for anonymous requests in optional mode). */
      tip?: UserSession;
    }
  }
}

/** Options of {@link tipMiddleware}. */
export interface TipExpressOptions extends TipHttpOptions {
  /**
   * Sends a refusal instead of the default JSON answer. `failure` has the status, headers (challenge,
   * `Retry-After`) and body the default would send; `error` is what `forToken` threw, if anything.
   * Default: `res.status(failure.status).set(failure.headers).json(failure.body)`.
   */
  readonly respond?: (
    failure: HttpErrorResponse,
    req: Request,
    res: Response,
    next: NextFunction,
    error?: unknown,
  ) => void;
}

function sendDefault(failure: HttpErrorResponse, _req: Request, res: Response): void {
  res.status(failure.status).set(failure.headers).json(failure.body);
}

/**
 * Creates the middleware. Options are validated now (`TypeError` naming the option).
 *
 * The `forToken` call is aborted when the client disconnects; nothing is sent to a client that is gone.
 *
 * @example
 * ```ts
 * app.use(tipMiddleware(tip, { realm: 'analytics' }));
 * app.get('/me', (req, res) => res.json(req.tip!.identity));
 * ```
 */
export function tipMiddleware(
  tip: Pick<TrustedIdentity, 'forToken'>,
  options: TipExpressOptions = {},
): RequestHandler {
  if (typeof options === 'object' && options !== null) rejectUnknownOptions(options, EXPRESS_SHAPE);
  const auth = createAuthenticator(tip, options);
  const respond = options.respond ?? sendDefault;
  if (typeof respond !== 'function') throw optionError('respond', 'must be a function');
  return (req, res, next) => {
    // A resent token answered from memory: the route runs now, in this tick.
    const now = auth.authenticateNow(req);
    if (now?.kind === 'session') {
      req.tip = now.session;
      next();
      return;
    }
    const gone = disconnectSignal(req, res);
    auth.authenticate(req, gone.signal).then(
      (outcome) => {
        gone.done();
        if (gone.signal.aborted || res.destroyed) return;
        if (outcome.kind === 'session') req.tip = outcome.session;
        if (outcome.kind !== 'refused') return next();
        try {
          respond(outcome.response, req, res, next, 'error' in outcome ? outcome.error : undefined);
        } catch (error) {
          // A throwing custom responder goes to Express's error handling, not to an unhandled rejection.
          next(error);
        }
      },
      (error: unknown) => {
        gone.done();
        next(error);
      },
    );
  };
}
