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
 * @module
 */
import { createConcurrencyLimit } from '../aws/concurrency.js';
import { cacheKey } from '../cache/key.js';
import { createMemo } from '../cache/memo.js';
import type { CacheStore, LoadContext, Memo } from '../cache/types.js';
import { assumeRoleWithContext } from '../credentials/assume-role.js';
import { sanitizeSessionName } from '../credentials/session-name.js';
import type { SessionNameInput } from '../credentials/session-name.js';
import type { RoleCredentials, SessionTag } from '../credentials/types.js';
import { TipError, isTipError } from '../errors.js';
import { createExchangeLedger, jwtLedgerId } from '../identity-center/exchange-ledger.js';
import type { ExchangeLedger } from '../identity-center/exchange-ledger.js';
import { obtainIdcToken } from '../identity-center/obtain-token.js';
import type { ExchangeObserver } from '../identity-center/obtain-token.js';
import { createRefusalCache } from '../identity-center/refusals.js';
import type { IdcTokenSet } from '../identity-center/types.js';
import { type SigningSettings, createSigningClients } from './bootstrap.js';
import { idcTokenCodec, roleSessionCodec } from './codecs.js';
import type { RoleSession } from './codecs.js';
import type { Emit } from './events.js';

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
  readonly emit: Emit;
}

/** Options of one resolution. */
export interface ResolveOptions {
  readonly signal?: AbortSignal;
  readonly forceRefresh?: boolean;
}

/** The engine; see {@link createEngine}. */
export interface Engine {
  /** Identity-enhanced credentials (and the IdC identity) for the user of `subject`. */
  resolve(subject: SubjectToken, options?: ResolveOptions): Promise<RoleSession>;
  /** Cached users (role sessions) held in process. */
  readonly size: number;
  /** Forgets every cached value. */
  clear(): void;
}

/** `parts` followed by the audience, sorted (the order of a token's `aud` values does not matter). */
function withAudience(parts: (string | undefined)[], audience: readonly string[]): (string | undefined)[] {
  if (audience.length === 1) parts.push(audience[0]);
  else if (audience.length > 1) parts.push(...[...audience].sort());
  return parts;
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
  const common = {
    maxEntries: settings.maxUsers,
    refreshBeforeExpiryMs: settings.refreshBeforeExpiryMs,
    clock,
    ...(settings.store === undefined ? {} : { store: settings.store }),
  };
  const roles: Memo<RoleSession> = createMemo<RoleSession>({ ...common, codec: roleSessionCodec });
  const tokens: Memo<IdcTokenSet> = createMemo<IdcTokenSet>({ ...common, codec: idcTokenCodec });
  const signingClient = createSigningClients(settings);
  const loads = createConcurrencyLimit(settings.maxConcurrentExchanges);
  const ledger: ExchangeLedger = createExchangeLedger(settings.maxExchangedJwts, clock);
  /** Role keys of the subjects seen (a caller that resolves one subject again skips the digest). */
  const roleKeys = new WeakMap<SubjectToken, string>();

  function observer(subject: SubjectToken): ExchangeObserver | undefined {
    if (emit === undefined) return undefined;
    const { issuer } = subject;
    const who = subject.subject;
    return {
      started: (grant) => emit({ type: 'exchange.started', issuer, subject: who, grant }),
      succeeded: (grant, result, durationMs, attempts) =>
        emit({
          type: 'exchange.succeeded',
          issuer,
          subject: who,
          grant,
          idcUserId: result.identity.idcUserId,
          durationMs,
          attempts,
        }),
      failed: (grant, error, durationMs) =>
        emit({ type: 'exchange.failed', issuer, subject: who, grant, code: error.code, durationMs }),
    };
  }

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
    const { client, dispose } = await signingClient.forUser(subject, ctx.signal);
    try {
      const value = await obtainIdcToken({
        context: { client, applicationArn, scopes: settings.scopes, retry, clock },
        ledger,
        resultKey: tokenKey,
        jwt: { token: subject.token, ledgerId, expiresAt: subject.expiresAt },
        previous: held,
        useRefreshToken: settings.useRefreshTokens,
        forced: ctx.reason === 'force',
        signal: ctx.signal,
        detach: ctx.detach,
        refusals,
        ...(emit === undefined ? {} : { observer: observer(subject) }),
      });
      return { value, expiresAt: value.expiresAt };
    } finally {
      dispose();
    }
  }

  async function loadRole(
    ctx: LoadContext<RoleSession>,
    subject: SubjectToken,
  ): Promise<{ value: RoleSession; expiresAt: number }> {
    const startedAt = clock();
    emit?.({ type: 'cache.miss', issuer: subject.issuer, subject: subject.subject, reason: ctx.reason });
    try {
      const tokenKey = cacheKey(
        'idc',
        withAudience([subject.issuer, subject.subject, applicationArn, scopeText], subject.audience),
      );
      const idc = await tokens.get(tokenKey, (c) => loadTokens(c, subject, tokenKey), {
        signal: ctx.signal,
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
          ctx.signal,
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
      throw error;
    }
  }

  return {
    resolve(subject, options) {
      let key = roleKeys.get(subject);
      if (key === undefined) {
        key = cacheKey(
          'role',
          withAudience(
            [subject.issuer, subject.subject, applicationArn, accessRoleArn, scopeText],
            subject.audience,
          ),
        );
        roleKeys.set(subject, key);
      }
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
        options === undefined && onHit === undefined
          ? undefined
          : {
              ...(options?.signal === undefined ? {} : { signal: options.signal }),
              ...(options?.forceRefresh === true ? { forceRefresh: true } : {}),
              ...(onHit === undefined ? {} : { onHit }),
            };
      return roles.get(key, (ctx) => loads.run(() => loadRole(ctx, subject), ctx.signal), getOptions);
    },
    get size() {
      return roles.size;
    },
    clear() {
      roles.clear();
      tokens.clear();
      ledger.clearResults();
      signingClient.clear();
    },
  };
}
