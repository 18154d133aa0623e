/**
 * The Fastify app: the same routes as the Express example, every one running as the signed-in user.
 *   GET /me            who the bearer token belongs to
 *   GET /whoami-aws    STS GetCallerIdentity with the user's identity-enhanced credentials
 *   GET /sales         an Athena query as the user (Lake Formation-style row filters apply)
 *   GET /files/<key>   an object of the bucket, read through S3 Access Grants as the user
 *   GET /metrics       tip-sdk metrics (outside the authenticated scope)
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { errorResponse, tipPlugin } from 'tip-sdk/fastify';
import type { Observability } from 'tip-sdk/observability';
import type { TrustedIdentity } from 'tip-sdk';
import type { ServiceSettings } from '../express-service/config.js';

const REALM = 'analytics';

/** Builds the app around a trusted identity. */
export async function createApp(
  tip: TrustedIdentity,
  obs: Observability,
  settings: ServiceSettings,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const fail = (reply: FastifyReply, error: unknown) => {
    const answer = errorResponse(error, { realm: REALM, retryAfterSeconds: 1 });
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  };

  app.get('/metrics', async () => obs.metrics.snapshot());
  // The plugin applies to the context it is registered in: only these routes need a token.
  await app.register(async (api) => {
    await api.register(tipPlugin, { tip, realm: REALM, observe: obs.http });
    api.get('/me', async (request) => {
      const { issuer, subject, idcUserId, identityStoreId } = request.tip!.identity;
      return { issuer, subject, idcUserId, identityStoreId };
    });
    api.get('/whoami-aws', async (request, reply) => {
      const session = request.tip!;
      const sts = obs.instrumentClient(new STSClient(session.clientConfig()), session);
      try {
        const out = await sts.send(new GetCallerIdentityCommand({}));
        return { arn: out.Arn, account: out.Account, userId: out.UserId };
      } catch (error) {
        return fail(reply, error);
      } finally {
        sts.destroy();
      }
    });
    api.get('/sales', async (request, reply) => {
      try {
        const result = await request.tip!.athena.query(
          'SELECT id, region, amount FROM sales.orders ORDER BY id',
          {
            workGroup: settings.workGroup,
          },
        );
        return { columns: result.columns.map((c) => c.name), rows: result.rows };
      } catch (error) {
        return fail(reply, error);
      }
    });
    api.get<{ Params: { '*': string } }>('/files/*', async (request, reply) => {
      const session = request.tip!;
      try {
        obs.instrumentClient(await session.s3.client(), session);
        const object = await session.s3.getObject({ Bucket: settings.bucket, Key: request.params['*'] });
        return reply.type(object.contentType ?? 'application/octet-stream').send(Buffer.from(object.body));
      } catch (error) {
        return fail(reply, error);
      }
    });
  });
  return app;
}
