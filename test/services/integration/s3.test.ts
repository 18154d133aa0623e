import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/start.js';
import { s3AccessGrants } from '../../../src/services/s3/access-grants.js';
import type { UserSession } from '../../../src/tip.js';
import {
  emulatorTip,
  servicesConfig,
  sharedClientConfig,
  signIn,
  signInAll,
  startServicesEmulator,
  code,
} from './kit.js';

let emu: RunningEmulator;
let tip: ReturnType<typeof emulatorTip>;
let alice: UserSession;
let bob: UserSession;
let carol: UserSession;

beforeAll(async () => {
  emu = await startServicesEmulator(servicesConfig(), ['s3']);
  tip = emulatorTip(emu);
  ({ alice, bob, carol } = await signInAll(emu, tip));
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  emu.counters.reset();
});

/** A fresh handle (empty cache) for a session. */
function handleFor(session: UserSession) {
  return s3AccessGrants(
    {
      credentials: session.credentials,
      region: emu.region,
      clientConfig: sharedClientConfig(emu),
      clock: () => emu.clock.now(),
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    },
    { accountId: emu.accountId },
  );
}

const dataAccessCalls = () => emu.counters.get('GetDataAccess');

describe('S3 Access Grants against the emulator', () => {
  it('N reads under one granted prefix by one user make 1 GetDataAccess call', async () => {
    const s3 = handleFor(alice);
    const keys = Object.keys((await import('./kit.js')).OBJECTS).filter((k) => k.startsWith('team-a/many/'));
    const bodies = [];
    for (const key of keys) bodies.push((await s3.getObject({ Bucket: 'lake', Key: key })).text());
    expect(bodies).toHaveLength(30);
    expect(bodies[7]).toBe('n7');
    expect(dataAccessCalls()).toBe(1);
    expect(emu.counters.get('GetAccessGrantsInstanceForPrefix')).toBe(1);
    expect(emu.counters.get('GetObject')).toBe(30);
  });

  it('allows and denies per user and group', async () => {
    const outcomes = async (session: UserSession, key: string) => {
      try {
        return (await handleFor(session).getObject({ Bucket: 'lake', Key: key })).text();
      } catch (error) {
        return code(error);
      }
    };
    expect(await outcomes(alice, 'team-a/report.csv')).toBe('a,b\n1,2\n');
    expect(await outcomes(alice, 'team-b/secret.csv')).toBe('ERR_ACCESS_DENIED');
    expect(await outcomes(alice, 'shared/readme.txt')).toBe('hello');
    expect(await outcomes(carol, 'shared/readme.txt')).toBe('hello');
    expect(await outcomes(carol, 'team-a/report.csv')).toBe('ERR_ACCESS_DENIED');
    expect(await outcomes(bob, 'eng/a.txt')).toBe('eng');
    expect(await outcomes(bob, 'shared/readme.txt')).toBe('ERR_ACCESS_DENIED');
    expect(await outcomes(bob, 'reports/q1.csv')).toBe('q1');
    expect(await outcomes(bob, 'reports/q2.csv')).toBe('ERR_ACCESS_DENIED');
  });

  it('caches an object-level grant', async () => {
    const s3 = handleFor(bob);
    for (let i = 0; i < 5; i++)
      expect((await s3.getObject({ Bucket: 'lake', Key: 'reports/q1.csv' })).text()).toBe('q1');
    expect(dataAccessCalls()).toBe(1);
    const access = await s3.getDataAccess({ target: 's3://lake/reports/q1.csv', permission: 'READ' });
    expect(access.scope).toBe('s3://lake/reports/q1.csv');
    expect(access.grantee).toEqual({ type: 'DIRECTORY_USER', id: bob.identity.idcUserId });
    expect(dataAccessCalls()).toBe(1);
  });

  it('READWRITE then READ makes no second call', async () => {
    const s3 = handleFor(alice);
    const rw = await s3.getDataAccess({ target: 's3://lake/team-a/deep/x.csv', permission: 'READWRITE' });
    expect(rw.scope).toBe('s3://lake/team-a/deep/*');
    expect((await s3.getObject({ Bucket: 'lake', Key: 'team-a/deep/x.csv' })).text()).toBe('deep');
    await s3.putObject({ Bucket: 'lake', Key: 'team-a/deep/new.txt', Body: 'written' });
    expect((await s3.getObject({ Bucket: 'lake', Key: 'team-a/deep/new.txt' })).text()).toBe('written');
    expect(dataAccessCalls()).toBe(1);
  });

  it('concurrent misses make one call', async () => {
    const s3 = handleFor(alice);
    const texts = await Promise.all(
      Array.from({ length: 25 }, () =>
        s3.getObject({ Bucket: 'lake', Key: 'team-a/report.csv' }).then((o) => o.text()),
      ),
    );
    expect(new Set(texts)).toEqual(new Set(['a,b\n1,2\n']));
    expect(dataAccessCalls()).toBe(1);
  });

  it('a cold burst of different keys under one prefix makes one call', async () => {
    const s3 = handleFor(alice);
    const keys = Array.from({ length: 20 }, (_, i) => `team-a/many/${String(i).padStart(2, '0')}.txt`);
    const texts = await Promise.all(
      keys.map((Key) => s3.getObject({ Bucket: 'lake', Key }).then((o) => o.text())),
    );
    expect(texts[3]).toBe('n3');
    expect(dataAccessCalls()).toBe(1);
  });

  it('denies writes under a READ grant and caches the denial briefly', async () => {
    const s3 = handleFor(alice);
    for (let i = 0; i < 3; i++) {
      const error = await s3.putObject({ Bucket: 'lake', Key: 'team-a/new.txt', Body: 'x' }).catch((e) => e);
      expect(code(error)).toBe('ERR_ACCESS_DENIED');
    }
    expect(dataAccessCalls()).toBe(1);
    expect(emu.counters.get('PutObject')).toBe(0);
  });

  it('lists a granted prefix and refuses an ungranted one', async () => {
    const s3 = handleFor(alice);
    const listed = await s3.list({ Bucket: 'lake', Prefix: 'team-a/sub/' });
    expect(listed.map((o) => o.key)).toEqual(['team-a/sub/y.csv']);
    expect(code(await s3.list({ Bucket: 'lake', Prefix: 'team-b/' }).catch((e) => e))).toBe(
      'ERR_ACCESS_DENIED',
    );
  });

  it('vended credentials stay inside their grant: the emulator refuses them elsewhere', async () => {
    const access = await handleFor(alice).getDataAccess({
      target: 's3://lake/team-a/report.csv',
      permission: 'READ',
    });
    const plain = new S3Client({
      ...sharedClientConfig(emu),
      region: emu.region,
      credentials: access.credentials,
    });
    const error = await plain
      .send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-b/secret.csv' }))
      .catch((e) => e);
    expect(error.name).toBe('AccessDenied');
    plain.destroy();
  });

  it('the identity-enhanced session itself cannot read S3: only Access Grants credentials can', async () => {
    const direct = new S3Client({
      ...sharedClientConfig(emu),
      region: emu.region,
      credentials: alice.credentials,
    });
    const error = await direct
      .send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/report.csv' }))
      .catch((e) => e);
    direct.destroy();
    expect(error.name).toBe('AccessDenied');
  });

  it('reports a missing object as ERR_NOT_FOUND', async () => {
    const error = await handleFor(alice)
      .getObject({ Bucket: 'lake', Key: 'team-a/missing.csv' })
      .catch((e) => e);
    expect(code(error)).toBe('ERR_NOT_FOUND');
  });

  it('keeps the grant cache across sessions of one user (session.s3)', async () => {
    const first = await signIn(emu, tip, 'alice');
    expect((await first.s3.getObject({ Bucket: 'lake', Key: 'team-a/sub/y.csv' })).text()).toBe('y');
    const second = await signIn(emu, tip, 'alice');
    expect((await second.s3.getObject({ Bucket: 'lake', Key: 'team-a/report.csv' })).text()).toBe(
      'a,b\n1,2\n',
    );
    expect(dataAccessCalls()).toBe(1);
    const client = await second.s3.client();
    const out = await client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'shared/readme.txt' }));
    expect(await out.Body?.transformToString()).toBe('hello');
    expect(dataAccessCalls()).toBe(2);
  });

  it('retries a throttled GetDataAccess, and surfaces ERR_AWS_THROTTLED when retries run out', async () => {
    emu.faults.inject({ operation: 'GetDataAccess', throttle: true, times: 1 });
    expect((await handleFor(carol).getObject({ Bucket: 'lake', Key: 'shared/readme.txt' })).text()).toBe(
      'hello',
    );
    expect(dataAccessCalls()).toBe(2);
    emu.faults.inject({ operation: 'GetDataAccess', throttle: true, times: Number.POSITIVE_INFINITY });
    const error = await handleFor(carol)
      .getObject({ Bucket: 'lake', Key: 'shared/readme.txt' })
      .catch((e) => e);
    emu.faults.clear();
    expect(code(error)).toBe('ERR_AWS_THROTTLED');
  });
});
