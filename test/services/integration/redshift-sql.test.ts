/**
 * `pg` SQL connections as the user (`user.redshift.connect()`, `pool()`, `connectRedshift()`) against the
 * emulator's TLS SQL endpoints: real pg, real TLS, tokens from the real GetIdentityCenterAuthToken and IdP.
 */
import type { Client } from 'pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import type { RunningEmulator } from '../../../src/emulator/start.js';
import { connectRedshift } from '../../../src/services/redshift/connect.js';
import type { UserSession } from '../../../src/tip.js';
import { code, emulatorTip, salesWorkgroup, servicesConfig, signIn, startServicesEmulator } from './kit.js';

const EXTRA_USERS = Array.from({ length: 7 }, (_, i) => `user${i}`);

const redshift: EmulatorConfigInput['redshift'] = {
  targets: [
    salesWorkgroup(
      [
        ['eu', 10],
        ['eu', 20],
        ['us', 30],
      ],
      [
        { principal: 'user:alice', table: 'public.sales', rowFilter: "region = 'eu'" },
        { principal: 'group:engineers', table: 'public.sales' },
        { principal: 'group:readers', table: 'public.sales', rowFilter: "region = 'us'" },
      ],
      { adminPassword: 'admin-password-1' },
    ),
    {
      workgroupName: 'marketing',
      sqlEndpoint: {},
      databases: [{ name: 'dev', tables: [], grants: [] }],
    },
  ],
};

function config(): EmulatorConfigInput {
  const base = servicesConfig({ redshift });
  const ic = base.identityCenter!;
  return {
    ...base,
    identityCenter: {
      ...ic,
      users: [
        ...(ic.users ?? []),
        ...EXTRA_USERS.map((u) => ({ userName: u, email: `${u}@example.com`, groups: ['readers'] })),
      ],
      groups: [...(ic.groups ?? []), { name: 'readers' }],
      applications: (ic.applications ?? []).map((a) => ({
        ...a,
        assignments: { groups: ['analysts', 'engineers', 'readers'] },
      })),
    },
  };
}

let emu: RunningEmulator;
let tip: ReturnType<typeof emulatorTip>;
let alice: UserSession;
let bob: UserSession;
let ca: string;
let port: number;

const target = () => ({ workgroupName: 'analytics', host: 'localhost', port, database: 'dev', ssl: { ca } });

async function rows(client: Client, sql: string, values?: unknown[]) {
  return (await client.query(sql, values)).rows;
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return error as { code: string; details: Record<string, unknown>; message: string };
}

beforeAll(async () => {
  emu = await startServicesEmulator(config(), ['redshift']);
  tip = emulatorTip(emu);
  ca = emu.redshiftSql!.caPem;
  port = emu.redshiftSql!.endpoint({ workgroupName: 'analytics' }).port;
  [alice, bob] = await Promise.all([signIn(emu, tip, 'alice'), signIn(emu, tip, 'bob')]);
});

afterAll(async () => {
  await emu?.stop();
});

