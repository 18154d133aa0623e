/**
 * The Express app: every route runs as the signed-in user.
 *   GET /me            who the bearer token belongs to
 *   GET /whoami-aws    STS GetCallerIdentity with the user's identity-enhanced credentials
 *   GET /files/<key>   an object of the bucket, read through S3 Access Grants as the user
 *   GET /metrics       tip-sdk metrics (in-process snapshot; no auth, no user data)
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import express, { type Express, type Response } from 'express';
import { errorResponse, tipMiddleware } from '../../src/express.js';
import type { Observability } from '../../src/observability/index.js';
import { s3AccessGrants } from '../../src/s3.js';
import type { S3AccessGrants } from '../../src/s3.js';
import type { TrustedIdentity, UserSession } from '../../src/tip.js';
import type { ServiceSettings } from './config.js';

const REALM = 'analytics';

/** Builds the app around a trusted identity. */
export function createApp(tip: TrustedIdentity, obs: Observability, settings: ServiceSettings): Express {
  const app = express();
  // One Access Grants handle per user keeps their grant credentials cached across requests.
  const grants = new Map<string, S3AccessGrants>();
  const grantsFor = (session: UserSession): S3AccessGrants => {
    const id = session.identity.idcUserId;
    let handle = grants.get(id);
    if (handle === undefined) {
      if (grants.size >= 10_000) grants.delete(grants.keys().next().value as string);
      handle = s3AccessGrants(
        {
          credentials: session.credentials,
          region: settings.tipOptions.region,
          clientConfig: settings.awsClientConfig,
        },
        settings.accountId === undefined ? {} : { accountId: settings.accountId },
      );
      // getObject() goes through the handle's default S3 client: observe it (span, metrics, audit).
      obs.instrumentClient(handle.client(), session);
      grants.set(id, handle);
    }
    return handle;
  };
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
    const sts = obs.instrumentClient(
      new STSClient({ ...settings.awsClientConfig, ...session.clientConfig() }),
      session,
    );
    try {
      const out = await sts.send(new GetCallerIdentityCommand({}));
      res.json({ arn: out.Arn, account: out.Account, userId: out.UserId });
    } catch (error) {
      fail(res, error);
    } finally {
      sts.destroy();
    }
  });
  app.get('/files/*key', async (req, res) => {
    const key = ([] as string[]).concat((req.params as { key: string | string[] }).key).join('/');
    try {
      const object = await grantsFor(req.tip!).getObject({ Bucket: settings.bucket, Key: key });
      res.type(object.contentType ?? 'application/octet-stream').send(Buffer.from(object.body));
    } catch (error) {
      fail(res, error);
    }
  });
  return app;
}
