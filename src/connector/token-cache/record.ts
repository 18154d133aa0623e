/**
 * What the token cache keeps for one profile, and its strict decoder (the decrypted file is still
 * untrusted: every field is checked, anything unexpected makes the record `corrupt`).
 *
 * @module
 */

/** The external IdP's tokens. */
export interface CachedIdpTokens {
  /** The ID token. Secret. */
  readonly idToken?: string;
  /** The access token. Secret. */
  readonly accessToken: string;
  /** The refresh token. Secret. */
  readonly refreshToken?: string;
  /** Access-token expiry from `expires_in`, epoch ms. */
  readonly expiresAt?: number;
  /** True once the JWT was handed to the exchange (a JWT is exchanged at most once). */
  readonly used: boolean;
}

/** Tokens from IAM Identity Center's own sign-in (`CreateToken`). */
export interface CachedIdcTokens {
  /** IdC access token. Secret. */
  readonly accessToken: string;
  /** IdC refresh token. Secret. */
  readonly refreshToken?: string;
  /** Access-token expiry, epoch ms. */
  readonly expiresAt: number;
  /** The scopes asked for. */
  readonly scopes: readonly string[];
}

/** A client registered with SSO OIDC `RegisterClient`. */
export interface CachedClient {
  /** Client id. */
  readonly clientId: string;
  /** Client secret. Secret. */
  readonly clientSecret: string;
  /** `clientSecretExpiresAt`, epoch ms. */
  readonly expiresAt: number;
  /** Digest of the registration inputs (issuer, scopes, redirect URI): another registration is a miss. */
  readonly registration: string;
}

/** Identity-enhanced role credentials. */
export interface CachedRoleCredentials {
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key. Secret. */
  readonly secretAccessKey: string;
  /** Session token. Secret. */
  readonly sessionToken: string;
  /** Expiry, epoch ms. */
  readonly expiration: number;
}

/** One entry the trusted-identity flow put in its cache store. */
export interface CachedStoreEntry {
  /** The codec text (holds secrets). */
  readonly value: string;
  /** Entry expiry, epoch ms. */
  readonly expiresAt: number;
}

/** A Redshift driver token (`GetIdentityCenterAuthToken`), bound to the role credentials it came from. */
export interface CachedRedshiftToken {
  /** `workgroup:<name>` or `cluster:<identifier>`. */
  readonly target: string;
  /** The token. Secret. */
  readonly token: string;
  /** Expiry, epoch ms. */
  readonly expiresAt: number;
  /** Access key id of the role credentials that asked for it: with other credentials it is not used. */
  readonly accessKeyId: string;
}

/** Most Redshift driver tokens a record keeps (one per target). */
export const MAX_REDSHIFT_TOKENS = 16;

/** The form of {@link CachedRedshiftToken.target}. */
export const REDSHIFT_TARGET = /^(workgroup|cluster):[a-z0-9-]{1,64}$/;

/** Non-secret facts about who signed in. */
export interface CachedUser {
  /** JWT issuer or IdC issuer URL. */
  readonly issuer?: string;
  /** JWT subject. */
  readonly subject?: string;
  /** IdC user id. */
  readonly idcUserId?: string;
}

/** The record of one profile. */
export interface CacheRecord {
  /** Format version. */
  readonly v: 1;
  /** Digest of the profile settings the record was written for; another profile setting is a miss. */
  readonly settings: string;
  /** External IdP tokens (`oidc` profiles). */
  readonly idp?: CachedIdpTokens;
  /** IdC tokens (`idc` profiles). */
  readonly idc?: CachedIdcTokens;
  /** The registered SSO OIDC client (`idc` profiles). */
  readonly client?: CachedClient;
  /** Role credentials. */
  readonly role?: CachedRoleCredentials;
  /** Entries of the trusted-identity flow's cache store (IdC token set with its refresh token). */
  readonly store?: Readonly<Record<string, CachedStoreEntry>>;
  /** Redshift driver tokens, one per target, at most 16. */
  readonly redshift?: readonly CachedRedshiftToken[];
  /** Who. */
  readonly user?: CachedUser;
}

/** Thrown by {@link decodeRecord} for anything malformed. */
export class RecordError extends Error {
  constructor(what: string) {
    super(`token cache record: ${what} is malformed`);
    this.name = 'RecordError';
  }
}

