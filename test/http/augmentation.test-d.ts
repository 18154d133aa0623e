import type { Request as ExpressRequest } from 'express';
import type { FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import type { TipExpressOptions } from '../../src/express.js';
import { tipMiddleware } from '../../src/express.js';
import type { TipFastifyOptions } from '../../src/fastify.js';
import type { UserSession } from '../../src/tip.js';

describe('module augmentation', () => {
  it('types req.tip (Express) and request.tip (Fastify)', () => {
    expectTypeOf<ExpressRequest['tip']>().toEqualTypeOf<UserSession | undefined>();
    expectTypeOf<FastifyRequest['tip']>().toEqualTypeOf<UserSession | null>();
  });

  it('requires the trusted identity for the Fastify plugin and accepts a partial one for Express', () => {
    expectTypeOf<TipFastifyOptions['tip']>().not.toBeUndefined();
    // @ts-expect-error tip is required
    const missing: TipFastifyOptions = { realm: 'x' };
    expectTypeOf(missing).toBeObject();
    expectTypeOf(tipMiddleware).parameter(0).toHaveProperty('forToken');
    expectTypeOf<TipExpressOptions['optional']>().toEqualTypeOf<boolean | undefined>();
  });
});
