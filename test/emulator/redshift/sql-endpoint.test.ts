/**
 * The emulator's Redshift SQL endpoint byte by byte, with a hand-written wire client: TLS only, a
 * startup packet without `user`, AuthenticationRequest 14, both `'i'` framings, each token type, the
 * simple and extended protocols, and hostile input that must end in an ErrorResponse or a close.
 */
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import type { RunningEmulator } from '../../../src/emulator/start.js';
import type { UserSession } from '../../../src/tip.js';
import {
  APP,
  emulatorTip,
  salesWorkgroup,
  servicesConfig,
  signIn,
  startServicesEmulator,
} from '../../services/integration/kit.js';
import {
  WireClient,
  dataRow,
  errorFields,
  extended,
  frame,
  parameterStatuses,
  query,
  startup,
  sync,
  tokenMessage,
} from './helpers/wire-client.js';

const redshift: EmulatorConfigInput['redshift'] = {
  targets: [
    salesWorkgroup(
      [
        ['eu', 10],
        ['us', 30],
      ],
      [
        { principal: 'user:alice', table: 'public.sales', rowFilter: "region = 'eu'" },
        { principal: 'user:bob', table: 'public.sales' },
      ],
      { maxConnections: 50 },
    ),
  ],
};

const IDC = { plugin_name: 'com.amazon.redshift.plugin.IdpTokenAuthPlugin', idp_type: 'AwsIdc' };

let emu: RunningEmulator;
let alice: UserSession;
let token: string;
let port: number;
let ca: string;

beforeAll(async () => {
  emu = await startServicesEmulator(servicesConfig({ redshift }), ['redshift']);
  const tip = emulatorTip(emu);
  alice = await signIn(emu, tip, 'alice');
  token = (await alice.redshift.driverToken({ workgroupName: 'analytics' })).token;
  port = emu.redshiftSql!.endpoint({ workgroupName: 'analytics' }).port;
  ca = emu.redshiftSql!.caPem;
});

afterAll(async () => {
  await emu?.stop();
});

/** Opens a TLS connection and logs in with `tokenText` as `tokenType`. */
async function login(
  tokenText: string,
  options: { tokenType?: string; nul?: boolean; params?: Record<string, string> } = {},
) {
  const c = await WireClient.open(port, ca);
  c.send(
    startup({ database: 'dev', ...IDC, token_type: options.tokenType ?? 'SUBJECT_TOKEN', ...options.params }),
  );
  const request = await c.next();
  expect(request?.type).toBe('R');
  expect(request!.body.readInt32BE(0)).toBe(14);
  c.send(tokenMessage(tokenText, options.nul ?? true));
  return { c, answer: await c.until('Z') };
}

async function ask(c: WireClient, bytes: Buffer) {
  c.send(bytes);
  return c.until('Z');
}

const rowsOf = (frames: readonly { type: string; body: Buffer }[]) =>
  frames.filter((f) => f.type === 'D').map((f) => dataRow(f.body));

