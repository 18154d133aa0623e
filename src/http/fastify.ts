/**
 * Fastify plugin: bearer token → `UserSession` on `request.tip`, RFC 6750 error answers otherwise. Shaped
 * like a `fastify-plugin` plugin without depending on it: its hook applies to the context it is
 * registered in (and that context's children).
 *
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { optionError } from '../errors.js';
import { rejectUnknownOptions } from '../option-keys.js';
import type { TrustedIdentity, UserSession } from '../tip.js';
import { type TipHttpOptions, createAuthenticator } from './authenticate.js';
import { disconnectSignal } from './disconnect-signal.js';
import { FASTIFY_SHAPE } from './option-keys.js';
import type { HttpErrorResponse } from './error-response.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user's session, set by the tip-sdk plugin; `null` for anonymous requests in optional mode. */
    tip: UserSession | null;
  }
}

/** Options of {@link tipPlugin}. */
export interface TipFastifyOptions extends TipHttpOptions {
  /** The trusted identity from `createTrustedIdentity()`. Required. */
  readonly tip: Pick<TrustedIdentity, 'forToken'>;
  /**
   * Sends a refusal instead of the default JSON answer; see `TipExpressOptions.respond`.
   * Default: `reply.code(failure.status).headers(failure.headers).send(failure.body)`.
   */
  readonly respond?: (
    failure: HttpErrorResponse,
    request: FastifyRequest,
    reply: FastifyReply,
    error?: unknown,
  ) => unknown;
}

/** The type of {@link tipPlugin}: a Fastify plugin function marked to skip encapsulation. */
export type TipPlugin = ((fastify: FastifyInstance, options: TipFastifyOptions) => Promise<void>) & {
  readonly [key: symbol]: unknown;
};

async function plugin(fastify: FastifyInstance, options: TipFastifyOptions): Promise<void> {
  if (typeof options === 'object' && options !== null) rejectUnknownOptions(options, FASTIFY_SHAPE);
  const auth = createAuthenticator(options?.tip, options);
  const respond = options.respond;
  if (respond !== undefined && typeof respond !== 'function') {
    throw optionError('respond', 'must be a function');
  }
  fastify.decorateRequest('tip', null);
  // Both hook styles in one: a resent token answered from memory calls `done` now, so the route runs in
  // this tick; any other request returns the promise of `authenticateLater`, which Fastify awaits.
  fastify.addHook('onRequest', (request, reply, done) => {
    const now = auth.authenticateNow(request.raw);
    if (now?.kind === 'session') {
      request.tip = now.session;
      done();
      return undefined;
    }
    return authenticateLater(request, reply);
  });

  async function authenticateLater(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const raw = reply.raw;
    const gone = disconnectSignal(request.raw, raw);
    let outcome: Awaited<ReturnType<typeof auth.authenticate>>;
    try {
      outcome = await auth.authenticate(request.raw, gone.signal);
    } finally {
      gone.done();
    }
    // The client is gone: run no route for it and send nothing (as the Express middleware does).
    if (gone.signal.aborted || raw.destroyed) return reply.hijack();
    if (outcome.kind === 'session') {
      request.tip = outcome.session;
      return;
    }
    if (outcome.kind === 'anonymous') return;
    const error = 'error' in outcome ? outcome.error : undefined;
    if (respond !== undefined) {
      await respond(outcome.response, request, reply, error);
      return reply;
    }
    return reply.code(outcome.response.status).headers(outcome.response.headers).send(outcome.response.body);
  }
}

/**
 * The Fastify plugin. Register it with the trusted identity:
 *
 * @example
 * ```ts
 * await app.register(tipPlugin, { tip, realm: 'analytics' });
 * app.get('/me', async (request) => request.tip!.identity);
 * ```
 */
export const tipPlugin: TipPlugin = Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'tip-sdk',
  [Symbol.for('plugin-meta')]: { name: 'tip-sdk', fastify: '5.x' },
});
