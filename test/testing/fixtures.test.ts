import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEmulatorConfig } from '../../src/emulator/config/validate.js';
import { isTipError } from '../../src/errors.js';
import {
  createEmulatorHandlers,
  DEMO,
  defineEmulatorConfig,
  demoEmulatorConfig,
  type EmulatorHandlers,
} from '../../src/testing.js';

describe('fixtures', () => {
  it('defineEmulatorConfig returns its argument unchanged', () => {
    const config = demoEmulatorConfig();
    expect(defineEmulatorConfig(config)).toBe(config);
  });

  it('demoEmulatorConfig is valid, fresh on every call, and SQL-free unless asked', () => {
    const a = demoEmulatorConfig();
    const b = demoEmulatorConfig();
    expect(a).not.toBe(b);
    expect(a.identityCenter.users).not.toBe(b.identityCenter.users);
    const valid = validateEmulatorConfig(a);
    expect(valid.identityCenter.users.map((u) => u.userName)).toEqual([...DEMO.users]);
    expect(valid.identityCenter.applications[0]?.arn).toBe(DEMO.applicationArn);
    expect(valid.roles.map((r) => r.arn)).toEqual([DEMO.accessRoleArn, DEMO.webIdentityRoleArn]);
    expect(a.athena).toBeUndefined();
    expect(a.redshift).toBeUndefined();
    const withSql = validateEmulatorConfig(demoEmulatorConfig({ withSql: true }));
    expect(withSql.athena.tables.map((t) => t.name)).toEqual(['sales.orders']);
    expect(withSql.redshift.targets.map((t) => t.workgroupName)).toEqual(['analytics-wg']);
  });
});

describe('createEmulatorHandlers: refusals', () => {
  it('refuses an invalid configuration with ERR_EMULATOR_CONFIG naming the value', async () => {
    const config = demoEmulatorConfig();
    const error = await createEmulatorHandlers({ ...config, accountId: '12' }, { quiet: true }).catch(
      (e: unknown) => e,
    );
    expect(isTipError(error) && error.code).toBe('ERR_EMULATOR_CONFIG');
    expect((error as Error).message).toContain('accountId');
  });

  it('starts without the IdP; a trusted issuer "idp" then names no issuer and accepts no token', async () => {
    const emu = await createEmulatorHandlers(demoEmulatorConfig(), { idp: false });
    try {
      expect(emu.idp).toBeUndefined();
      expect(emu.config.identityCenter.trustedTokenIssuers[0]!.issuerUrl).toBe('idp');
    } finally {
      await emu.close();
    }
  });

  it('without an IdP: AWS handlers only, and tokenFor says how to get tokens', async () => {
    const base = demoEmulatorConfig();
    const emu = await createEmulatorHandlers({
      ...base,
      idp: false,
      identityCenter: { ...base.identityCenter, trustedTokenIssuers: [], applications: [] },
    });
    try {
      expect(emu.idp).toBeUndefined();
      expect(emu.handlers).toHaveLength(1);
      const error = await emu.tokenFor('alice').catch((e: unknown) => e);
      expect(isTipError(error) && error.code).toBe('ERR_EMULATOR_CONFIG');
      expect((error as Error).message).toContain('idp');
    } finally {
      await emu.close();
    }
  });
});

describe('tokens and the in-process front', () => {
  let emu: EmulatorHandlers;
  beforeAll(async () => {
    emu = await createEmulatorHandlers(demoEmulatorConfig(), { quiet: true });
  });
  afterAll(async () => {
    await emu.close();
    await emu.close();
  });

  it('mints tokens shaped like the IdP sign-in tokens (no msw here, so the real flow runs too)', async () => {
    const real = await emu.idp!.tokenFor('carol');
    const minted = await emu.tokenFor('carol');
    expect(decodeProtectedHeader(minted)).toEqual(decodeProtectedHeader(real));
    const r = decodeJwt(real);
    const m = decodeJwt(minted);
    expect(Object.keys(m).sort()).toEqual(Object.keys(r).sort());
    for (const claim of ['iss', 'sub', 'aud', 'email', 'groups', 'scope', 'client_id']) {
      expect(m[claim], claim).toEqual(r[claim]);
    }
    expect((m.exp as number) - (m.iat as number)).toBe((r.exp as number) - (r.iat as number));
    expect(m.jti).not.toBe(r.jti);
  });

  it('mints with a chosen audience, scope and lifetime; refuses unknown users', async () => {
    const token = await emu.tokenFor('bob', {
      audience: 'https://api.example.com',
      scope: 'openid tip:write',
      expiresInSeconds: -60,
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      aud: 'https://api.example.com',
      scope: 'tip:write',
      groups: ['engineers'],
    });
    expect(claims.exp as number).toBeLessThan(Date.now() / 1000);
    await expect(emu.tokenFor('mallory')).rejects.toThrow(TypeError);
    await expect(emu.tokenFor('mallory')).rejects.toThrow(/alice, bob, carol/);
  });

  it('refuses an oversized body before reading it all, and counts nothing', async () => {
    emu.counters.reset();
    const response = await emu.handle(
      new Request('https://sts.us-east-1.amazonaws.com/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `Action=GetCallerIdentity&Version=2011-06-15&x=${'a'.repeat(1_100_000)}`,
      }),
    );
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('<Code>RequestEntityTooLarge</Code>');
    expect(emu.counters.snapshot().operations).toEqual({});
  });

  it('answers every error with a request id', async () => {
    const response = await emu.handle(
      new Request('https://lake.s3.us-east-1.amazonaws.com/team-a/report.csv'),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amz-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
  });
});
