/**
 * The option keys of the Express middleware and the Fastify plugin, checked complete against their types
 * by the compiler, for refusing unknown keys at construction.
 *
 * @module
 */
import { optionKeys } from '../option-keys.js';
import type { OptionShape } from '../option-keys.js';
import type { TipHttpOptions } from './authenticate.js';
import type { CrossSiteOptions } from './cross-site.js';
import type { TipExpressOptions } from './express.js';
import type { TipFastifyOptions } from './fastify.js';

const HTTP_KEYS = optionKeys<TipHttpOptions>({
  realm: true,
  cookieName: true,
  csrf: true,
  optional: true,
  retryAfterSeconds: true,
  logger: true,
  observe: true,
});

const CSRF_KEYS = optionKeys<CrossSiteOptions>({ trustedOrigins: true });

/** What `tipMiddleware` accepts. */
export const EXPRESS_SHAPE: OptionShape = {
  owner: 'tipMiddleware',
  keys: new Set([
    ...HTTP_KEYS,
    ...optionKeys<Omit<TipExpressOptions, keyof TipHttpOptions>>({ respond: true }),
  ]),
  nested: { csrf: CSRF_KEYS },
};

/** What `tipPlugin` accepts, with the options Fastify's `register` itself reads and passes along. */
export const FASTIFY_SHAPE: OptionShape = {
  owner: 'tipPlugin',
  keys: new Set([
    ...HTTP_KEYS,
    ...optionKeys<Omit<TipFastifyOptions, keyof TipHttpOptions>>({ tip: true, respond: true }),
    'prefix',
    'logLevel',
    'logSerializers',
  ]),
  nested: { csrf: CSRF_KEYS },
};

/** What `csrf` accepts. */
export const CSRF_SHAPE: OptionShape = { owner: 'the csrf option', keys: CSRF_KEYS };
