/**
 * One user, no server: turn a user's JWT into identity-enhanced AWS credentials, then act as the user.
 *
 *   TIP_TOKEN=<jwt> TIP_REGION=… TIP_ISSUER=… TIP_AUDIENCE=… TIP_APPLICATION_ARN=… TIP_ACCESS_ROLE_ARN=… \
 *   TIP_WORKGROUP=analysts TIP_S3_URI=s3://bucket/key node --import tsx examples/one-user-script/main.ts
 *   node --import tsx examples/one-user-script/main.ts --self-test   # emulator in process, exit 0/1
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { RunningEmulator } from 'tip-sdk/emulator';
import { isTipError } from 'tip-sdk';
import { createObservability } from 'tip-sdk/observability';
import type { AuditRecord } from 'tip-sdk/observability';
import { createTrustedIdentity } from 'tip-sdk';
import { type ServiceSettings, emulatorSettings, settingsFromEnv } from '../express-service/config.js';

/** Acts as the user of `token`; returns what it saw. */
async function actAs(settings: ServiceSettings, token: string, s3Uri: string | undefined, query: boolean) {
  const audit: AuditRecord[] = [];
  const obs = createObservability({ audit: (r) => audit.push(r) });
  const tip = obs.instrument(
    createTrustedIdentity({ ...settings.tipOptions, events: obs.events, serviceEvents: obs.serviceEvents }),
  );
  const user = await tip.forToken(token);
  const sts = obs.instrumentClient(new STSClient(user.clientConfig()), user);
  const caller = await sts.send(new GetCallerIdentityCommand({})).finally(() => sts.destroy());
  let orders: unknown;
  if (query) {
    const result = await user.athena.query('SELECT count(*) AS orders FROM sales.orders', {
      workGroup: settings.workGroup,
    });
    orders = result.rows[0]?.orders;
  }
  let object: string | undefined;
  if (s3Uri !== undefined) {
    const [, bucket = '', key = ''] = /^s3:\/\/([^/]+)\/(.+)$/.exec(s3Uri) ?? [];
    obs.instrumentClient(await user.s3.client(), user);
    const content = await user.s3.getObject({ Bucket: bucket, Key: key });
    object = new TextDecoder().decode(content.body);
  }
  return { identity: user.identity, arn: caller.Arn, orders, object, audit };
}

function print(result: Awaited<ReturnType<typeof actAs>>): void {
  console.log(`user       ${result.identity.subject} (IdC ${result.identity.idcUserId})`);
  console.log(`aws caller ${result.arn}`);
  if (result.orders !== undefined) console.log(`orders     ${String(result.orders)} visible in sales.orders`);
  if (result.object !== undefined) console.log(`object     ${JSON.stringify(result.object.slice(0, 60))}`);
  for (const r of result.audit)
    console.log(`audit      ${r.service}:${r.operation} ${r.resource ?? ''} ${r.outcome}`);
}

async function selfTest(emu: RunningEmulator, settings: ServiceSettings): Promise<number> {
  const token = await emu.idp!.tokenFor('alice');
  const result = await actAs(settings, token, 's3://lake/team-a/report.csv', true);
  print(result);
  const failures: string[] = [];
  if (result.identity.subject !== 'alice') failures.push('identity is not alice');
  if (!result.arn?.includes(':assumed-role/analytics-identity-bearer/'))
    failures.push('not the identity-bearer role');
  // The analysts' row filter leaves alice the two `eu` orders of three.
  if (Number(result.orders) !== 2) failures.push(`expected 2 visible orders, got ${String(result.orders)}`);
  if (!result.object?.startsWith('id,amount')) failures.push('object not read through Access Grants');
  const ops = result.audit.map((r) => `${r.operation}:${r.outcome}`);
  if (
    ops.join() !==
    'CreateTokenWithIAM:success,AssumeRole:success,GetCallerIdentity:success,query:success,GetObject:success'
  ) {
    failures.push(`unexpected audit trail ${ops.join()}`);
  }
  if (emu.counters.get('sso-oauth:CreateTokenWithIAM') !== 1) failures.push('expected exactly one exchange');
  const bobToken = await emu.idp!.tokenFor('bob');
  const denied = await actAs(settings, bobToken, 's3://lake/team-a/report.csv', false).then(
    () => 'allowed',
    (error: unknown) => (isTipError(error) ? error.code : String(error)),
  );
  console.log(`bob reading team-a: ${denied}`);
  if (denied !== 'ERR_ACCESS_DENIED') failures.push('bob was not denied team-a');
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(
    `one-user-script: ${failures.length === 0 ? 'all checks passed' : `${failures.length} checks failed`}`,
  );
  return failures.length === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  if (process.argv.includes('--self-test')) {
    const { emu, settings } = await emulatorSettings();
    try {
      return await selfTest(emu, settings);
    } finally {
      await emu.stop();
    }
  }
  const token = process.env.TIP_TOKEN;
  if (token === undefined) throw new Error('Set TIP_TOKEN to the user’s JWT (and the TIP_* settings).');
  print(
    await actAs(settingsFromEnv(), token, process.env.TIP_S3_URI, process.env.TIP_WORKGROUP !== undefined),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isTipError(error) ? `${error.code}: ${error.message}` : error);
    process.exit(1);
  },
);
