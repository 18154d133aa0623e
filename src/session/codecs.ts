/**
 * Codecs for putting the core flow's cached values in a shared {@link CacheStore}. Values hold secrets:
 * a store must encrypt what it keeps (the Redis store does). `decode` validates every field.
 *
 * @module
 */
import type { CacheCodec, Expiring } from '../cache/types.js';
import type { RoleCredentials } from '../credentials/types.js';
import type { IdcIdentity, IdcTokenSet } from '../identity-center/types.js';

/** Cached per user and role: credentials and the identity they were assumed for. */
export interface RoleSession {
  readonly credentials: RoleCredentials;
  readonly identity: IdcIdentity;
}

function s(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new TypeError(`cached ${name} is malformed`);
  return v;
}
function os(v: unknown, name: string): string | undefined {
  return v === undefined || v === null ? undefined : s(v, name);
}
function n(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`cached ${name} is malformed`);
  return v;
}
function obj(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new TypeError(`cached ${name} is malformed`);
  return v as Record<string, unknown>;
}

function decodeIdentity(v: unknown): IdcIdentity {
  const o = obj(v, 'identity');
  return Object.freeze({
    idcUserId: s(o.idcUserId, 'idcUserId'),
    identityStoreId: s(o.identityStoreId, 'identityStoreId'),
    identityStoreArn: os(o.identityStoreArn, 'identityStoreArn'),
    instanceArn: os(o.instanceArn, 'instanceArn'),
    applicationArn: s(o.applicationArn, 'applicationArn'),
    expiresAt: n(o.expiresAt, 'expiresAt'),
  });
}

/** Codec for {@link RoleSession} entries. */
export const roleSessionCodec: CacheCodec<RoleSession> = {
  encode(entry) {
    const { credentials, identity } = entry.value;
    return JSON.stringify({
      v: 1,
      expiresAt: entry.expiresAt,
      credentials: { ...credentials, expiration: credentials.expiration.getTime() },
      identity,
    });
  },
  decode(text): Expiring<RoleSession> {
    const o = obj(JSON.parse(text), 'entry');
    if (o.v !== 1) throw new TypeError('cached entry has an unknown version');
    const c = obj(o.credentials, 'credentials');
    const credentials: RoleCredentials = Object.freeze({
      accessKeyId: s(c.accessKeyId, 'accessKeyId'),
      secretAccessKey: s(c.secretAccessKey, 'secretAccessKey'),
      sessionToken: s(c.sessionToken, 'sessionToken'),
      expiration: new Date(n(c.expiration, 'expiration')),
    });
    return {
      value: Object.freeze({ credentials, identity: decodeIdentity(o.identity) }),
      expiresAt: n(o.expiresAt, 'expiresAt'),
    };
  },
};

/** Codec for {@link IdcTokenSet} entries. */
export const idcTokenCodec: CacheCodec<IdcTokenSet> = {
  encode(entry) {
    return JSON.stringify({ v: 1, expiresAt: entry.expiresAt, tokens: entry.value });
  },
  decode(text): Expiring<IdcTokenSet> {
    const o = obj(JSON.parse(text), 'entry');
    if (o.v !== 1) throw new TypeError('cached entry has an unknown version');
    const t = obj(o.tokens, 'tokens');
    const scopes = Array.isArray(t.scopes) ? t.scopes.map((x) => s(x, 'scope')) : [];
    const value: IdcTokenSet = Object.freeze({
      accessToken: s(t.accessToken, 'accessToken'),
      refreshToken: os(t.refreshToken, 'refreshToken'),
      // Required: a token set without one cannot assume the role, so it must not be served.
      identityContext: s(t.identityContext, 'identityContext'),
      identity: decodeIdentity(t.identity),
      expiresAt: n(t.expiresAt, 'expiresAt'),
      scopes: Object.freeze(scopes),
      issuedTokenType: os(t.issuedTokenType, 'issuedTokenType'),
    });
    return { value, expiresAt: n(o.expiresAt, 'expiresAt') };
  },
};
