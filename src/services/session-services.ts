/**
 * The service handles behind `UserSession.athena`, `.redshift` and `.s3`.
 *
 * Sessions are short-lived (one per request), but the S3 grant cache and Redshift driver tokens must
 * outlive them, so handles are kept per IAM Identity Center user in a bounded LRU and always sign with
 * the newest session's credentials. The handle modules (and the Athena, Redshift and S3 SDK clients) are
 * loaded on first use, so the core works without those optional packages.
 *
 * @module
 */
import { setMaxListeners } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsClientConfig } from '../aws/clients.js';
import type { Clock } from '../cache/types.js';
import { type SecondChance, SecondChanceMap } from '../cache/second-chance.js';
import type { AthenaHandle } from './athena/types.js';
import { createServiceContext } from './context.js';
import type { ServiceContext, ServiceEvent, ServiceIdentity } from './context.js';
import type { RedshiftHandle } from './redshift/types.js';
import type { S3AccessGrants, S3AccessGrantsClientOptions, S3AccessGrantsOptions } from './s3/types.js';

/** `UserSession.athena`: the Athena handle's query methods. */
export type SessionAthena = Pick<AthenaHandle, 'query' | 'queryPages'>;

/** `UserSession.redshift`: the Redshift handle's statement, token and SQL-connection methods. */
export type SessionRedshift = Pick<RedshiftHandle, 'query' | 'batch' | 'driverToken' | 'connect' | 'pool'>;

/** `UserSession.s3`: the S3 Access Grants handle; `client()` resolves once the S3 module is loaded. */
export type SessionS3 = Omit<
  S3AccessGrants,
  'client' | 'clearCache' | 'close' | typeof Symbol.asyncDispose
> & {
  /** The user's S3 client signed per request with Access Grants credentials. */
  client(options?: S3AccessGrantsClientOptions): Promise<S3Client>;
};

/** The three handles of one session. */
export interface SessionServices {
  /** Athena queries. */
  readonly athena: SessionAthena;
  /** Redshift statements and driver tokens. */
  readonly redshift: SessionRedshift;
  /** S3 through Access Grants. */
  readonly s3: SessionS3;
}

/** Options of {@link createSessionServices}. */
export interface SessionServicesOptions {
  /** The AWS region. */
  readonly region: string;
  /** Client settings without credentials (endpoint, requestHandler…). */
  readonly clientConfig?: AwsClientConfig;
  /** The access role's account (the S3 Access Grants caller account). */
  readonly accountId?: string;
  /** Most users whose handles are kept. Default `10_000`. */
  readonly maxUsers?: number;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  readonly clock?: Clock;
  /** S3 Access Grants settings. */
  readonly s3?: S3AccessGrantsOptions;
  /** Service events, with the user they concern. */
  readonly onEvent?: (event: ServiceEvent, identity: ServiceIdentity) => void;
}

interface UserEntry extends SecondChance {
  credentials: AwsCredentialIdentityProvider;
  /** Expiry of the JWT behind `credentials` (epoch ms); a session with an older JWT does not replace it. */
  tokenExpiresAt: number;
  readonly ctx: ServiceContext;
  athena?: Promise<AthenaHandle>;
  redshift?: Promise<RedshiftHandle>;
  s3?: Promise<S3AccessGrants>;
  views?: SessionServices;
}

/** The per-user registry of service handles. */
export interface SessionServiceRegistry {
  /**
   * The handles of the user, signing with `credentials` from now on unless a session whose JWT expires
   * later (`identity.expiresAt`, epoch ms) already provides them.
   */
  forUser(
    identity: ServiceIdentity & { readonly idcUserId: string; readonly expiresAt?: number | undefined },
    credentials: AwsCredentialIdentityProvider,
  ): SessionServices;
  /** Forgets every user's handles and caches. */
  clear(): void;
  /**
   * Forgets the handles and caches (S3 grants, Redshift driver tokens) of the users with one of
   * `idcUserIds`, or with this issuer and subject, and releases their SDK clients (a call of theirs still
   * in flight may then fail).
   */
  forget(user: {
    readonly issuer: string;
    readonly subject: string;
    readonly idcUserIds: readonly string[];
  }): Promise<void>;
  /**
   * Aborts the calls in flight that were given no signal of their own, forgets every user and releases
   * every SDK client created here. Later calls fail with the engine's `ERR_CLOSED` (through credentials).
   */
  close(): Promise<void>;
}

