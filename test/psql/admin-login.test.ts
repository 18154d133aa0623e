/**
 * psql (libpq) as an independent client of the emulator's Redshift SQL endpoint: `sslmode=verify-full`
 * against the development CA file, the administrator's password login for setup, and a plaintext
 * connection refused.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/start.js';
import {
  emulatorTip,
  salesWorkgroup,
  servicesConfig,
  signIn,
  startServicesEmulator,
} from '../services/integration/kit.js';

const PASSWORD = 'psql-admin-password';
let emu: RunningEmulator;
let port: number;

function psql(conninfo: string, sql: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('psql', [conninfo, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      env: { ...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '10' },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => resolve({ code, out: out.trim() }));
  });
}

beforeAll(async () => {
  emu = await startServicesEmulator(
    servicesConfig({
      redshift: {
        targets: [
          salesWorkgroup([['eu', 10]], [{ principal: 'user:alice', table: 'public.sales' }], {
            adminPassword: PASSWORD,
          }),
        ],
      },
    }),
    ['redshift'],
  );
  port = emu.redshiftSql!.endpoint({ workgroupName: 'analytics' }).port;
});

afterAll(async () => {
  await emu?.stop();
});

describe('psql against the SQL endpoint', () => {
  const verified = () =>
    `host=localhost port=${port} dbname=dev user=admin sslmode=verify-full sslrootcert=${emu.redshiftSql!.caFile}`;

  it('logs the administrator in over verified TLS; the IdC user sees what the administrator grants', async () => {
    const setup = await psql(
      verified(),
      'create table notes (n varchar(8)); insert into notes values (\'psql\'); grant select on notes to "AWSIDC:alice"',
    );
    expect(setup).toMatchObject({ code: 0 });
    expect(await psql(verified(), 'select current_user')).toEqual({ code: 0, out: 'admin' });
    const alice = await signIn(emu, emulatorTip(emu), 'alice');
    const client = await alice.redshift.connect({
      workgroupName: 'analytics',
      host: 'localhost',
      port,
      database: 'dev',
      ssl: { ca: emu.redshiftSql!.caPem },
    });
    try {
      expect((await client.query('select n from notes')).rows).toEqual([{ n: 'psql' }]);
    } finally {
      await client.end();
    }
  });

  it('refuses a wrong password and a plaintext connection', async () => {
    const wrong = await psql(verified().replace('user=admin', 'user=intruder'), 'select 1');
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toContain('password authentication failed');
    const plain = await psql(`host=127.0.0.1 port=${port} dbname=dev user=admin sslmode=disable`, 'select 1');
    expect(plain.code).not.toBe(0);
    expect(plain.out).toContain('must use an SSL connection');
  });
});
