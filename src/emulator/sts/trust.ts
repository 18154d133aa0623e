/**
 * Trust policy evaluation for AssumeRole and AssumeRoleWithWebIdentity: a principal may perform an
 * action on the role when an Allow statement names it (AWS principal ARN, role of a role session, the
 * account root or account id, `*`, or a Federated issuer) with matching conditions, and no Deny does.
 */
import type { PolicyStatementConfig } from '../config/types.js';
import { type ConditionContext, asList, statementApplies, wildcardMatch } from '../core/policy.js';
import type { Caller } from '../core/types.js';

/** Who asks: an AWS principal (signed caller) or a federated web identity. */
export type TrustPrincipal = { readonly aws: Caller } | { readonly federated: readonly string[] };

function awsPrincipalMatches(value: string, caller: Caller): boolean {
  if (value === '*') return true;
  if (value === caller.accountId || value === `arn:aws:iam::${caller.accountId}:root`) return true;
  if (value === caller.arn) return true;
  // A role ARN in a trust policy matches every session of that role.
  return caller.roleArn !== undefined && value === caller.roleArn;
}

function principalMatches(statement: PolicyStatementConfig, who: TrustPrincipal): boolean {
  const p = statement.Principal;
  if (p === undefined) return false;
  if (p === '*') return true;
  if ('aws' in who) return asList(p.AWS).some((v) => awsPrincipalMatches(v, who.aws));
  return asList(p.Federated).some((v) => who.federated.includes(v));
}

/** Outcome of {@link evaluateTrust}. */
export interface TrustOutcome {
  readonly allowed: boolean;
  /** The first required action not allowed, when denied. */
  readonly missing?: string;
  readonly reason: string;
}

/**
 * Checks that the trust policy allows every action in `actions` for `who`. `contexts` are alternative
 * condition contexts (one per token audience); a statement applies when one of them satisfies it.
 */
export function evaluateTrust(
  trustPolicy: readonly PolicyStatementConfig[],
  who: TrustPrincipal,
  actions: readonly string[],
  contexts: readonly ConditionContext[],
): TrustOutcome {
  for (const action of actions) {
    let allowed = false;
    for (const s of trustPolicy) {
      if (!principalMatches(s, who)) continue;
      if (!asList(s.Action).some((a) => wildcardMatch(a, action, true))) continue;
      // With several contexts (token audiences), one context that the statement applies to is enough.
      const applies =
        s.Effect === 'Allow'
          ? contexts.some((c) => statementApplies('Allow', s.Condition, c))
          : contexts.some((c) => statementApplies('Deny', s.Condition, c));
      if (!applies) continue;
      if (s.Effect === 'Deny')
        return { allowed: false, missing: action, reason: `the trust policy denies ${action}` };
      allowed = true;
    }
    if (!allowed)
      return { allowed: false, missing: action, reason: `the trust policy does not allow ${action}` };
  }
  return { allowed: true, reason: `the trust policy allows ${actions.join(', ')}` };
}
