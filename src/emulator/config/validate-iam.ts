/** Validation of IAM parts: policy statements, roles, callers, the identity-context allow-list. */
import type { EmulatorConfig, PolicyStatementConfig } from './types.js';
import { ACCESS_KEY_ID, POLICY_ARN, PRINCIPAL_ARN, ROLE_ARN } from './arns.js';
import { arr, configError, obj, optArr, optInt, optStr, str, strMap, unique } from './check.js';

const ACTION = /^(\*|[a-z0-9-]{1,64}:[A-Za-z0-9*?]{1,128})$/;
const CONDITION_OPERATORS = ['StringEquals', 'StringLike', 'StringEqualsIgnoreCase'];

function strOrList(path: string, value: unknown, opts: Parameters<typeof str>[2] = {}): string | string[] {
  if (typeof value === 'string') return str(path, value, opts);
  const list = arr(path, value, (p, v) => str(p, v, opts), 1000);
  if (list.length === 0) configError(path, 'must not be empty.');
  return list;
}

/** Validates one statement; `trust` allows (and needs) a Principal. */
export function validateStatement(path: string, value: unknown, trust: boolean): PolicyStatementConfig {
  const s = obj(path, value, ['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition']);
  optStr(`${path}.Sid`, s.Sid, { max: 128 });
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
    configError(`${path}.Effect`, 'must be "Allow" or "Deny".');
  const out: PolicyStatementConfig = {
    Effect: s.Effect,
    Action: strOrList(`${path}.Action`, s.Action, {
      pattern: ACTION,
      hint: 'service:Action (wildcards * and ? allowed) or *',
    }),
  };
  if (trust) {
    if (s.Principal === undefined) configError(`${path}.Principal`, 'is required in a trust policy.');
    if (s.Principal === '*') out.Principal = '*';
    else {
      const pr = obj(`${path}.Principal`, s.Principal, ['AWS', 'Federated', 'Service']);
      const principal: Exclude<PolicyStatementConfig['Principal'], '*' | undefined> = {};
      if (pr.AWS !== undefined) principal.AWS = strOrList(`${path}.Principal.AWS`, pr.AWS, { max: 2048 });
      if (pr.Federated !== undefined)
        principal.Federated = strOrList(`${path}.Principal.Federated`, pr.Federated, { max: 2048 });
      if (pr.Service !== undefined)
        principal.Service = strOrList(`${path}.Principal.Service`, pr.Service, { max: 256 });
      if (Object.keys(principal).length === 0)
        configError(`${path}.Principal`, 'must name AWS, Federated or Service principals.');
      out.Principal = principal;
    }
  } else if (s.Principal !== undefined) {
    configError(`${path}.Principal`, 'is only allowed in trust policies.');
  }
  if (s.Resource !== undefined) out.Resource = strOrList(`${path}.Resource`, s.Resource, { max: 2048 });
  if (s.Condition !== undefined) {
    const c = obj(`${path}.Condition`, s.Condition);
    const condition: Record<string, Record<string, string | string[]>> = {};
    for (const [op, tests] of Object.entries(c)) {
      if (!CONDITION_OPERATORS.includes(op)) {
        configError(
          `${path}.Condition.${op}`,
          `is not an operator the emulator evaluates (${CONDITION_OPERATORS.join(', ')}).`,
        );
      }
      const t = obj(`${path}.Condition.${op}`, tests);
      const entries: Record<string, string | string[]> = {};
      for (const [key, v] of Object.entries(t)) {
        if (key === '__proto__') configError(`${path}.Condition.${op}.${key}`, 'is not an allowed key.');
        entries[key] = strOrList(`${path}.Condition.${op}.${key}`, v, { min: 0 });
      }
      condition[op] = entries;
    }
    out.Condition = condition;
  }
  return out;
}

/** The permissions a principal gets when none are configured: allow everything. */
export const ALLOW_ALL: readonly PolicyStatementConfig[] = [{ Effect: 'Allow', Action: '*', Resource: '*' }];

