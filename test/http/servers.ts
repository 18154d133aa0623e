/**
 * Real Express and Fastify servers on loopback with the same routes: `/me` (identity), `/whoami-aws`
 * (STS GetCallerIdentity as the user) and `/public` (optional mode: who, or null).
 */
import type { AddressInfo } from 'node:net';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import express from 'express';
import Fastify from 'fastify';
import { tipMiddleware } from '../../src/http/express.js';
import type { TipExpressOptions } from '../../src/http/express.js';
import { tipPlugin } from '../../src/http/fastify.js';
import type { TipFastifyOptions } from '../../src/http/fastify.js';
import type { TrustedIdentity, UserSession } from '../../src/tip.js';

/** A running server. */
export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Options common to both adapters in tests. */
export type AdapterOptions = Omit<TipExpressOptions, 'respond'> & {
  /** A responder written once for both frameworks: returns what to send. */
  readonly respondWith?: (status: number, code: string) => { status: number; body: unknown };
};

/** Starts a server for one adapter. */
export type StartServer = (
  tip: Pick<TrustedIdentity, 'forToken'>,
  options?: AdapterOptions,
) => Promise<TestServer>;

const me = (session: UserSession) => ({
  issuer: session.identity.issuer,
  subject: session.identity.subject,
  idcUserId: session.identity.idcUserId,
});

async function whoami(session: UserSession) {
  const sts = new STSClient(session.clientConfig());
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { arn: out.Arn, account: out.Account };
  } finally {
    sts.destroy();
  }
}

export const startExpress: StartServer = async (tip, options = {}) => {
  const { respondWith, ...rest } = options;
  const app = express();
  const mw = tipMiddleware(tip, {
    ...rest,
    ...(respondWith === undefined
      ? {}
      : {
          respond: (failure, _req, res) => {
            const out = respondWith(failure.status, failure.body.code);
            res.status(out.status).json(out.body);
          },
        }),
  });
  app.get('/public', tipMiddleware(tip, { ...rest, optional: true }), (req, res) => {
    res.json({ who: req.tip === undefined ? null : req.tip.identity.subject });
  });
  app.use(mw);
  app.get('/me', (req, res) => {
    res.json(me(req.tip!));
  });
  // Unsafe methods on the same resource, for the cookie mode's cross-site check.
  for (const method of ['post', 'put', 'patch', 'delete'] as const) {
    app[method]('/me', (req, res) => {
      res.json(me(req.tip!));
    });
  }
  app.get('/whoami-aws', async (req, res) => {
    res.json(await whoami(req.tip!));
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

export const startFastify: StartServer = async (tip, options = {}) => {
  const { respondWith, ...rest } = options;
  const app = Fastify({ logger: false });
  await app.register(async (open) => {
    await open.register(tipPlugin, { ...rest, tip, optional: true });
    open.get('/public', async (request) => ({
      who: request.tip === null ? null : request.tip.identity.subject,
    }));
  });
  await app.register(async (closed) => {
    const pluginOptions: TipFastifyOptions = {
      ...rest,
      tip,
      ...(respondWith === undefined
        ? {}
        : {
            respond: (failure, _request, reply) => {
              const out = respondWith(failure.status, failure.body.code);
              return reply.code(out.status).send(out.body);
            },
          }),
    };
    await closed.register(tipPlugin, pluginOptions);
    closed.get('/me', async (request) => me(request.tip!));
    closed.route({
      method: ['POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/me',
      handler: async (request) => me(request.tip!),
    });
    closed.get('/whoami-aws', async (request) => whoami(request.tip!));
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: () => app.close() };
};
