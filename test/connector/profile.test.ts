import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { anyJsonValue } from '../support/code-points.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileOverrides } from '../../src/cli/profile-flags.js';
import { loadProfile, readProfileFile } from '../../src/connector/profile-file.js';
import { PROFILE_SETTINGS, resolveProfile } from '../../src/connector/profile.js';
import { isTipError } from '../../src/errors.js';

const base = { region: 'us-east-1', issuer: 'https://idp.example.com', clientId: 'desk' };

describe('profiles (untrusted configuration)', () => {
  it('applies the defaults', () => {
    const p = resolveProfile('default', base);
    expect(p).toMatchObject({
      signIn: 'oidc',
      port: 7890,
      timeoutSeconds: 120,
      tokenType: 'id_token',
      audience: 'desk',
      refreshBeforeSeconds: 900,
    });
    expect(p.scopes).toEqual(['openid', 'email', 'profile', 'offline_access']);
  });

  it.each([
    ['an unknown key', { ...base, colour: 'blue' }, 'colour'],
    ['no region', { issuer: base.issuer, clientId: 'x' }, 'region'],
    ['a bad region', { ...base, region: 'mars' }, 'region'],
    ['an http issuer off loopback', { ...base, issuer: 'http://idp.example.com' }, 'issuer'],
    ['an issuer with credentials', { ...base, issuer: 'https://u:p@idp.example.com' }, 'issuer'],
    ['an issuer with a query', { ...base, issuer: 'https://idp.example.com/?x=1' }, 'issuer'],
    ['a javascript: endpoint', { ...base, endpoint: 'javascript:alert(1)' }, 'endpoint'],
    ['a bad application ARN', { ...base, applicationArn: 'arn:aws:sso::1:application/x' }, 'applicationArn'],
    ['a bad role ARN', { ...base, accessRoleArn: 'arn:aws:iam::123456789012:user/bob' }, 'accessRoleArn'],
    ['a port out of range', { ...base, port: 70_000 }, 'port'],
    ['a fractional timeout', { ...base, timeoutSeconds: 1.5 }, 'timeoutSeconds'],
    ['a scope with a space', { ...base, scopes: ['openid email'] }, 'scopes[0]'],
    ['an empty scope list', { ...base, scopes: [] }, 'scopes'],
    [
      'a reserved authorization parameter',
      { ...base, authorizationParams: { state: 'x' } },
      'authorizationParams.state',
    ],
    ['access_token without audience', { ...base, tokenType: 'access_token' }, 'audience'],
    ['idc without issuer URL', { region: 'us-east-1', signIn: 'idc' }, 'idcIssuerUrl'],
    [
      'both workgroup and cluster',
      { ...base, workgroupName: 'a', clusterIdentifier: 'b' },
      'clusterIdentifier',
    ],
    ['an unknown sign-in', { ...base, signIn: 'saml' }, 'signIn'],
  ])('refuses %s with ERR_PROFILE_INVALID naming it', (_name, input, path) => {
    let caught: unknown;
    try {
      resolveProfile('p', input);
    } catch (error) {
      caught = error;
    }
    expect(isTipError(caught, 'ERR_PROFILE_INVALID')).toBe(true);
    expect((caught as { details: { path: string } }).details.path).toBe(path);
  });

  it('accepts an http issuer on loopback (the emulator)', () => {
    expect(resolveProfile('p', { ...base, issuer: 'http://127.0.0.1:4000' }).issuer).toBe(
      'http://127.0.0.1:4000',
    );
  });

  it('any JSON value is a resolved profile or ERR_PROFILE_INVALID, never another error (property)', () => {
    fc.assert(
      fc.property(anyJsonValue(), (value) => {
        try {
          resolveProfile('p', value);
        } catch (error) {
          expect(isTipError(error, 'ERR_PROFILE_INVALID')).toBe(true);
        }
      }),
    );
  });

  it('random settings from the table never throw anything but ERR_PROFILE_INVALID (property)', () => {
    const keys = PROFILE_SETTINGS.map((s) => s.key);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...keys),
          fc.oneof(fc.string(), fc.integer(), fc.array(fc.string()), fc.object()),
        ),
        (settings) => {
          try {
            resolveProfile('p', { ...base, ...settings });
          } catch (error) {
            expect(isTipError(error, 'ERR_PROFILE_INVALID')).toBe(true);
          }
        },
      ),
    );
  });

  it('every setting has its own flag, and flags map back to settings', () => {
    expect(new Set(PROFILE_SETTINGS.map((s) => s.flag)).size).toBe(PROFILE_SETTINGS.length);
    expect(
      profileOverrides({ 'client-id': 'x', scope: ['a', 'b'], 'authorization-param': ['resource=urn:x'] }),
    ).toEqual({
      clientId: 'x',
      scopes: ['a', 'b'],
      authorizationParams: { resource: 'urn:x' },
    });
  });
});

describe('profile file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tip-profile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['an unknown top-level key', '{"profiles":{},"extra":1}'],
    ['profiles not an object', '{"profiles":[]}'],
  ])('refuses a file that is %s', async (_name, text) => {
    const file = join(dir, `${Math.random()}.json`);
    await writeFile(file, text);
    expect(isTipError(await readProfileFile(file).catch((e: unknown) => e), 'ERR_PROFILE_INVALID')).toBe(
      true,
    );
  });

  it('a missing file has no profiles; flags alone make a profile; flags win over the file', async () => {
    expect(await readProfileFile(join(dir, 'none.json'))).toEqual({});
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ profiles: { work: { ...base, port: 7891 } } }));
    expect((await loadProfile('work', {}, file)).port).toBe(7891);
    expect((await loadProfile('work', { port: 0 }, file)).port).toBe(0);
    expect((await loadProfile('adhoc', base, file)).clientId).toBe('desk');
    expect(
      isTipError(await loadProfile('nope', {}, file).catch((e: unknown) => e), 'ERR_PROFILE_INVALID'),
    ).toBe(true);
  });
});
