/**
 * The per-user engine behind `createTrustedIdentity` and `fromTrustedIdentity`: for a (verified) issuer
 * and subject it returns identity-enhanced role credentials, caching IdC tokens and role credentials in
 * two memos of the one cache primitive, single-flight per user.
 *
 * Keys are digests of (issuer, subject, application ARN, [role ARN], scopes, audience); a value can only be
 * reached through the key of the user it was loaded for, so a session's credentials always belong to its
 * token's user. The audience is part of the key because IdC judges it: a token whose audience IdC would
 * refuse is not served the credentials an exchange with another audience gave.
 *
 * A JWT is exchanged once: the exchange ledger remembers it until its `exp` together with where its result
 * (the IdC token set) is kept, and keeps that result while the JWT lives, so a user the LRU evicted is
 * served again — from those tokens, or their refresh token — when they come back with the same JWT.
 *
 * With a shared store, values read from it are used only for the key whose identity they embed; with a
 * store that has a lock, replicas missing the same user at once make one exchange and one AssumeRole;
 * with a store that provides an exchange ledger, a JWT another replica exchanged is served from that
 * replica's result. A store that fails or stalls is skipped (events `cache.store`), never waited on.
 *
 * @module
 */
import { setMaxListeners } from 'node:events';
import { createConcurrencyLimit } from '../aws/concurrency.js';
import { cacheKey } from '../cache/key.js';
import { createMemo } from '../cache/memo.js';
import type {
  CacheStore,
  HandleMemo,
  KeyBinding,
  LoadContext,
  Memo,
  MemoEvent,
  MemoHandle,
} from '../cache/types.js';
import { assumeRoleWithContext } from '../credentials/assume-role.js';
import { sanitizeSessionName } from '../credentials/session-name.js';
import type { SessionNameInput } from '../credentials/session-name.js';
import type { RoleCredentials, SessionTag } from '../credentials/types.js';
import { combineSignals } from '../aws/abort.js';
import { TipError, closedError, isTipError } from '../errors.js';
import { createExchangeLedger, jwtLedgerId } from '../identity-center/exchange-ledger.js';
import type { ExchangeLedger } from '../identity-center/exchange-ledger.js';
import { obtainIdcToken } from '../identity-center/obtain-token.js';
import { createRefusalCache } from '../identity-center/refusals.js';
import { withSharedLedger } from '../identity-center/shared-ledger.js';
import type { IdcTokenSet } from '../identity-center/types.js';
import { createAudienceIndex } from './audience-index.js';
import { type SigningSettings, createSigningClients } from './bootstrap.js';
import { idcTokenCodec, roleSessionCodec } from './codecs.js';
import type { RoleSession } from './codecs.js';
import { type Emit, emitStoreEvent, storeErrorEvent } from './events.js';
import { exchangeObserver } from './exchange-observer.js';
import { isSharedCacheStore } from './shared-store.js';

/** The user facts and JWT a resolution works from. */
export interface SubjectToken {
  /** Verified `iss`. */
  readonly issuer: string;
  /** Verified `sub`. */
  readonly subject: string;
  /** The compact JWT (used only for an exchange). Secret. */
  readonly token: string;
  /** The `jti` claim, if any. */
  readonly jti: unknown;
  /** The JWT `exp`, epoch milliseconds. */
  readonly expiresAt: number | undefined;
  /** The `aud` values (IdC judges them, so they are part of every key). */
  readonly audience: readonly string[];
}