describe('login', () => {
  it('refuses a plaintext startup with FATAL 28000 and closes', async () => {
    const c = await WireClient.open(port);
    c.send(startup({ database: 'dev', ...IDC, token_type: 'SUBJECT_TOKEN' }));
    const f = await c.next();
    expect(f?.type).toBe('E');
    expect(errorFields(f!.body)).toMatchObject({ S: 'FATAL', C: '28000' });
    expect(errorFields(f!.body).M).toContain('must use an SSL connection');
    await c.closedWithin(5_000);
  });

  it('takes a startup without user and a token ending in NUL (JDBC framing)', async () => {
    const { c, answer } = await login(token, { nul: true });
    try {
      expect(answer.map((f) => f.type)).toEqual(['R', ...answer.slice(1, -2).map(() => 'S'), 'K', 'Z']);
      expect(answer[0]!.body.readInt32BE(0)).toBe(0);
      expect(parameterStatuses(answer)).toMatchObject({
        server_version: '8.0.2',
        client_encoding: 'UTF8',
        DateStyle: 'ISO, MDY',
        integer_datetimes: 'on',
        standard_conforming_strings: 'on',
        session_authorization: 'AWSIDC:alice',
      });
      const reply = await ask(c, query('select current_user; select region from sales'));
      expect(rowsOf(reply)).toEqual([['AWSIDC:alice'], ['eu']]);
      expect(reply.filter((f) => f.type === 'C').map((f) => f.body.toString('utf8'))).toEqual([
        'SELECT 1\0',
        'SELECT 1\0',
      ]);
    } finally {
      c.close();
    }
  });

  it('takes a token without NUL and an empty user (Python framing); says it speaks protocol 0', async () => {
    const { c, answer } = await login(token, {
      nul: false,
      params: { user: '', client_protocol_version: '2' },
    });
    try {
      expect(answer[0]!.body.readInt32BE(0)).toBe(0);
      expect(parameterStatuses(answer).server_protocol_version).toBe('0');
    } finally {
      c.close();
    }
  });

  it('takes an IAM Identity Center access token (ACCESS_TOKEN)', async () => {
    const client = new SSOOIDCClient(emu.clientConfig({ service: 'sso-oidc' }));
    try {
      const out = await client.send(
        new CreateTokenWithIAMCommand({
          clientId: APP,
          grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: await emu.idp!.tokenFor('bob'),
        }),
      );
      const { c, answer } = await login(out.accessToken!, { tokenType: 'ACCESS_TOKEN' });
      expect(parameterStatuses(answer).session_authorization).toBe('AWSIDC:bob');
      c.close();
      const bad = await login(`${out.accessToken!}x`, { tokenType: 'ACCESS_TOKEN' });
      expect(errorFields(bad.answer[0]!.body)).toMatchObject({ S: 'FATAL', C: '28000' });
    } finally {
      client.destroy();
    }
  });

  it('answers a refused token with FATAL 28000 "Token credentials expired or invalid" and closes', async () => {
    const { c, answer } = await login('tiprsat1.not-a-token');
    expect(answer).toHaveLength(1);
    const fields = errorFields(answer[0]!.body);
    expect(fields).toMatchObject({ S: 'FATAL', C: '28000' });
    expect(fields.M).toMatch(/^Token credentials expired or invalid: /);
    await c.closedWithin(5_000);
  });

  it('refuses an unknown token_type and an idp_type other than AwsIdc before asking for a token', async () => {
    for (const params of [
      { database: 'dev', ...IDC, token_type: 'PASSWORD' },
      { database: 'dev', idp_type: 'AzureAD', token_type: 'EXT_JWT' },
    ]) {
      const c = await WireClient.open(port, ca);
      c.send(startup(params));
      const f = await c.next();
      expect(errorFields(f!.body)).toMatchObject({ S: 'FATAL', C: '28000' });
      await c.closedWithin(5_000);
    }
  });

  it('refuses a query sent instead of the token (FATAL 08P01)', async () => {
    const c = await WireClient.open(port, ca);
    c.send(startup({ database: 'dev', ...IDC, token_type: 'SUBJECT_TOKEN' }));
    await c.next();
    c.send(query('select 1'));
    const f = await c.next();
    expect(errorFields(f!.body)).toMatchObject({ S: 'FATAL', C: '08P01' });
    await c.closedWithin(5_000);
  });
});

describe('queries', () => {
  it('runs the extended protocol with text parameters and NULL, then recovers after an error', async () => {
    const { c } = await login(token);
    try {
      const reply = await ask(
        c,
        extended('select $1::int + 1 as n, $2::text is null as missing', ['41', null]),
      );
      expect(reply.map((f) => f.type)).toEqual(['1', '2', 'T', 'D', 'C', 'Z']);
      expect(rowsOf(reply)).toEqual([['42', 't']]);
      const failed = await ask(c, extended('select * from no_such_table', []));
      expect(failed.map((f) => f.type)).toEqual(['1', '2', 'E', 'Z']);
      expect(errorFields(failed[2]!.body).C).toBe('42P01');
      expect(rowsOf(await ask(c, extended('select 7', [])))).toEqual([['7']]);
    } finally {
      c.close();
    }
  });

  it('describes a prepared statement without running it (ParameterDescription, RowDescription)', async () => {
    const { c } = await login(token);
    try {
      const reply = await ask(
        c,
        Buffer.concat([
          frame(
            'P',
            Buffer.concat([Buffer.from('s1\0select region from sales where amount > $1\0'), Buffer.alloc(2)]),
          ),
          frame('D', Buffer.from('Ss1\0')),
          sync(),
        ]),
      );
      expect(reply.map((f) => f.type)).toEqual(['1', 't', 'T', 'Z']);
      const description = reply[1]!.body;
      expect([description.readInt16BE(0), description.readInt32BE(2)]).toEqual([1, 23]);
    } finally {
      c.close();
    }
  });

  it('acknowledges transaction control and client settings, refuses SET of anything else', async () => {
    const { c } = await login(token);
    try {
      const begin = await ask(c, query('begin'));
      expect(begin.at(-1)!.body.toString()).toBe('T');
      const rollback = await ask(c, query("set application_name = 'x'; rollback"));
      expect(rollback.map((f) => f.type)).toEqual(['C', 'N', 'C', 'Z']);
      expect(rollback.at(-1)!.body.toString()).toBe('I');
      const refused = await ask(c, query("set search_path to 'other'"));
      expect(errorFields(refused[0]!.body)).toMatchObject({ S: 'ERROR', C: '42501' });
      const role = await ask(c, query('set role postgres'));
      expect(errorFields(role[0]!.body).C).toBe('42501');
      expect(rowsOf(await ask(c, query('select current_user')))).toEqual([['AWSIDC:alice']]);
    } finally {
      c.close();
    }
  });
});