describe('user.redshift.connect()', () => {
  it('runs as AWSIDC:<user> with that user’s row filters; bob and alice see their rows', async () => {
    const a = await alice.redshift.connect(target());
    const b = await bob.redshift.connect(target());
    try {
      expect(await rows(a, 'select current_user as who')).toEqual([{ who: 'AWSIDC:alice' }]);
      expect(await rows(b, 'select current_user as who')).toEqual([{ who: 'AWSIDC:bob' }]);
      expect(await rows(a, 'select region, amount from sales order by amount')).toEqual([
        { region: 'eu', amount: 10 },
        { region: 'eu', amount: 20 },
      ]);
      expect((await rows(b, 'select amount from sales order by amount')).map((r) => r.amount)).toEqual([
        10, 20, 30,
      ]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('runs parameterized queries (extended protocol) and reports SQL errors as pg errors', async () => {
    const b = await bob.redshift.connect(target());
    try {
      expect(await rows(b, 'select region from sales where amount > $1 and region = $2', [15, 'eu'])).toEqual(
        [{ region: 'eu' }],
      );
      await expect(b.query('select * from no_such_table')).rejects.toMatchObject({ code: '42P01' });
      await expect(b.query('grant select on sales to "AWSIDC:carol"')).rejects.toMatchObject({
        code: '42501',
      });
      // The connection survives a failed statement.
      expect(await rows(b, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await b.end();
    }
  });

  it('records the statements in the user’s query history', async () => {
    const a = await alice.redshift.connect(target());
    try {
      await a.query("select 'history-marker' as m");
      const history = await rows(
        a,
        "select query_text from sys_query_history where query_text like '%history-marker%' and query_text not like '%sys_query_history%'",
      );
      expect(history).toEqual([{ query_text: "select 'history-marker' as m" }]);
    } finally {
      await a.end();
    }
  });

  it('refuses a token for another workgroup with FATAL 28000 and ERR_REDSHIFT_TOKEN_REFUSED', async () => {
    const marketing = emu.redshiftSql!.endpoint({ workgroupName: 'marketing' }).port;
    const error = await refusal(alice.redshift.connect({ ...target(), port: marketing }));
    expect(error.code).toBe('ERR_REDSHIFT_TOKEN_REFUSED');
    expect(error.details).toMatchObject({ sqlState: '28000', tokenType: 'SUBJECT_TOKEN' });
    expect(error.message).toContain('not issued for workgroup marketing');
  });

  it('refuses a tampered token and never shows it in the error', async () => {
    const { token } = await alice.redshift.driverToken({ workgroupName: 'analytics' });
    const tampered = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const error = await refusal(
      connectRedshift({ ...target(), token: async () => ({ token: tampered, tokenType: 'SUBJECT_TOKEN' }) }),
    );
    expect(error.code).toBe('ERR_REDSHIFT_TOKEN_REFUSED');
    expect(JSON.stringify(error)).not.toContain(tampered.slice(10, 40));
    expect(String(error.message)).not.toContain(tampered.slice(10, 40));
  });

  it('accepts an external JWT once (EXT_JWT) and refuses its reuse', async () => {
    const jwt = await emu.idp!.tokenFor('carol');
    const first = await connectRedshift({
      ...target(),
      token: async () => ({ token: jwt, tokenType: 'EXT_JWT' }),
    });
    try {
      expect(await rows(first, 'select current_user as who')).toEqual([{ who: 'AWSIDC:carol' }]);
    } finally {
      await first.end();
    }
    const error = await refusal(
      connectRedshift({ ...target(), token: async () => ({ token: jwt, tokenType: 'EXT_JWT' }) }),
    );
    expect(error.code).toBe('ERR_REDSHIFT_TOKEN_REFUSED');
    expect(error.message).toContain('jti');
  });

  it('refuses an unknown database (ERR_NOT_FOUND) and an untrusted certificate (ERR_REDSHIFT_TLS_REQUIRED)', async () => {
    expect(code(await refusal(bob.redshift.connect({ ...target(), database: 'nope' })))).toBe(
      'ERR_NOT_FOUND',
    );
    const tls = await refusal(bob.redshift.connect({ ...target(), ssl: true }));
    expect(tls.code).toBe('ERR_REDSHIFT_TLS_REQUIRED');
    expect(tls.details.reason).toBe('handshake');
  });

  it('the administrator sets up with a password while IdC users keep their grants', async () => {
    const admin = new pg.Client({
      host: 'localhost',
      port,
      database: 'dev',
      user: 'admin',
      password: 'admin-password-1',
      ssl: { ca },
    });
    await admin.connect();
    try {
      await admin.query('create table notes (n integer)');
      await admin.query('insert into notes values (1), (2)');
      await admin.query('grant select on notes to "AWSIDC:bob"');
    } finally {
      await admin.end();
    }
    const b = await bob.redshift.connect(target());
    const a = await alice.redshift.connect(target());
    try {
      expect((await rows(b, 'select count(*)::int as n from public.notes'))[0]).toEqual({ n: 2 });
      await expect(a.query('select * from notes')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});

describe('many users and token expiry', () => {
  it('opens 50 concurrent connections for 10 users, each as its own user, one token call per user', async () => {
    const names = ['alice', 'bob', 'carol', ...EXTRA_USERS];
    const sessions = await Promise.all(names.map((u) => signIn(emu, tip, u)));
    // Each user's driver token is fetched once and then served from the cache to every connection.
    const warm = emu.counters.get('GetIdentityCenterAuthToken');
    await Promise.all(sessions.map((s) => s.redshift.driverToken({ workgroupName: 'analytics' })));
    expect(emu.counters.get('GetIdentityCenterAuthToken') - warm).toBeLessThanOrEqual(10);
    const before = emu.counters.get('GetIdentityCenterAuthToken');
    const clients = await Promise.all(
      Array.from({ length: 50 }, (_, k) => sessions[k % 10]!.redshift.connect(target())),
    );
    try {
      const who = await Promise.all(clients.map((c) => rows(c, 'select current_user as who')));
      who.forEach((r, k) => {
        expect(r).toEqual([{ who: `AWSIDC:${names[k % 10]}` }]);
      });
      expect(emu.counters.get('GetIdentityCenterAuthToken') - before).toBe(0);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('a pool survives the expiry of its token: new connections fetch a fresh one', async () => {
    const pool = await bob.redshift.pool({ ...target(), pool: { max: 2, idleTimeoutMillis: 20 } });
    try {
      expect((await pool.query('select current_user as who')).rows).toEqual([{ who: 'AWSIDC:bob' }]);
      const before = emu.counters.get('GetIdentityCenterAuthToken');
      const stale = await bob.redshift.driverToken({ workgroupName: 'analytics' });
      // Past the 900 s token lifetime on the emulator's clock (the session's clock is the same).
      emu.clock.advance(16 * 60_000);
      const expired = await refusal(
        connectRedshift({
          ...target(),
          token: async () => ({ token: stale.token, tokenType: 'SUBJECT_TOKEN' }),
        }),
      );
      expect(expired.code).toBe('ERR_REDSHIFT_TOKEN_REFUSED');
      expect(expired.message).toContain('expired');
      // Idle connections close; the next query opens a new one with a fresh token.
      await new Promise((r) => setTimeout(r, 100));
      expect(pool.totalCount).toBe(0);
      const results = await Promise.all([pool.query('select 1 as x'), pool.query('select 2 as x')]);
      expect(results.map((r) => r.rows[0].x)).toEqual([1, 2]);
      expect(emu.counters.get('GetIdentityCenterAuthToken') - before).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
