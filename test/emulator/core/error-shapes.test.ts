import { AthenaClient, GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { DescribeStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontError } from '../../../src/emulator/core/profiles.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { SERVICE_KEY, baseConfig } from './helpers/config.js';
import { send, signHeaders } from './helpers/raw.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator(baseConfig(), { quiet: true, idp: false });
});
afterAll(() => emu.stop());

async function exception(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

const JSON11 = (target: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target });

describe('error bodies in the shape of each service model', () => {
  it('Athena InvalidRequestException carries the model member Message', async () => {
    const body = JSON.stringify({ QueryExecutionId: '00000000-0000-0000-0000-000000000000' });
    const headers = await signHeaders({
      url: emu.url,
      service: 'athena',
      body,
      headers: JSON11('AmazonAthena.GetQueryExecution'),
      credentials: SERVICE_KEY,
    });
    const wire = JSON.parse((await send(emu.url, { headers, body })).body) as Record<string, unknown>;
    expect(wire).toMatchObject({ __type: 'InvalidRequestException', AthenaErrorCode: 'INVALID_INPUT' });
    expect(wire.Message).toEqual(expect.stringContaining('was not found'));
    expect(wire).not.toHaveProperty('message');
    // The SDK reads it as its message.
    const athena = new AthenaClient(emu.clientConfig());
    const err = await exception(
      athena.send(new GetQueryExecutionCommand({ QueryExecutionId: '00000000-0000-0000-0000-000000000000' })),
    );
    expect(err).toMatchObject({ name: 'InvalidRequestException', message: wire.Message });
    athena.destroy();
  });

  it('Redshift Data ValidationException and ResourceNotFoundException carry Message; gateway errors message', async () => {
    const call = async (target: string, input: object, service = 'redshift-data') => {
      const body = JSON.stringify(input);
      const headers = await signHeaders({
        url: emu.url,
        service,
        body,
        headers: JSON11(target),
        credentials: SERVICE_KEY,
      });
      return JSON.parse((await send(emu.url, { headers, body })).body) as Record<string, unknown>;
    };
    expect(await call('RedshiftData.DescribeStatement', { Id: 'not-an-id' })).toMatchObject({
      __type: 'ValidationException',
      Message: expect.any(String),
    });
    expect(
      await call('RedshiftData.DescribeStatement', { Id: '11111111-2222-3333-4444-555555555555' }),
    ).toMatchObject({ __type: 'ResourceNotFoundException', Message: 'Query does not exist.' });
    // Not in the model: the gateway's lower-case member.
    expect(await call('RedshiftData.NoSuchOperation', {})).toMatchObject({
      __type: 'UnknownOperationException',
      message: expect.any(String),
    });
    const data = new RedshiftDataClient(emu.clientConfig());
    const missing = await exception(
      data.send(new DescribeStatementCommand({ Id: '11111111-2222-3333-4444-555555555555' })),
    );
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', message: 'Query does not exist.' });
    data.destroy();
  });

  it('answers a member of the wrong JSON type SerializationException before any validation', async () => {
    const body = JSON.stringify({ QueryExecutionId: 'x', MaxResults: 'ten' });
    const headers = await signHeaders({
      url: emu.url,
      service: 'athena',
      body,
      headers: JSON11('AmazonAthena.GetQueryResults'),
      credentials: SERVICE_KEY,
    });
    const res = await send(emu.url, { headers, body });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ __type: 'SerializationException' });
    expect(res.body).toContain('MaxResults');
    // A list member given as a string, on the Redshift Data API.
    const sqls = JSON.stringify({ Sqls: 'select 1', WorkgroupName: 'wg' });
    const h2 = await signHeaders({
      url: emu.url,
      service: 'redshift-data',
      body: sqls,
      headers: JSON11('RedshiftData.BatchExecuteStatement'),
      credentials: SERVICE_KEY,
    });
    const res2 = await send(emu.url, { headers: h2, body: sqls });
    expect(JSON.parse(res2.body)).toMatchObject({ __type: 'SerializationException' });
  });

  it('Redshift Serverless denies with 403, as its model declares', () => {
    expect(frontError('redshift-serverless', 'accessDenied', 'no')).toMatchObject({
      code: 'AccessDeniedException',
      status: 403,
    });
    expect(frontError('athena', 'accessDenied', 'no').status).toBe(400);
  });

  it('SSO OIDC answers an unsigned CreateTokenWithIAM with an error its model declares', async () => {
    const res = await send(emu.url, {
      path: '/token?aws_iam=t',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(JSON.parse(res.body)).toMatchObject({ error: 'access_denied' });
  });
});
