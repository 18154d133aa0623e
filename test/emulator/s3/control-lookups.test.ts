import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/emulator/core/types.js';
import { createS3ControlService } from '../../../src/emulator/s3/control-service.js';
import {
  ACCOUNT,
  ALICE,
  BOB,
  CAROL,
  call,
  ETL,
  fakeRuntime,
  s3Config,
  xmlText,
  xmlTexts,
} from './helpers.js';

const INSTANCE_ARN = `arn:aws:s3:us-east-1:${ACCOUNT}:access-grants/default`;

async function op(
  path: string,
  caller: Caller,
  query: Record<string, string>,
  config = s3Config(),
  headers: Record<string, string> = { 'x-amz-account-id': ACCOUNT },
) {
  const runtime = fakeRuntime(config);
  const module = await createS3ControlService(runtime);
  return call(module, runtime, caller, { path, query, headers });
}

const PREFIX_PATH = '/v20180820/accessgrantsinstance/prefix';
const GRANTS_PATH = '/v20180820/accessgrantsinstance/caller/grants';

describe('GetAccessGrantsInstanceForPrefix', () => {
  it.each(['s3://lake/team-a/', 's3://lake', 's3://', 's3://any-bucket/x*'])(
    'finds the instance for %s',
    async (prefix) => {
      const { reply, error, audits } = await op(PREFIX_PATH, ALICE, { s3prefix: prefix });
      expect(error).toBeUndefined();
      expect(xmlText(reply?.body, 'AccessGrantsInstanceArn')).toBe(INSTANCE_ARN);
      expect(xmlText(reply?.body, 'AccessGrantsInstanceId')).toBe('default');
      expect(audits[0]?.outcome).toBe('allowed');
    },
  );

  it('answers AccessGrantsInstanceNotExistsError when no location covers the prefix', async () => {
    const config = s3Config({
      locations: [{ scope: 's3://lake/restricted/' }],
      grants: [],
    });
    const inside = await op(PREFIX_PATH, ALICE, { s3prefix: 's3://lake/restricted/carol/' }, config);
    expect(xmlText(inside.reply?.body, 'AccessGrantsInstanceId')).toBe('default');
    for (const prefix of ['s3://lake/team-a/', 's3://', 's3://other/restricted/']) {
      const { error } = await op(PREFIX_PATH, ALICE, { s3prefix: prefix }, config);
      expect(error?.code).toBe('AccessGrantsInstanceNotExistsError');
      expect(error?.status).toBe(404);
    }
  });

  it.each([
    '',
    'lake/team-a/',
    'https://lake/',
    's3://LAKE/',
    's3://lake/a/../b/',
    `s3://lake/${'x'.repeat(2000)}`,
  ])('rejects s3prefix %j', async (prefix) => {
    const { error } = await op(PREFIX_PATH, ALICE, { s3prefix: prefix });
    expect(error?.code).toBe('InvalidRequest');
  });

  it('denies another account', async () => {
    const { error } = await op(PREFIX_PATH, ALICE, { s3prefix: 's3://lake/' }, s3Config(), {
      'x-amz-account-id': '210987654321',
    });
    expect(error?.code).toBe('AccessDenied');
  });
});

describe('ListCallerAccessGrants', () => {
  it('lists the user and group grants of an identity-enhanced caller', async () => {
    const { reply } = await op(GRANTS_PATH, ALICE, {});
    const body = String(reply?.body);
    expect(xmlTexts(body, 'GrantScope')).toEqual([
      's3://lake/team-a/*',
      's3://lake/team-a/deep/*',
      's3://lake/shared/*',
    ]);
    expect(xmlTexts(body, 'Permission')).toEqual(['READ', 'READWRITE', 'READ']);
    expect(body).toContain('<CallerAccessGrantsList><AccessGrant><Permission>');
    expect(xmlText(body, 'NextToken')).toBeUndefined();
  });

  it('lists IAM grants of a role session, and nothing for a user without grants', async () => {
    expect(xmlTexts((await op(GRANTS_PATH, ETL, {})).reply?.body, 'GrantScope')).toEqual(['s3://lake/etl/*']);
    expect(xmlTexts((await op(GRANTS_PATH, CAROL, {})).reply?.body, 'GrantScope')).toEqual([
      's3://lake/restricted/carol/*',
    ]);
    const none = await op(
      GRANTS_PATH,
      { ...CAROL, identityContext: { ...CAROL.identityContext!, idcUserId: 'x' } },
      {},
    );
    expect(xmlTexts(none.reply?.body, 'GrantScope')).toEqual([]);
  });

  it('filters by grant scope: grants under the fragment and grants it lies under', async () => {
    const deep = await op(GRANTS_PATH, ALICE, { grantscope: 's3://lake/team-a/deep/x' });
    expect(xmlTexts(deep.reply?.body, 'GrantScope')).toEqual([
      's3://lake/team-a/*',
      's3://lake/team-a/deep/*',
    ]);
    const lake = await op(GRANTS_PATH, BOB, { grantscope: 's3://lake/' });
    expect(xmlTexts(lake.reply?.body, 'GrantScope')).toEqual(['s3://lake/eng/*', 's3://lake/reports/q1.csv']);
    const object = await op(GRANTS_PATH, BOB, { grantscope: 's3://lake/reports/q1.csv.bak' });
    expect(xmlTexts(object.reply?.body, 'GrantScope')).toEqual([]);
  });

  it('pages with maxResults and nextToken', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = { maxResults: '1' };
      if (token) query.nextToken = token;
      const { reply } = await op(GRANTS_PATH, ALICE, query);
      seen.push(...xmlTexts(reply?.body, 'GrantScope'));
      token = xmlText(reply?.body, 'NextToken');
      pages += 1;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['s3://lake/team-a/*', 's3://lake/team-a/deep/*', 's3://lake/shared/*']);
  });

  it('answers maxResults 0 with a full page and no NextToken, so paginators end', async () => {
    const { reply } = await op(GRANTS_PATH, ALICE, { maxResults: '0' });
    expect(xmlTexts(reply?.body, 'GrantScope')).toEqual([
      's3://lake/team-a/*',
      's3://lake/team-a/deep/*',
      's3://lake/shared/*',
    ]);
    expect(xmlText(reply?.body, 'NextToken')).toBeUndefined();
  });

  it.each([
    { maxResults: '1001' },
    { maxResults: '-1' },
    { maxResults: 'ten' },
    { nextToken: 'garbage' },
    { nextToken: `lcag1.${Buffer.from('99').toString('base64url')}` },
    { nextToken: `lcag1.${Buffer.from('-1').toString('base64url')}` },
    { allowedByApplication: 'yes' },
    { grantscope: 'lake/' },
  ] as Record<string, string>[])('rejects %j', async (query) => {
    const { error } = await op(GRANTS_PATH, ALICE, query);
    expect(error?.code).toBe('InvalidRequest');
  });
});
