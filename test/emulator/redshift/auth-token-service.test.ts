import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyRedshiftAuthToken } from '../../../src/emulator/redshift/auth-token.js';
import {
  createRedshiftServerlessService,
  createRedshiftService,
} from '../../../src/emulator/redshift/auth-token-service.js';
import type { ServiceModule } from '../../../src/emulator/core/types.js';
import { type AuditRecord, call, enhancedCaller, PLAIN_CALLER, testRuntime } from './helpers/runtime.js';
import { rejection } from '../support/runtime.js';

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

function form(ids: string[]): string {
  const params = new URLSearchParams({ Action: 'GetIdentityCenterAuthToken', Version: '2012-12-01' });
  ids.forEach((id, k) => {
    params.set(`ClusterIds.ClusterIdentifier.${k + 1}`, id);
  });
  return params.toString();
}

async function provisioned(
  module: ServiceModule,
  runtime = testRuntime(),
  ids = ['warehouse'],
  caller = enhancedCaller('alice', ['analysts']),
) {
  return call(
    module,
    runtime,
    caller,
    'GetIdentityCenterAuthToken',
    {},
    { body: form(ids), contentType: FORM },
  );
}

describe('redshift GetIdentityCenterAuthToken', () => {
  it('issues a token bound to the user and the clusters, valid for the configured lifetime', async () => {
    const runtime = testRuntime();
    const module = await createRedshiftService(runtime);
    expect(module.protocol).toBe('awsQuery');
    expect(module.xmlNamespace).toBe('http://redshift.amazonaws.com/doc/2012-12-01/');
    const out = await provisioned(module, runtime);
    expect(typeof out.Token).toBe('string');
    expect(out.ExpirationTime).toEqual(new Date(runtime.now() + 900_000));
    const verified = verifyRedshiftAuthToken(runtime, out.Token, { kind: 'cluster', name: 'warehouse' });
    expect(verified.ok && verified.claims.userName).toBe('alice');
    expect(verified.ok && verified.claims.idcUserId).toBe('u-alice');
    expect(verified.ok && verified.claims.groupNames).toEqual(['analysts']);
    expect(verifyRedshiftAuthToken(runtime, out.Token, { kind: 'workgroup', name: 'warehouse' })).toEqual({
      ok: false,
      reason: 'wrong-target',
    });
    expect(verifyRedshiftAuthToken(runtime, out.Token, { kind: 'cluster', name: 'other' })).toEqual({
      ok: false,
      reason: 'wrong-target',
    });
    runtime.advance(900_000);
    expect(verifyRedshiftAuthToken(runtime, out.Token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('matches cluster identifiers without regard to case and accepts member-style lists', async () => {
    const runtime = testRuntime();
    const module = await createRedshiftService(runtime);
    const out = await provisioned(module, runtime, ['WAREHOUSE']);
    expect(verifyRedshiftAuthToken(runtime, out.Token, { kind: 'cluster', name: 'warehouse' }).ok).toBe(true);
    const body = 'Action=GetIdentityCenterAuthToken&Version=2012-12-01&ClusterIds.member.1=warehouse';
    const viaMember = await call(
      module,
      runtime,
      enhancedCaller('bob', []),
      'GetIdentityCenterAuthToken',
      {},
      {
        body,
        contentType: FORM,
      },
    );
    expect(verifyRedshiftAuthToken(runtime, viaMember.Token).ok).toBe(true);
  });

  it('refuses plain credentials with AccessDenied and audits the refusal', async () => {
    const runtime = testRuntime();
    const module = await createRedshiftService(runtime);
    const audits: AuditRecord[] = [];
    const err = await rejection(
      call(
        module,
        runtime,
        PLAIN_CALLER,
        'GetIdentityCenterAuthToken',
        {},
        { body: form(['warehouse']), contentType: FORM, audits },
      ),
    );
    expect(err.code).toBe('AccessDenied');
    expect(err.status).toBe(403);
    expect(audits).toEqual([
      { outcome: 'denied', resource: '*', reason: expect.stringContaining('identity-enhanced') },
    ]);
  });

  it.each([
    [[], 'RedshiftInvalidParameter'],
    [Array.from({ length: 21 }, (_, k) => `c${k}`), 'RedshiftInvalidParameter'],
    [['1abc'], 'RedshiftInvalidParameter'],
    [['ab--c'], 'RedshiftInvalidParameter'],
    [['abc-'], 'RedshiftInvalidParameter'],
    [['a'.repeat(64)], 'RedshiftInvalidParameter'],
    [['has space'], 'RedshiftInvalidParameter'],
    [['missing'], 'ClusterNotFound'],
    [['analytics'], 'ClusterNotFound'],
  ])('refuses cluster list %j with %s', async (ids, code) => {
    const runtime = testRuntime();
    const module = await createRedshiftService(runtime);
    const err = await rejection(provisioned(module, runtime, ids));
    expect(err.code).toBe(code);
  });

  it('refuses a list with a gap in its indexes', async () => {
    const runtime = testRuntime();
    const module = await createRedshiftService(runtime);
    const body = 'Action=GetIdentityCenterAuthToken&ClusterIds.ClusterIdentifier.2=warehouse';
    const err = await rejection(
      call(
        module,
        runtime,
        enhancedCaller('alice', []),
        'GetIdentityCenterAuthToken',
        {},
        { body, contentType: FORM },
      ),
    );
    expect(err.code).toBe('RedshiftInvalidParameter');
  });

  it('honours a resource-level IAM deny and allowIdentityEnhanced: false', async () => {
    const runtime = testRuntime();
    const module = await createRedshiftService(runtime);
    runtime.setAuthorize((_c, action, resource) => ({
      allowed: !(action === 'redshift:GetIdentityCenterAuthToken' && resource.endsWith(':cluster:warehouse')),
      reason: 'explicit deny',
    }));
    expect((await rejection(provisioned(module, runtime))).code).toBe('AccessDenied');
    const closed = testRuntime();
    (closed.config.redshift as { allowIdentityEnhanced: boolean }).allowIdentityEnhanced = false;
    expect((await rejection(provisioned(await createRedshiftService(closed), closed))).code).toBe(
      'AccessDenied',
    );
  });
});

describe('redshift-serverless GetIdentityCenterAuthToken', () => {
  it('returns token and an RFC 3339 expirationTime, bound to the workgroups', async () => {
    const runtime = testRuntime();
    const module = await createRedshiftServerlessService(runtime);
    expect(module.protocol).toBe('awsJson1_1');
    const out = await call(
      module,
      runtime,
      enhancedCaller('bob', ['engineers']),
      'GetIdentityCenterAuthToken',
      {
        workgroupNames: ['analytics'],
      },
    );
    expect(out.expirationTime).toBe(new Date(runtime.now() + 900_000).toISOString());
    const verified = verifyRedshiftAuthToken(runtime, out.token, { kind: 'workgroup', name: 'analytics' });
    expect(verified.ok && verified.claims.userName).toBe('bob');
    expect(verified.ok && verified.claims.targets).toEqual(['analytics']);
  });

  it.each([
    [undefined, 'ValidationException'],
    ['analytics', 'ValidationException'],
    [[], 'ValidationException'],
    [[7], 'ValidationException'],
    [['AB'], 'ValidationException'],
    [['Analytics'], 'ValidationException'],
    [['nope'], 'ResourceNotFoundException'],
    [['warehouse'], 'ResourceNotFoundException'],
  ])('refuses workgroupNames %j with %s', async (names, code) => {
    const runtime = testRuntime();
    const module = await createRedshiftServerlessService(runtime);
    const err = await rejection(
      call(module, runtime, enhancedCaller('bob', []), 'GetIdentityCenterAuthToken', {
        workgroupNames: names,
      }),
    );
    expect(err.code).toBe(code);
    if (code === 'ResourceNotFoundException') expect(err.extra.resourceName).toBe((names as string[])[0]);
  });

  it('refuses plain credentials with AccessDeniedException', async () => {
    const runtime = testRuntime();
    const module = await createRedshiftServerlessService(runtime);
    const err = await rejection(
      call(module, runtime, PLAIN_CALLER, 'GetIdentityCenterAuthToken', { workgroupNames: ['analytics'] }),
    );
    expect(err.code).toBe('AccessDeniedException');
    expect(err.status).toBe(403);
  });
});

describe('verifyRedshiftAuthToken', () => {
  it.each([
    ['', 'malformed'],
    ['tiprsat1.', 'malformed'],
    ['tiprsat1.!!!', 'malformed'],
    ['tipctx1.AAAA', 'malformed'],
    [`tiprsat1.${'A'.repeat(20000)}`, 'malformed'],
    ['tiprsat1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'tampered'],
  ])('refuses hostile token case %#', (token, reason) => {
    expect(verifyRedshiftAuthToken(testRuntime(), token)).toEqual({ ok: false, reason });
  });

  it('refuses non-strings', () => {
    for (const v of [undefined, null, 5, {}, []]) {
      expect(verifyRedshiftAuthToken(testRuntime(), v)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('detects any single-character change and tokens from another run', async () => {
    const runtime = testRuntime();
    const module = await createRedshiftServerlessService(runtime);
    const out = await call(module, runtime, enhancedCaller('alice', []), 'GetIdentityCenterAuthToken', {
      workgroupNames: ['analytics'],
    });
    const token = out.token as string;
    expect(verifyRedshiftAuthToken(testRuntime(), token)).toEqual({ ok: false, reason: 'tampered' });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: token.length - 1 }),
        fc.constantFrom('A', 'b', '-', '_', '0'),
        (at, ch) => {
          fc.pre(token[at] !== ch);
          const changed = token.slice(0, at) + ch + token.slice(at + 1);
          expect(verifyRedshiftAuthToken(runtime, changed).ok).toBe(false);
        },
      ),
    );
  });

  it('never throws on arbitrary input', () => {
    const runtime = testRuntime();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `tiprsat1.${s}`),
          fc.base64String().map((s) => `tiprsat1.${s}`),
        ),
        (s) => {
          expect(verifyRedshiftAuthToken(runtime, s).ok).toBe(false);
        },
      ),
    );
  });
});
