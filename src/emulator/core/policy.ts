/**
 * IAM policy evaluation for what the emulator models: Allow/Deny statements with `*`/`?` wildcards in
 * Action (case-insensitive) and Resource, and `StringEquals`/`StringLike` conditions on keys the request
 * provides. An explicit Deny wins, then any Allow, else the implicit deny.
 */
import type { PolicyStatementConfig } from '../config/types.js';

/** Request facts conditions can test, e.g. `{ 'aws:PrincipalArn': '…' }`. Keys compare case-insensitively. */
export type ConditionContext = Readonly<Record<string, string | undefined>>;

/** Outcome of evaluating statements. */
export interface PolicyOutcome {
  readonly effect: 'allow' | 'deny' | 'none';
  /** Index of the deciding statement, when one decided. */
  readonly statement?: number;
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
 * True when every condition holds. Unknown operators and keys the request does not provide make the
 * condition false, so an Allow never widens on what the emulator cannot check.
 */
export function conditionsHold(
  condition: PolicyStatementConfig['Condition'],
  context: ConditionContext,
): boolean {
  if (!condition) return true;
  for (const [operator, tests] of Object.entries(condition)) {
    for (const [key, expected] of Object.entries(tests)) {
      const actual = contextValue(context, key);
      if (actual === undefined) return false;
      const options = asList(expected);
      let ok: boolean;
      if (operator === 'StringEquals') ok = options.includes(actual);
      else if (operator === 'StringEqualsIgnoreCase')
        ok = options.some((o) => o.toLowerCase() === actual.toLowerCase());
      else if (operator === 'StringLike') ok = options.some((o) => wildcardMatch(o, actual));
      else ok = false;
      if (!ok) return false;
    }
  }
  return true;
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
    if (s.Effect === 'Deny') {
      // A Deny whose condition cannot be evaluated still applies: never widen access.
      if (!s.Condition || conditionsHold(s.Condition, context) || Object.keys(context).length === 0) {
        return { effect: 'deny', statement: i };
      }
      continue;
    }
    if (allow === undefined && conditionsHold(s.Condition, context)) allow = i;
  }
  return allow === undefined ? { effect: 'none' } : { effect: 'allow', statement: allow };
}
