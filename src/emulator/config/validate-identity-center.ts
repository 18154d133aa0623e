/** Validation of the `identityCenter` section: users, groups, trusted token issuers, applications. */
import type { EmulatorConfig } from './types.js';
import { APPLICATION_ARN, IDENTITY_STORE_ID, INSTANCE_ARN, PRINCIPAL_ARN, TTI_ARN } from './arns.js';
import {
  arr,
  configError,
  derivedUuid,
  digest,
  int,
  obj,
  optArr,
  optBool,
  optInt,
  optObj,
  optStr,
  str,
  strList,
  strMap,
  unique,
} from './check.js';
import { directoryRef, nameField, optPlainId } from './directory-refs.js';

type IdentityCenter = EmulatorConfig['identityCenter'];

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const CLAIM_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$/;
const SCOPE = /^[A-Za-z0-9_:.\-/]{1,128}$/;

/** Default scopes of an application: OpenID, AWS, the identity context, and the data services' scopes. */
export const DEFAULT_APPLICATION_SCOPES: readonly string[] = [
  'openid',
  'aws',
  'sts:identity_context',
  'redshift:connect',
  'lakeformation:query',
  's3:access_grants:read_write',
];

function url(path: string, value: unknown, allowIdp: boolean): string {
  const text = str(path, value, { max: 2048 });
  if (allowIdp && text === 'idp') return text;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return configError(path, `must be an http(s) URL${allowIdp ? ' or "idp"' : ''}.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    configError(path, 'must be an http(s) URL.');
  if (parsed.search || parsed.hash) configError(path, 'must not have a query or fragment.');
  return text;
}

/** Validates `identityCenter` for account `accountId`. */
export function validateIdentityCenter(value: unknown, accountId: string): IdentityCenter {
  const p = 'identityCenter';
  const ic = obj(p, value, [
    'instanceArn',
    'identityStoreId',
    'users',
    'groups',
    'trustedTokenIssuers',
    'applications',
  ]);
  const instanceArn =
    optStr(`${p}.instanceArn`, ic.instanceArn, {
      pattern: INSTANCE_ARN,
      hint: 'arn:aws:sso:::instance/ssoins-<16 chars>',
    }) ?? `arn:aws:sso:::instance/ssoins-${digest(`instance:${accountId}`).slice(0, 16)}`;
  const instanceId = instanceArn.slice(instanceArn.lastIndexOf('/') + 1);
  const identityStoreId =
    optStr(`${p}.identityStoreId`, ic.identityStoreId, { pattern: IDENTITY_STORE_ID, hint: 'd-<10 hex>' }) ??
    `d-${digest(`store:${accountId}`).slice(0, 10)}`;

  const groups = optArr(`${p}.groups`, ic.groups, (gp, gv) => {
    const g = obj(gp, gv, ['name', 'groupId']);
    const name = nameField(`${gp}.name`, g.name);
    return {
      name,
      groupId: optPlainId(`${gp}.groupId`, g.groupId) ?? derivedUuid(`group:${name}`),
    };
  });
  unique(`${p}.groups`, groups, (g) => g.name, 'name');
  unique(`${p}.groups`, groups, (g) => g.groupId, 'groupId');
  const groupNames = new Set(groups.map((g) => g.name));

  const users = arr(`${p}.users`, ic.users, (up, uv) => {
    const u = obj(up, uv, ['userName', 'email', 'displayName', 'userId', 'groups']);
    const userName = nameField(`${up}.userName`, u.userName);
    const userGroups = optArr(`${up}.groups`, u.groups, (ugp, ugv) =>
      directoryRef(ugp, 'group', str(ugp, ugv), groupNames),
    );
    return {
      userName,
      email: str(`${up}.email`, u.email, { pattern: EMAIL, hint: 'an email address' }),
      displayName: optStr(`${up}.displayName`, u.displayName, { max: 256 }) ?? userName,
      userId: optPlainId(`${up}.userId`, u.userId) ?? derivedUuid(`user:${userName}`),
      groups: [...new Set(userGroups)],
    };
  });
  if (users.length === 0) configError(`${p}.users`, 'must list at least one user.');
  unique(`${p}.users`, users, (u) => u.userName, 'userName');
  unique(`${p}.users`, users, (u) => u.userId, 'userId');
  const userNames = new Set(users.map((u) => u.userName));

  const trustedTokenIssuers = arr(`${p}.trustedTokenIssuers`, ic.trustedTokenIssuers, (tp, tv) => {
    const t = obj(tp, tv, ['name', 'arn', 'issuerUrl', 'claimAttributePath', 'identityStoreAttributePath']);
    const name = nameField(`${tp}.name`, t.name);
    const arn =
      optStr(`${tp}.arn`, t.arn, {
        pattern: TTI_ARN,
        hint: 'arn:aws:sso::<acct>:trustedTokenIssuer/ssoins-<16>/tti-<id>',
      }) ?? `arn:aws:sso::${accountId}:trustedTokenIssuer/${instanceId}/tti-${derivedUuid(`tti:${name}`)}`;
    const storePath = t.identityStoreAttributePath ?? 'emails.value';
    if (storePath !== 'emails.value' && storePath !== 'userName') {
      configError(`${tp}.identityStoreAttributePath`, 'must be "emails.value" or "userName".');
    }
    return {
      name,
      arn,
      issuerUrl: url(`${tp}.issuerUrl`, t.issuerUrl, true),
      claimAttributePath:
        optStr(`${tp}.claimAttributePath`, t.claimAttributePath, {
          pattern: CLAIM_PATH,
          hint: 'a claim path like email (letters, _ and ., at most 3 segments)',
        }) ?? 'email',
      identityStoreAttributePath: storePath as 'emails.value' | 'userName',
    };
  });
  unique(`${p}.trustedTokenIssuers`, trustedTokenIssuers, (t) => t.name, 'name');
  unique(`${p}.trustedTokenIssuers`, trustedTokenIssuers, (t) => t.arn, 'arn');
  const issuerNames = new Set(trustedTokenIssuers.map((t) => t.name));

  const rawApps = Array.isArray(ic.applications) ? ic.applications : [];
  const appArns = new Set(
    rawApps.map((a) => (a && typeof a === 'object' ? (a as { arn?: unknown }).arn : undefined)),
  );
  const applications = arr(`${p}.applications`, ic.applications, (ap, av) => {
    const a = obj(ap, av, [
      'arn',
      'name',
      'jwtBearer',
      'refreshToken',
      'tokenExchange',
      'authorizationCode',
      'scopes',
      'assignmentRequired',
      'assignments',
      'refreshReturnsIdentityContext',
      'actorPrincipals',
      'tokenLifetimeSeconds',
      'refreshTokenLifetimeSeconds',
      'tags',
    ]);
    const arn = str(`${ap}.arn`, a.arn, {
      pattern: APPLICATION_ARN,
      hint: 'arn:aws:sso::<acct>:application/ssoins-<16>/apl-<16>',
    });
    if (arn.split(':')[4] !== accountId) configError(`${ap}.arn`, `must be in the account ${accountId}.`);
    if (!arn.includes(`/${instanceId}/`))
      configError(`${ap}.arn`, `must belong to the instance ${instanceId} of identityCenter.instanceArn.`);
    const jb = optObj(`${ap}.jwtBearer`, a.jwtBearer, ['authorizedTokenIssuers']);
    const jwtBearer = jb && {
      authorizedTokenIssuers: arr(
        `${ap}.jwtBearer.authorizedTokenIssuers`,
        jb.authorizedTokenIssuers,
        (ip, iv) => {
          const i = obj(ip, iv, ['tokenIssuer', 'audiences']);
          const tokenIssuer = str(`${ip}.tokenIssuer`, i.tokenIssuer);
          if (!issuerNames.has(tokenIssuer))
            configError(
              `${ip}.tokenIssuer`,
              `names ${JSON.stringify(tokenIssuer)}, which is not in identityCenter.trustedTokenIssuers.`,
            );
          const audiences = strList(`${ip}.audiences`, i.audiences, { max: 512 }, 10);
          if (audiences.length === 0) configError(`${ip}.audiences`, 'must list 1..10 audiences.');
          return { tokenIssuer, audiences };
        },
        10,
      ),
    };
    const te = optObj(`${ap}.tokenExchange`, a.tokenExchange, ['fromApplications']);
    const tokenExchange = te && {
      fromApplications: arr(`${ap}.tokenExchange.fromApplications`, te.fromApplications, (fp, fv) => {
        const from = str(fp, fv, { pattern: APPLICATION_ARN, hint: 'an application ARN' });
        if (!appArns.has(from))
          configError(fp, 'names an application that is not in identityCenter.applications.');
        return from;
      }),
    };
    const ac = optObj(`${ap}.authorizationCode`, a.authorizationCode, ['redirectUris']);
    const authorizationCode = ac && {
      redirectUris: arr(`${ap}.authorizationCode.redirectUris`, ac.redirectUris, (rp, rv) =>
        url(rp, rv, false),
      ),
    };
    const as = optObj(`${ap}.assignments`, a.assignments, ['users', 'groups']) ?? {};
    const assignments = {
      users: optArr(`${ap}.assignments.users`, as.users, (xp, xv) =>
        directoryRef(xp, 'user', str(xp, xv), userNames),
      ),
      groups: optArr(`${ap}.assignments.groups`, as.groups, (xp, xv) =>
        directoryRef(xp, 'group', str(xp, xv), groupNames),
      ),
    };
    const tokenLifetimeSeconds = optInt(
      `${ap}.tokenLifetimeSeconds`,
      a.tokenLifetimeSeconds,
      60,
      86_400,
      3600,
    );
    return {
      arn,
      name: optStr(`${ap}.name`, a.name, { max: 256 }) ?? arn.slice(arn.lastIndexOf('/') + 1),
      ...(jwtBearer ? { jwtBearer } : {}),
      refreshToken: optBool(`${ap}.refreshToken`, a.refreshToken, true),
      refreshReturnsIdentityContext: optBool(
        `${ap}.refreshReturnsIdentityContext`,
        a.refreshReturnsIdentityContext,
        true,
      ),
      ...(tokenExchange ? { tokenExchange } : {}),
      ...(authorizationCode ? { authorizationCode } : {}),
      scopes:
        a.scopes === undefined
          ? [...DEFAULT_APPLICATION_SCOPES]
          : strList(
              `${ap}.scopes`,
              a.scopes,
              { pattern: SCOPE, hint: 'a scope like openid or redshift:connect' },
              50,
            ),
      assignmentRequired: optBool(`${ap}.assignmentRequired`, a.assignmentRequired, true),
      assignments,
      ...(a.actorPrincipals === undefined
        ? {}
        : {
            actorPrincipals: strList(`${ap}.actorPrincipals`, a.actorPrincipals, {
              pattern: PRINCIPAL_ARN,
              hint: 'an IAM principal ARN',
            }),
          }),
      tokenLifetimeSeconds,
      refreshTokenLifetimeSeconds:
        a.refreshTokenLifetimeSeconds === undefined
          ? 86_400
          : int(`${ap}.refreshTokenLifetimeSeconds`, a.refreshTokenLifetimeSeconds, 60, 7_776_000),
      tags: strMap(`${ap}.tags`, a.tags),
    };
  });
  unique(`${p}.applications`, applications, (a) => a.arn, 'arn');

  return { instanceArn, identityStoreId, users, groups, trustedTokenIssuers, applications };
}
