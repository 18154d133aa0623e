/**
 * The Express app: every route runs as the signed-in user.
 *   GET /me            who the bearer token belongs to
 *   GET /whoami-aws    STS GetCallerIdentity with the user's identity-enhanced credentials
 *   GET /sales         an Athena query as the user (Lake Formation-style row filters apply)
 *   GET /files/<key>   an object of the bucket, read through S3 Access Grants as the user
 *   GET /metrics       tip-sdk metrics (in-process snapshot; no auth, no user data)
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import express, { type Express, type Response } from 'express';
import { errorResponse, tipMiddleware } from 'tip-sdk/express';
import type { Observability } from 'tip-sdk/observability';
import type { TrustedIdentity } from 'tip-sdk';
import type { ServiceSettings } from './config.js';

const REALM = 'analytics';

/** Builds the app around a trusted identity. */
export function createApp(tip: TrustedIdentity, obs: Observability, settings: ServiceSettings): Express {
  const app = express();
  const fail = (res: Response, error: unknown) => {
    const answer = errorResponse(error, { realm: REALM, retryAfterSeconds: 1 });
    res.status(answer.status).set(answer.headers).json(answer.body);
  };

  app.get('/metrics', (_req, res) => {
    res.json(obs.metrics.snapshot());
  });
  app.use(
    tipMiddleware(tip, { realm: REALM, observe: obs.http, ...(obs.logger ? { logger: obs.logger } : {}) }),
  );
  app.get('/me', (req, res) => {
    const { issuer, subject, idcUserId, identityStoreId } = req.tip!.identity;
    res.json({ issuer, subject, idcUserId, identityStoreId });
  });
  app.get('/whoami-aws', async (req, res) => {
    const session = req.tip!;
    const sts = obs.instrumentClient(new STSClient(session.clientConfig()), session);
    try {
      const out = await sts.send(new GetCallerIdentityCommand({}));
      res.json({ arn: out.Arn, account: out.Account, userId: out.UserId });
    } catch (error) {
      fail(res, error);
    } finally {
      sts.destroy();
    }
  });
  app.get('/sales', async (req, res) => {
    try {
      const result = await req.tip!.athena.query('SELECT id, region, amount FROM sales.orders ORDER BY id', {
        workGroup: settings.workGroup,
      });
      res.json({ columns: result.columns.map((c) => c.name), rows: result.rows });
    } catch (error) {
      fail(res, error);
    }
  });
  app.get('/files/*key', async (req, res) => {
    const key = ([] as string[]).concat((req.params as { key: string | string[] }).key).join('/');
    const session = req.tip!;
    try {
      // Observe the user's Access Grants S3 client (span, metrics, audit record per call).
      obs.instrumentClient(await session.s3.client(), session);
      const object = await session.s3.getObject({ Bucket: settings.bucket, Key: key });
      res.type(object.contentType ?? 'application/octet-stream').send(Buffer.from(object.body));
    } catch (error) {
      fail(res, error);
    }
  });
  return app;
}
