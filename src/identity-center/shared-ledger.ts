/**
 * The exchange ledger of a process whose cache store is shared by several replicas: the store's ledger
 * decides whether a JWT was exchanged (by any replica) and where that exchange's result is, with this
 * process's own ledger in front of it.
 *
 * When the store cannot be reached, this process's ledger alone decides. A JWT this process exchanged is
 * still never sent twice; a JWT that only another replica exchanged reaches IdC, which refuses it — and
 * that refusal surfaces as `ERR_IDC_TOKEN_REUSED` (see `obtain-token`), never as another user's data.
 *
 * @module
 */
import type { ExchangeLedger, LedgerClaim } from './exchange-ledger.js';
import type { IdcTokenSet } from './types.js';

/**
 * `shared` with `local` in front of it.
 *
 * @param onError - Told about each failed call to the shared ledger (the call then counts as answered by
 *   `local` alone).
 */
export function withSharedLedger(
  local: ExchangeLedger,
  shared: ExchangeLedger,
  onError: (error: unknown) => void,
): ExchangeLedger {
  return {
    async claim(id, resultKey, expiresAt, options) {
      const mine = await local.claim(id, resultKey, expiresAt, options);
      // This process exchanged the JWT (or is exchanging it): no need to ask the store.
      if (!mine.claimed) return mine;
      let theirs: LedgerClaim;
      try {
        theirs = await shared.claim(id, resultKey, expiresAt, options);
      } catch (error) {
        onError(error);
        return mine;
      }
      // Another replica exchanged it: the store holds the claim, and its result is read from there.
      if (!theirs.claimed) await local.release(id);
      return theirs;
    },
    async release(id) {
      await local.release(id);
      await shared.release(id).catch(onError);
    },
    async settle(id, resultKey) {
      await local.settle?.(id, resultKey);
      await shared.settle?.(id, resultKey).catch(onError);
    },
    async keep(resultKey, tokens, until) {
      await local.keep(resultKey, tokens, until);
      await shared.keep(resultKey, tokens, until).catch(onError);
    },
    async result(resultKey) {
      const mine = await local.result(resultKey);
      let theirs: IdcTokenSet | undefined;
      try {
        theirs = await shared.result(resultKey);
      } catch (error) {
        onError(error);
      }
      if (theirs === undefined) return mine;
      if (mine === undefined) return theirs;
      // Both are this user's (the keys are bound); the later one carries the current refresh token.
      return theirs.expiresAt > mine.expiresAt ? theirs : mine;
    },
    clearResults() {
      local.clearResults();
      shared.clearResults();
    },
    async forgetResult(resultKey) {
      await local.forgetResult(resultKey);
      await shared.forgetResult(resultKey).catch(onError);
    },
  };
}