/** Resolved engine settings (validated by the caller); the signing-client part is {@link SigningSettings}. */
export interface EngineSettings extends SigningSettings {
  readonly applicationArn: string;
  readonly accessRoleArn: string;
  readonly scopes: readonly string[] | undefined;
  readonly durationSeconds: number;
  readonly sessionName: (input: SessionNameInput) => string;
  readonly sourceIdentity: ((input: SessionNameInput) => string | undefined) | undefined;
  readonly sessionTags: ((input: SessionNameInput) => readonly SessionTag[]) | undefined;
  readonly useRefreshTokens: boolean;
  readonly refreshBeforeExpiryMs: number;
  /** How long lasting IdC refusals are remembered, milliseconds (`0`: never). */
  readonly refusalTtlMs: number;
  /** Most exchanged JWTs remembered (each keeps its user's IdC tokens until its `exp`). */
  readonly maxExchangedJwts: number;
  /** Most credential loads (exchange and AssumeRole) running at once; the others wait their turn. */
  readonly maxConcurrentExchanges: number;
  readonly store: CacheStore | undefined;
  /** The deadline of one store call, milliseconds. */
  readonly storeTimeoutMs: number;
  /** With a store that has a lock: the lease of a load, milliseconds. */
  readonly lockLeaseMs: number;
  /** With a store that has a lock: the longest wait for another replica's load, milliseconds. */
  readonly lockWaitMs: number;
  readonly emit: Emit;
}

/** Options of one resolution. */
export interface ResolveOptions {
  readonly signal?: AbortSignal;
  readonly forceRefresh?: boolean;
}

/** One user to forget: issuer, subject and the audience lists their JWTs carried (part of every key). */
export interface ForgetSubject {
  readonly issuer: string;
  readonly subject: string;
  /** Audience lists to forget besides those this engine loaded the user with. */
  readonly audiences: readonly (readonly string[])[];
}

/** The engine; see {@link createEngine}. */
export interface Engine {
  /**
   * Identity-enhanced credentials (and the IdC identity) for the user of `subject`. Rejects with
   * `ERR_CLOSED` after {@link Engine.close}.
   */
  resolve(subject: SubjectToken, options?: ResolveOptions): Promise<RoleSession>;
  /** The role key of `subject`, computed once per subject object; for {@link Engine.hot}. */
  keyOf(subject: SubjectToken): RoleKey;
  /**
   * The cached role session under `key`, synchronously, when it is held and not yet due for an early
   * refresh; otherwise `undefined` (then call {@link Engine.resolve}). A hit like one of `resolve`: it
   * emits `cache.hit`. Always `undefined` after {@link Engine.close}.
   */
  hot(key: RoleKey): RoleSession | undefined;
  /** Cached users (role sessions) held in process. */
  readonly size: number;
  /** Forgets every cached value. */
  clear(): void;
  /**
   * Forgets one user: role credentials, IdC tokens and the exchange result the ledger keeps for them,
   * bootstrap credentials, in process and in the shared store. Resolves with the IdC user ids found.
   */
  forget(user: ForgetSubject): Promise<string[]>;
  /** Aborts the loads in flight, forgets every cached value and refuses later calls with `ERR_CLOSED`. */
  close(): void;
}

/** `parts` followed by the audience, sorted (the order of a token's `aud` values does not matter). */
function withAudience(parts: (string | undefined)[], audience: readonly string[]): (string | undefined)[] {
  if (audience.length === 1) parts.push(audience[0]);
  else if (audience.length > 1) parts.push(...[...audience].sort());
  return parts;
}

/** The binding of a key (what it is a digest of), kept with its value in a shared store. */
function binding(namespace: string, parts: readonly (string | undefined)[]): KeyBinding {
  return { namespace, parts };
}

/** A subject's role-credential key, its binding when a store is configured, and its memo entry. */
export interface RoleKey {
  readonly key: string;
  readonly binding: KeyBinding | undefined;
  /** Who, for the `cache.hit` event. */
  readonly issuer: string;
  readonly subject: string;
  /** The entry last found under `key`, so a hit skips the lookup. */
  handle: MemoHandle | undefined;
}