/** Byte sequences a hostile client may send; each must end in an ErrorResponse or a close. */
const HOSTILE_BEFORE_TLS: readonly [string, Buffer][] = [
  ['length below 8', Buffer.from([0, 0, 0, 4, 0, 0, 0, 0])],
  ['huge length', Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 3, 0, 0])],
  ['negative length', Buffer.from([0xff, 0xff, 0xff, 0xf0, 0, 3, 0, 0])],
  ['protocol 2.0', Buffer.from([0, 0, 0, 9, 0, 2, 0, 0, 0])],
  ['SSLRequest with a body', Buffer.from([0, 0, 0, 12, 0x04, 0xd2, 0x16, 0x2f, 1, 2, 3, 4])],
  ['HTTP', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
  ['a TLS ClientHello without SSLRequest', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10, 1, 2, 3, 4, 5])],
];

const HOSTILE_AFTER_LOGIN: readonly [string, Buffer][] = [
  ['unknown message type', frame('z', Buffer.alloc(0))],
  ['message length 3', Buffer.from([0x51, 0, 0, 0, 3])],
  ['message length over 1 MiB', Buffer.from([0x51, 0x01, 0, 0, 0])],
  ['query without NUL', frame('Q', Buffer.from('select 1'))],
  ['query with invalid UTF-8', frame('Q', Buffer.from([0xff, 0xfe, 0]))],
  [
    'bind with more formats than values',
    frame('B', Buffer.from([0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])),
  ],
  [
    'bind with a negative parameter length',
    frame('B', Buffer.from([0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0x00, 0, 0])),
  ],
  [
    'bind to a missing statement',
    Buffer.concat([frame('B', Buffer.from([0x70, 0, 0x71, 0, 0, 0, 0, 0, 0, 0])), sync()]),
  ],
  ['describe target X', frame('D', Buffer.from('X\0'))],
  ['execute without portal', Buffer.concat([frame('E', Buffer.from([0, 0, 0, 0, 0])), sync()])],
  ['a second startup packet', startup({ database: 'dev' })],
  [
    'parse with 70000 declared types',
    frame('P', Buffer.concat([Buffer.from('\0select 1\0'), Buffer.from([0x7f, 0xff])])),
  ],
];

/** Sends `bytes`, then half-closes: the server must answer E or close within the bound. */
async function survives(c: WireClient, bytes: Buffer): Promise<void> {
  c.send(bytes);
  c.socket.end();
  for (;;) {
    const f = await c.next(8_000);
    if (!f || f.type === 'E') break;
  }
  c.close();
}

async function stillServes(): Promise<void> {
  const { c, answer } = await login(token);
  expect(answer.at(-1)!.type).toBe('Z');
  c.close();
}

describe('hostile input', () => {
  it.each(HOSTILE_BEFORE_TLS)('before TLS: %s ends in an error or a close', async (_name, bytes) => {
    await survives(await WireClient.open(port), bytes);
    await stillServes();
  });

  it.each(HOSTILE_AFTER_LOGIN)('after login: %s ends in an error or a close', async (_name, bytes) => {
    const { c } = await login(token);
    await survives(c, bytes);
    await stillServes();
  });

  it('random bytes before and after login never crash the listener or hang the connection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (bytes, afterLogin) => {
        const c = afterLogin ? (await login(token)).c : await WireClient.open(port);
        await survives(c, Buffer.from(bytes));
      }),
      { numRuns: 25 },
    );
    await stillServes();
  });
});
