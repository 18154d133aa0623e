/**
 * Run by missing-peers.test.ts in a child process where the optional peers are hidden
 * (test/support/hide-packages.mjs): loads every library entry point and uses each feature that needs a
 * peer, then prints one JSON object with what each attempt produced.
 */
import type { AwsCredentialIdentity } from '@aws-sdk/types';

const CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'ASIAPROBE00000000001',
  secretAccessKey: 'probe-secret-key-00000000000000000000000',
  sessionToken: 'probe-session-token',
  accountId: '111122223333',
};

/** What one attempt produced: a value, or the error's code, details and message. */
type Outcome =
  | { readonly ok: true; readonly value?: string }
  | {
      readonly ok: false;
      readonly name: string;
      readonly code?: string;
      readonly message: string;
      readonly details?: Record<string, unknown>;
    };

function failure(error: unknown): Outcome {
  const e = error as { name?: string; code?: string; message?: string; details?: Record<string, unknown> };
  return {
    ok: false,
    name: String(e?.name),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: String(e?.message),
    ...(e?.details === undefined ? {} : { details: { ...e.details } }),
  };
}

const results: Record<string, Outcome> = {};

async function attempt(name: string, run: () => unknown): Promise<void> {
  try {
    const value = await run();
    results[name] = { ok: true, ...(value === undefined ? {} : { value: String(value) }) };
  } catch (error) {
    results[name] = failure(error);
  }
}

const entries = {
  core: '../../src/index.js',
  athena: '../../src/athena.js',
  redshift: '../../src/redshift.js',
  s3: '../../src/s3.js',
  express: '../../src/express.js',
  fastify: '../../src/fastify.js',
  observability: '../../src/observability/index.js',
  redis: '../../src/redis/index.js',
  testing: '../../src/testing.js',
} as const;
const modules: Record<string, Record<string, unknown>> = {};
for (const [name, path] of Object.entries(entries)) {
  await attempt(`import ${name}`, async () => {
    modules[name] = (await import(path)) as Record<string, unknown>;
  });
}

const context = { credentials: async () => CREDENTIALS, region: 'us-east-1' };

if (modules.core !== undefined) {
  const { createSessionServices } = await import('../../src/services/session-services.js');
  const services = createSessionServices({ region: 'us-east-1', accountId: '111122223333' }).forUser(
    { idcUserId: 'u-probe' },
    async () => CREDENTIALS,
  );
  await attempt('user.athena.query', () => services.athena.query('SELECT 1', { workGroup: 'wg' }));
  await attempt('user.redshift.query', () =>
    services.redshift.query('select 1', { workgroupName: 'wg', database: 'dev' }),
  );
  await attempt('user.redshift.batch', () =>
    services.redshift.batch(['select 1'], { workgroupName: 'wg', database: 'dev' }),
  );
  await attempt('user.redshift.driverToken workgroup', () =>
    services.redshift.driverToken({ workgroupName: 'wg' }),
  );
  await attempt('user.redshift.driverToken cluster', () =>
    services.redshift.driverToken({ clusterIdentifier: 'cluster-1' }),
  );
  await attempt('user.s3.getDataAccess', () =>
    services.s3.getDataAccess({ target: 's3://lake/a/b.csv', permission: 'READ' }),
  );
  await attempt('user.s3.getObject', () => services.s3.getObject({ Bucket: 'lake', Key: 'a/b.csv' }));
  await attempt('user.s3.client', () => services.s3.client());
}
if (modules.athena !== undefined) {
  const { athena, discoverFromWorkGroup } = await import('../../src/athena.js');
  await attempt('athena().client', () => athena(context).client());
  await attempt('athena().queryPages', async () => {
    for await (const _ of athena(context).queryPages('SELECT 1', { workGroup: 'wg' })) break;
  });
  await attempt('discoverFromWorkGroup', () =>
    discoverFromWorkGroup({
      workGroup: 'wg',
      region: 'us-east-1',
      accountId: '111122223333',
      applicationTags: async () => ({}),
    }),
  );
}
if (modules.redshift !== undefined) {
  const { redshift } = await import('../../src/redshift.js');
  await attempt('redshift().dataClient', () => redshift(context).dataClient());
}
if (modules.s3 !== undefined) {
  const { s3AccessGrants } = await import('../../src/s3.js');
  await attempt('s3AccessGrants().client', () => s3AccessGrants(context).client());
}
if (modules.express !== undefined && modules.core !== undefined) {
  const { tipMiddleware } = await import('../../src/express.js');
  const { tipPlugin } = await import('../../src/fastify.js');
  await attempt('tipMiddleware', () => typeof tipMiddleware({ forToken: async () => undefined } as never));
  await attempt('tipPlugin', () => typeof tipPlugin);
}
if (modules.observability !== undefined) {
  const { loadOpenTelemetry } = await import('../../src/observability/index.js');
  await attempt('loadOpenTelemetry', async () => String(await loadOpenTelemetry()));
  await attempt('loadOpenTelemetry required', () => loadOpenTelemetry({ required: true }));
}
if (modules.testing !== undefined) {
  const { createEmulatorHandlers, demoEmulatorConfig } = await import('../../src/testing.js');
  await attempt('createEmulatorHandlers', () => createEmulatorHandlers(demoEmulatorConfig()));
}
{
  const { loadOptionalPeer } = await import('../../src/optional-peer.js');
  await attempt('loadOptionalPeer oidc-provider', () =>
    loadOptionalPeer('oidc-provider', () => import('oidc-provider')),
  );
}

process.stdout.write(`${JSON.stringify(results)}\n`);