const MAX_STRING = 64 * 1024;

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RecordError(what);
  return v as Record<string, unknown>;
}
function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_STRING) throw new RecordError(what);
  return v;
}
function optStr(v: unknown, what: string): string | undefined {
  return v === undefined ? undefined : str(v, what);
}
function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RecordError(what);
  return v;
}
function optNum(v: unknown, what: string): number | undefined {
  return v === undefined ? undefined : num(v, what);
}
function only(o: Record<string, unknown>, keys: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new RecordError(`${what}.${k}`);
}
function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Parses and validates a decrypted record. @throws RecordError */
export function decodeRecord(text: string): CacheRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RecordError('JSON');
  }
  const o = obj(parsed, 'record');
  only(o, ['v', 'settings', 'idp', 'idc', 'client', 'role', 'store', 'redshift', 'user'], 'record');
  if (o.v !== 1) throw new RecordError('version');
  const record: Record<string, unknown> = { v: 1, settings: str(o.settings, 'settings') };
  if (o.idp !== undefined) {
    const i = obj(o.idp, 'idp');
    only(i, ['idToken', 'accessToken', 'refreshToken', 'expiresAt', 'used'], 'idp');
    if (typeof i.used !== 'boolean') throw new RecordError('idp.used');
    record.idp = strip({
      idToken: optStr(i.idToken, 'idp.idToken'),
      accessToken: str(i.accessToken, 'idp.accessToken'),
      refreshToken: optStr(i.refreshToken, 'idp.refreshToken'),
      expiresAt: optNum(i.expiresAt, 'idp.expiresAt'),
      used: i.used,
    });
  }
  if (o.idc !== undefined) {
    const i = obj(o.idc, 'idc');
    only(i, ['accessToken', 'refreshToken', 'expiresAt', 'scopes'], 'idc');
    if (!Array.isArray(i.scopes) || i.scopes.length > 100) throw new RecordError('idc.scopes');
    record.idc = strip({
      accessToken: str(i.accessToken, 'idc.accessToken'),
      refreshToken: optStr(i.refreshToken, 'idc.refreshToken'),
      expiresAt: num(i.expiresAt, 'idc.expiresAt'),
      scopes: i.scopes.map((s) => str(s, 'idc.scopes[]')),
    });
  }
  if (o.client !== undefined) {
    const c = obj(o.client, 'client');
    only(c, ['clientId', 'clientSecret', 'expiresAt', 'registration'], 'client');
    record.client = {
      clientId: str(c.clientId, 'client.clientId'),
      clientSecret: str(c.clientSecret, 'client.clientSecret'),
      expiresAt: num(c.expiresAt, 'client.expiresAt'),
      registration: str(c.registration, 'client.registration'),
    };
  }
  if (o.role !== undefined) {
    const r = obj(o.role, 'role');
    only(r, ['accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration'], 'role');
    record.role = {
      accessKeyId: str(r.accessKeyId, 'role.accessKeyId'),
      secretAccessKey: str(r.secretAccessKey, 'role.secretAccessKey'),
      sessionToken: str(r.sessionToken, 'role.sessionToken'),
      expiration: num(r.expiration, 'role.expiration'),
    };
  }
  if (o.store !== undefined) {
    const s = obj(o.store, 'store');
    const entries = Object.entries(s);
    if (entries.length > 64) throw new RecordError('store');
    const out: Record<string, CachedStoreEntry> = {};
    for (const [k, v] of entries) {
      if (!/^[A-Za-z0-9_-]{1,128}$/.test(k)) throw new RecordError('store key');
      const e = obj(v, 'store entry');
      only(e, ['value', 'expiresAt'], 'store entry');
      out[k] = {
        value: str(e.value, 'store entry value'),
        expiresAt: num(e.expiresAt, 'store entry expiresAt'),
      };
    }
    record.store = out;
  }
  if (o.redshift !== undefined) {
    if (!Array.isArray(o.redshift) || o.redshift.length > MAX_REDSHIFT_TOKENS)
      throw new RecordError('redshift');
    const seen = new Set<string>();
    record.redshift = o.redshift.map((v: unknown) => {
      const t = obj(v, 'redshift entry');
      only(t, ['target', 'token', 'expiresAt', 'accessKeyId'], 'redshift entry');
      const target = str(t.target, 'redshift entry target');
      if (!REDSHIFT_TARGET.test(target) || seen.has(target)) throw new RecordError('redshift entry target');
      seen.add(target);
      return {
        target,
        token: str(t.token, 'redshift entry token'),
        expiresAt: num(t.expiresAt, 'redshift entry expiresAt'),
        accessKeyId: str(t.accessKeyId, 'redshift entry accessKeyId'),
      };
    });
  }
  if (o.user !== undefined) {
    const u = obj(o.user, 'user');
    only(u, ['issuer', 'subject', 'idcUserId'], 'user');
    record.user = strip({
      issuer: optStr(u.issuer, 'user.issuer'),
      subject: optStr(u.subject, 'user.subject'),
      idcUserId: optStr(u.idcUserId, 'user.idcUserId'),
    });
  }
  return record as unknown as CacheRecord;
}