function permissions(path: string, value: unknown): PolicyStatementConfig[] {
  return value === undefined
    ? ALLOW_ALL.map((s) => ({ ...s }))
    : arr(path, value, (p, v) => validateStatement(p, v, false), 100);
}

/** Validates `roles`. */
export function validateRoles(value: unknown): EmulatorConfig['roles'] {
  const roles = arr('roles', value, (rp, rv) => {
    const r = obj(rp, rv, ['arn', 'trustPolicy', 'permissions', 'maxSessionDuration', 'tags']);
    const trustPolicy = arr(
      `${rp}.trustPolicy`,
      r.trustPolicy,
      (sp, sv) => validateStatement(sp, sv, true),
      100,
    );
    if (trustPolicy.length === 0) configError(`${rp}.trustPolicy`, 'must have at least one statement.');
    return {
      arn: str(`${rp}.arn`, r.arn, { pattern: ROLE_ARN, hint: 'arn:aws:iam::<12 digits>:role/<name>' }),
      trustPolicy,
      permissions: permissions(`${rp}.permissions`, r.permissions),
      maxSessionDuration: optInt(`${rp}.maxSessionDuration`, r.maxSessionDuration, 3600, 43_200, 3600),
      tags: strMap(`${rp}.tags`, r.tags),
    };
  });
  unique('roles', roles, (r) => r.arn, 'arn');
  return roles;
}

/** Validates `callers` (at least one: it is the default SDK identity). */
export function validateCallers(value: unknown): EmulatorConfig['callers'] {
  const callers = arr('callers', value, (cp, cv) => {
    const c = obj(cp, cv, ['accessKeyId', 'secretAccessKey', 'principalArn', 'permissions']);
    const accessKeyId = str(`${cp}.accessKeyId`, c.accessKeyId, {
      pattern: ACCESS_KEY_ID,
      hint: '16..128 upper-case letters and digits',
    });
    if (accessKeyId.startsWith('ASIA'))
      configError(`${cp}.accessKeyId`, 'must not start with ASIA (reserved for session keys).');
    return {
      accessKeyId,
      secretAccessKey: str(`${cp}.secretAccessKey`, c.secretAccessKey, {
        min: 16,
        max: 128,
        pattern: /^\S+$/,
        hint: 'a secret without spaces',
      }),
      principalArn: str(`${cp}.principalArn`, c.principalArn, {
        pattern: PRINCIPAL_ARN,
        hint: 'arn:aws:iam::<acct>:user/<name>, role/<name> or root',
      }),
      permissions: permissions(`${cp}.permissions`, c.permissions),
    };
  });
  if (callers.length === 0)
    configError('callers', 'must list at least one caller (the default SDK credentials).');
  unique('callers', callers, (c) => c.accessKeyId, 'accessKeyId');
  return callers;
}

/** Validates `identityContextAllowList` (undefined = use `fallback`). */
export function validateAllowList(value: unknown, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback];
  return optArr('identityContextAllowList', value, (p, v) =>
    str(p, v, { pattern: ACTION, hint: 'service:Action (wildcards * and ? allowed)' }),
  );
}

/** Validates `managedPolicies` (absent = none). */
export function validateManagedPolicies(value: unknown): NonNullable<EmulatorConfig['managedPolicies']> {
  const policies = optArr('managedPolicies', value, (pp, pv) => {
    const p = obj(pp, pv, ['arn', 'statements']);
    const statements = arr(
      `${pp}.statements`,
      p.statements,
      (sp, sv) => validateStatement(sp, sv, false),
      100,
    );
    if (statements.length === 0) configError(`${pp}.statements`, 'must have at least one statement.');
    return {
      arn: str(`${pp}.arn`, p.arn, { pattern: POLICY_ARN, hint: 'arn:aws:iam::<12 digits>:policy/<name>' }),
      statements,
    };
  });
  unique('managedPolicies', policies, (p) => p.arn, 'arn');
  return policies;
}