/** Creates the registry. */
export function createSessionServices(options: SessionServicesOptions): SessionServiceRegistry {
  const users = new SecondChanceMap<string, UserEntry>();
  const maxUsers = options.maxUsers ?? 10_000;
  /** The default signal of every user's calls: close() aborts the calls that were given none. */
  const closing = new AbortController();
  // Every load (or call) listens to it: as many listeners as calls in flight is expected.
  setMaxListeners(0, closing.signal);

  /** Releases the SDK clients of a user's handles (loaded or loading). */
  async function release(entry: UserEntry): Promise<void> {
    const handles = await Promise.allSettled([entry.athena, entry.redshift, entry.s3]);
    await Promise.allSettled(
      handles.map((h) => (h.status === 'fulfilled' && h.value !== undefined ? h.value.close() : undefined)),
    );
  }

  function drop(id: string): Promise<void> {
    const entry = users.get(id);
    users.delete(id);
    return entry === undefined ? Promise.resolve() : release(entry);
  }

  function views(entry: UserEntry): SessionServices {
    const athena = () => (entry.athena ??= import('./athena/handle.js').then((m) => m.athena(entry.ctx)));
    const redshift = () =>
      (entry.redshift ??= import('./redshift/handle.js').then((m) => m.redshift(entry.ctx)));
    const s3 = () =>
      (entry.s3 ??= import('./s3/access-grants.js').then((m) =>
        m.s3AccessGrants(entry.ctx, {
          ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
          ...(options.s3 ?? {}),
        }),
      ));
    return Object.freeze({
      athena: Object.freeze({
        query: async (sql, o) => (await athena()).query(sql, o),
        async *queryPages(sql, o) {
          yield* (await athena()).queryPages(sql, o);
        },
      } satisfies SessionAthena),
      redshift: Object.freeze({
        query: async (sql, o) => (await redshift()).query(sql, o),
        batch: async (sqls, o) => (await redshift()).batch(sqls, o),
        driverToken: async (t) => (await redshift()).driverToken(t),
        connect: async (o) => (await redshift()).connect(o),
        pool: async (o) => (await redshift()).pool(o),
      } satisfies SessionRedshift),
      s3: Object.freeze({
        getDataAccess: async (o) => (await s3()).getDataAccess(o),
        getObject: async (i, o) => (await s3()).getObject(i, o),
        putObject: async (i, o) => (await s3()).putObject(i, o),
        list: async (i, o) => (await s3()).list(i, o),
        client: async (o) => (await s3()).client(o),
      } satisfies SessionS3),
    });
  }

  return {
    forUser(identity, credentials) {
      const tokenExpiresAt =
        typeof identity.expiresAt === 'number' ? identity.expiresAt : Number.POSITIVE_INFINITY;
      let entry = users.get(identity.idcUserId);
      if (entry === undefined) {
        const holder: { entry?: UserEntry } = {};
        const onEvent = options.onEvent;
        const ctx: ServiceContext = createServiceContext({
          // Always the newest session's provider: an older one may hold an expired JWT.
          credentials: () => holder.entry!.credentials(),
          region: options.region,
          ...(options.clientConfig === undefined ? {} : { clientConfig: options.clientConfig }),
          // Only the facts cache keys and events need; never the token's other claims.
          identity: {
            idcUserId: identity.idcUserId,
            ...(identity.identityStoreId === undefined ? {} : { identityStoreId: identity.identityStoreId }),
            ...(identity.issuer === undefined ? {} : { issuer: identity.issuer }),
            ...(identity.subject === undefined ? {} : { subject: identity.subject }),
          },
          ...(options.clock === undefined ? {} : { clock: options.clock }),
          signal: closing.signal,
          // The listener gets the same minimal facts, not the session's identity with all its claims.
          ...(onEvent === undefined
            ? {}
            : { onEvent: (event: ServiceEvent) => onEvent(event, ctx.identity) }),
        });
        entry = { credentials, ctx, tokenExpiresAt, used: false };
        holder.entry = entry;
        if (users.size >= maxUsers) users.evictOldest();
        users.set(identity.idcUserId, entry);
      } else {
        entry.used = true;
        // An older session object used late must not bring back a provider whose JWT expires sooner.
        if (tokenExpiresAt >= entry.tokenExpiresAt) {
          entry.credentials = credentials;
          entry.tokenExpiresAt = tokenExpiresAt;
        }
      }
      entry.views ??= views(entry);
      return entry.views;
    },
    clear() {
      users.clear();
    },
    async forget({ issuer, subject, idcUserIds }) {
      const ids = new Set(idcUserIds);
      for (const [id, entry] of users) {
        if (entry.ctx.identity.issuer === issuer && entry.ctx.identity.subject === subject) ids.add(id);
      }
      await Promise.all([...ids].map(drop));
    },
    async close() {
      closing.abort();
      await Promise.all([...users.keys()].map(drop));
    },
  };
}