/** Creates an engine. */
export function createEngine(settings: EngineSettings): Engine {
  const { clock, emit, retry, applicationArn, accessRoleArn } = settings;
  const scopeText = settings.scopes === undefined ? undefined : [...settings.scopes].sort().join(' ');
  const refusals = createRefusalCache({
    ttlMs: settings.refusalTtlMs,
    maxEntries: settings.maxUsers,
    clock,
  });
  const { store } = settings;
  const storeEvents = (cache: 'role' | 'idc') =>
    emit === undefined ? undefined : { onEvent: (event: MemoEvent) => emitStoreEvent(emit, cache, event) };
  const common = {
    maxEntries: settings.maxUsers,
    refreshBeforeExpiryMs: settings.refreshBeforeExpiryMs,
    clock,
    ...(store === undefined
      ? {}
      : {
          store,
          storeTimeoutMs: settings.storeTimeoutMs,
          lockLeaseMs: settings.lockLeaseMs,
          lockWaitMs: settings.lockWaitMs,
        }),
  };
  const roles: HandleMemo<RoleSession> = createMemo<RoleSession>({
    ...common,
    codec: roleSessionCodec,
    ...storeEvents('role'),
  });
  const tokens: Memo<IdcTokenSet> = createMemo<IdcTokenSet>({
    ...common,
    codec: idcTokenCodec,
    ...storeEvents('idc'),
  });
  const signingClient = createSigningClients(settings);
  const local = createExchangeLedger(settings.maxExchangedJwts, clock);
  const ledger: ExchangeLedger = isSharedCacheStore(store)
    ? withSharedLedger(local, store.exchangeLedger({ codec: idcTokenCodec, clock }), (error) =>
        emit?.(storeErrorEvent('ledger', undefined, error)),
      )
    : local;
  /** Aborted by close(): every load listens to it, so nothing keeps running (or the process alive). */
  const closing = new AbortController();
  // Every load (or call) listens to it: as many listeners as calls in flight is expected.
  setMaxListeners(0, closing.signal);
  /** The audience lists each user was loaded with, so `forget` can name every key of a user. */
  const audiences = createAudienceIndex();
  const rolePartsOf = (issuer: string, subject: string, audience: readonly string[]) =>
    withAudience([issuer, subject, applicationArn, accessRoleArn, scopeText], audience);
  const tokenPartsOf = (issuer: string, subject: string, audience: readonly string[]) =>
    withAudience([issuer, subject, applicationArn, scopeText], audience);
  const roleKeyOf = (issuer: string, subject: string, audience: readonly string[]) =>
    cacheKey('role', rolePartsOf(issuer, subject, audience));
  const tokenKeyOf = (issuer: string, subject: string, audience: readonly string[]) =>
    cacheKey('idc', tokenPartsOf(issuer, subject, audience));
  const loads = createConcurrencyLimit(settings.maxConcurrentExchanges);
  /** Role keys (and store bindings) of the subjects seen: one subject resolved again skips the digest. */
  const roleKeys = new WeakMap<SubjectToken, RoleKey>();

  async function loadTokens(
    ctx: LoadContext<IdcTokenSet>,
    subject: SubjectToken,
    tokenKey: string,
  ): Promise<{ value: IdcTokenSet; expiresAt: number }> {
    const ledgerId = jwtLedgerId(subject.issuer, subject.jti, subject.token);
    const refused = refusals.find(tokenKey, ledgerId);
    if (refused !== undefined) {
      emit?.({ type: 'cache.refusal', issuer: subject.issuer, subject: subject.subject, code: refused.code });
      throw refused;
    }
    // Tokens an earlier exchange gave this user, kept by the ledger after the LRU evicted them.
    const held = ctx.previous?.value ?? (await ledger.result(tokenKey));
    if (
      ctx.reason !== 'force' &&
      held?.identityContext !== undefined &&
      held.expiresAt - clock() > settings.refreshBeforeExpiryMs
    ) {
      return { value: held, expiresAt: held.expiresAt };
    }
    const link = combineSignals(ctx.signal, closing.signal);
    const { client, dispose } = await signingClient.forUser(subject, link.signal);
    try {
      const value = await obtainIdcToken({
        context: { client, applicationArn, scopes: settings.scopes, retry, clock },
        ledger,
        resultKey: tokenKey,
        jwt: { token: subject.token, ledgerId, expiresAt: subject.expiresAt },
        previous: held,
        useRefreshToken: settings.useRefreshTokens,
        forced: ctx.reason === 'force',
        signal: link.signal,
        detach: ctx.detach,
        refusals,
        // Another replica's exchange of this JWT finishes within one AWS call deadline.
        ...(ledger === local
          ? {}
          : { resultWaitMs: retry.timeoutMs, holdsLock: () => ctx.holdsLock === true }),
        ...(emit === undefined ? {} : { observer: exchangeObserver(emit, subject.issuer, subject.subject) }),
      });
      return { value, expiresAt: value.expiresAt };
    } finally {
      dispose();
      link.dispose();
    }
  }

  async function loadRole(
    ctx: LoadContext<RoleSession>,
    subject: SubjectToken,
  ): Promise<{ value: RoleSession; expiresAt: number }> {
    const startedAt = clock();
    emit?.({ type: 'cache.miss', issuer: subject.issuer, subject: subject.subject, reason: ctx.reason });
    audiences.remember(subject.issuer, subject.subject, subject.audience);
    const link = combineSignals(ctx.signal, closing.signal);
    const signal = link.signal;
    try {
      const tokenParts = tokenPartsOf(subject.issuer, subject.subject, subject.audience);
      const tokenKey = cacheKey('idc', tokenParts);
      const idc = await tokens.get(tokenKey, (c) => loadTokens(c, subject, tokenKey), {
        ...(store === undefined ? {} : { binding: binding('idc', tokenParts) }),
        signal,
        minRemainingMs: settings.refreshBeforeExpiryMs,
        // A failed IdC refresh must fail the role refresh too, so the role memo keeps serving the
        // credentials it holds rather than assuming the role again with an expiring context.
        serveStaleOnError: false,
        forceRefresh: ctx.reason === 'force',
      });
      if (idc.identityContext === undefined) {
        throw new TipError(
          'ERR_IDC_RESPONSE_INVALID',
          'IAM Identity Center issued no identity context: request the `sts:identity_context` scope.',
        );
      }
      const naming: SessionNameInput = {
        idcUserId: idc.identity.idcUserId,
        identityStoreId: idc.identity.identityStoreId,
        issuer: subject.issuer,
        subject: subject.subject,
      };
      const assumeStarted = clock();
      let credentials: RoleCredentials;
      try {
        const sourceIdentity = settings.sourceIdentity?.(naming);
        const tags = settings.sessionTags?.(naming);
        credentials = await assumeRoleWithContext(
          settings.sts,
          {
            roleArn: accessRoleArn,
            identityContext: idc.identityContext,
            sessionName: sanitizeSessionName(settings.sessionName(naming)),
            durationSeconds: settings.durationSeconds,
            ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
            ...(tags === undefined ? {} : { tags }),
          },
          retry,
          clock,
          signal,
        );
      } catch (error) {
        if (isTipError(error)) {
          emit?.({
            type: 'assume-role.failed',
            issuer: subject.issuer,
            subject: subject.subject,
            idcUserId: idc.identity.idcUserId,
            roleArn: accessRoleArn,
            code: error.code,
            durationMs: clock() - assumeStarted,
          });
        }
        throw error;
      }
      emit?.({
        type: 'assume-role.succeeded',
        issuer: subject.issuer,
        subject: subject.subject,
        idcUserId: idc.identity.idcUserId,
        roleArn: accessRoleArn,
        durationMs: clock() - assumeStarted,
      });
      const value: RoleSession = Object.freeze({ credentials, identity: idc.identity });
      if (emit !== undefined && ctx.reason !== 'miss') {
        emit({
          type: 'cache.refresh',
          issuer: subject.issuer,
          subject: subject.subject,
          outcome: 'succeeded',
          durationMs: clock() - startedAt,
        });
      }
      return { value, expiresAt: credentials.expiration.getTime() };
    } catch (error) {
      if (emit !== undefined && ctx.reason !== 'miss') {
        emit({
          type: 'cache.refresh',
          issuer: subject.issuer,
          subject: subject.subject,
          outcome: 'failed',
          durationMs: clock() - startedAt,
          ...(isTipError(error) ? { code: error.code } : {}),
        });
      }
      // A load that close() aborted says so (ERR_CLOSED), not ERR_ABORTED: no caller gave up.
      throw closing.signal.aborted ? closing.signal.reason : error;
    } finally {
      link.dispose();
    }
  }

  function roleKeyFor(subject: SubjectToken): RoleKey {
    const parts = rolePartsOf(subject.issuer, subject.subject, subject.audience);
    const entry: RoleKey = {
      key: cacheKey('role', parts),
      binding: store === undefined ? undefined : binding('role', parts),
      issuer: subject.issuer,
      subject: subject.subject,
      handle: undefined,
    };
    roleKeys.set(subject, entry);
    return entry;
  }

  function clear(): void {
    roles.clear();
    tokens.clear();
    ledger.clearResults();
    signingClient.clear();
    audiences.clear();
  }

  return {
    resolve(subject, options) {
      if (closing.signal.aborted) return Promise.reject(closing.signal.reason);
      const { key, binding: bound } = roleKeys.get(subject) ?? roleKeyFor(subject);
      const onHit =
        emit === undefined
          ? undefined
          : (held: RoleSession) =>
              emit({
                type: 'cache.hit',
                issuer: subject.issuer,
                subject: subject.subject,
                idcUserId: held.identity.idcUserId,
              });
      const getOptions =
        options === undefined && onHit === undefined && store === undefined
          ? undefined
          : {
              ...(options?.signal === undefined ? {} : { signal: options.signal }),
              ...(options?.forceRefresh === true ? { forceRefresh: true } : {}),
              ...(onHit === undefined ? {} : { onHit }),
              ...(bound === undefined ? {} : { binding: bound }),
            };
      let ran = false;
      const load = (ctx: LoadContext<RoleSession>) => {
        ran = true;
        return loads.run(() => loadRole(ctx, subject), ctx.signal);
      };
      return roles.get(key, load, getOptions).catch((error: unknown) => {
        // This call joined a load of the same user that another request started with its own JWT, which
        // was refused as already exchanged: this call's JWT may still serve, so it gets its own load.
        if (ran || !isTipError(error, 'ERR_IDC_TOKEN_REUSED')) throw error;
        return roles.get(key, (ctx) => loads.run(() => loadRole(ctx, subject), ctx.signal), getOptions);
      });
    },
    keyOf: (subject) => roleKeys.get(subject) ?? roleKeyFor(subject),
    hot(roleKey) {
      if (closing.signal.aborted) return undefined;
      let held = roleKey.handle === undefined ? undefined : roles.hot(roleKey.handle);
      if (held === undefined) {
        // The entry was evicted and loaded again (or never looked up): find the current one.
        const handle = roles.handle(roleKey.key);
        if (handle === undefined || handle === roleKey.handle) return undefined;
        roleKey.handle = handle;
        held = roles.hot(handle);
        if (held === undefined) return undefined;
      }
      emit?.({
        type: 'cache.hit',
        issuer: roleKey.issuer,
        subject: roleKey.subject,
        idcUserId: held.identity.idcUserId,
      });
      return held;
    },
    get size() {
      return roles.size;
    },
    clear,
    async forget({ issuer, subject, audiences: named }) {
      const lists = new Map<string, readonly string[]>();
      for (const audience of [...named, ...audiences.take(issuer, subject)]) {
        lists.set(JSON.stringify(audience), audience);
      }
      const found = new Set<string>();
      const deletions: Promise<void>[] = [];
      for (const audience of lists.values()) {
        const roleKey = roleKeyOf(issuer, subject, audience);
        const tokenKey = tokenKeyOf(issuer, subject, audience);
        const held =
          roles.peek(roleKey)?.value.identity.idcUserId ?? tokens.peek(tokenKey)?.value.identity.idcUserId;
        if (held !== undefined) found.add(held);
        // Through the memos' own delete, so the shared store entries go too.
        deletions.push(roles.delete(roleKey), tokens.delete(tokenKey), ledger.forgetResult(tokenKey));
        signingClient.forget({ issuer, subject, audience });
      }
      await Promise.all(deletions);
      return [...found];
    },
    close() {
      if (closing.signal.aborted) return;
      closing.abort(closedError('This trusted identity', 'createTrustedIdentity()'));
      clear();
    },
  };
}
