/**
 * IAM policy evaluation for what the emulator models: Allow/Deny statements with `*`/`?` wildcards in
 * Action (case-insensitive) and Resource, and `StringEquals`/`StringLike` conditions on keys the request
 * provides. An explicit Deny wins, then any Allow, else the implicit deny.
 */
import type { PolicyStatementConfig } from '../config/types.js';
import type { Caller } from './types.js';

/** Request facts conditions can test, e.g. `{ 'aws:PrincipalArn': '…' }`. Keys compare case-insensitively. */
export type ConditionContext = Readonly<Record<string, string | undefined>>;

/** Outcome of evaluating statements. */
export interface PolicyOutcome {
  readonly effect: 'allow' | 'deny' | 'none';
  /** Index of the deciding statement, when one decided. */
  readonly statement?: number;
}

/**
 * The global condition keys every signed request provides: `aws:PrincipalArn` (the role ARN for a role
 * session, as IAM reports it) and `aws:PrincipalAccount`.
 */
export function principalContext(caller: Caller): ConditionContext {
  return {
    'aws:PrincipalArn': caller.kind === 'assumed-role' ? caller.roleArn : caller.arn,
    'aws:PrincipalAccount': caller.accountId,
  };
}

const patternCache = new Map<string, RegExp>();

/** True when `value` matches the IAM pattern (`*` any run, `?` any one character). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = patternCache.get(key);
  if (!re) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    if (patternCache.size > 5000) patternCache.clear();
    patternCache.set(key, re);
  }
  return re.test(value);
}

/** A string or list as a list. */
export function asList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function contextValue(context: ConditionContext, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * Evaluates a statement's conditions: true when every one holds, false when one fails, undefined when one
 * cannot be evaluated (a key the request does not provide, an operator the emulator does not know).
 */
export function evaluateCondition(
  condition: PolicyStatementConfig['Condition'],
  context: ConditionContext,
): boolean | undefined {
  if (!condition) return true;
  let unknown = false;
  for (const [operator, tests] of Object.entries(condition)) {
    for (const [key, expected] of Object.entries(tests)) {
      const actual = contextValue(context, key);
      const options = asList(expected);
      let ok: boolean | undefined;
      if (actual === undefined) ok = undefined;
      else if (operator === 'StringEquals') ok = options.includes(actual);
      else if (operator === 'StringEqualsIgnoreCase')
        ok = options.some((o) => o.toLowerCase() === actual.toLowerCase());
      else if (operator === 'StringLike') ok = options.some((o) => wildcardMatch(o, actual));
      else ok = undefined;
      if (ok === false) return false;
      if (ok === undefined) unknown = true;
    }
  }
  return unknown ? undefined : true;
}

/**
 * Whether a statement applies: an Allow only when its conditions surely hold (never widen access on what
 * the emulator cannot check), a Deny unless its conditions surely fail (never narrow a Deny either).
 */
export function statementApplies(
  effect: PolicyStatementConfig['Effect'],
  condition: PolicyStatementConfig['Condition'],
  context: ConditionContext,
): boolean {
  const verdict = evaluateCondition(condition, context);
  return effect === 'Allow' ? verdict === true : verdict !== false;
}

/** Evaluates permission statements for `action` on `resource`. */
export function evaluatePermissions(
  statements: readonly PolicyStatementConfig[],
  action: string,
  resource: string,
  context: ConditionContext = {},
): PolicyOutcome {
  let allow: number | undefined;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (!asList(s.Action).some((p) => wildcardMatch(p, action, true))) continue;
    const resources = s.Resource === undefined ? ['*'] : asList(s.Resource);
    if (!resources.some((p) => wildcardMatch(p, resource))) continue;
    if (!statementApplies(s.Effect, s.Condition, context)) continue;
    if (s.Effect === 'Deny') return { effect: 'deny', statement: i };
    allow ??= i;
  }
  return allow === undefined ? { effect: 'none' } : { effect: 'allow', statement: allow };
}
