/**
 * `validateEmulatorConfig`: checks every section of an {@link EmulatorConfigInput}, its references
 * (groups of users, issuers of applications, principals of grants, tables of grants), fills every default
 * (ids derived from names with SHA-256, so runs are reproducible) and returns a deep-frozen
 * {@link EmulatorConfig}. Any problem is a TipError `ERR_EMULATOR_CONFIG` naming the bad path.
 */
import { readFile } from 'node:fs/promises';
import { TipError, isTipError } from '../../errors.js';
import { clause } from '../../message-text.js';
import { defaultIdentityContextAllowList } from './allow-list.js';
import { ACCOUNT_ID, REGION } from './arns.js';
import { arr, configError, deepFreeze, obj, optInt, optObj, optStr, str } from './check.js';
import type { EmulatorConfig } from './types.js';
import { validateIdentityCenter } from './validate-identity-center.js';
import {
  validateAllowList,
  validateCallers,
  validateManagedPolicies,
  validateRoles,
} from './validate-iam.js';
import { validateAthena, validateRedshift, validateS3 } from './validate-services.js';

const TOP_LEVEL = [
  '$schema',
  'region',
  'accountId',
  'port',
  'idp',
  'identityCenter',
  'roles',
  'callers',
  'managedPolicies',
  'identityContextAllowList',
  'athena',
  'redshift',
  's3',
  'maxClockSkewSeconds',
  'maxBodyBytes',
  'sts',
];

function validateIdp(value: unknown): EmulatorConfig['idp'] {
  if (value === false) return false;
  const i = optObj('idp', value, ['port', 'audience', 'accessTokenTtlSeconds', 'clients']) ?? {};
  return {
    port: optInt('idp.port', i.port, 0, 65_535, 0),
    audience: optStr('idp.audience', i.audience, { max: 512 }) ?? 'tip-sdk-demo',
    accessTokenTtlSeconds: optInt('idp.accessTokenTtlSeconds', i.accessTokenTtlSeconds, 30, 86_400, 600),
    clients:
      i.clients === undefined
        ? []
        : arr(
            'idp.clients',
            i.clients,
            (cp, cv) => {
              const c = obj(cp, cv, ['clientId', 'clientSecret', 'redirectUris']);
              const clientSecret = optStr(`${cp}.clientSecret`, c.clientSecret, { min: 8, max: 512 });
              return {
                clientId: str(`${cp}.clientId`, c.clientId, {
                  pattern: /^[A-Za-z0-9._~-]{1,128}$/,
                  hint: 'letters, digits and ._~-',
                }),
                ...(clientSecret ? { clientSecret } : {}),
                ...(c.redirectUris === undefined
                  ? {}
                  : {
                      redirectUris: arr(`${cp}.redirectUris`, c.redirectUris, (rp, rv) => {
                        const text = str(rp, rv);
                        if (!/^https?:\/\/[^\s]+$/.test(text)) configError(rp, 'must be an http(s) URL.');
                        return text;
                      }),
                    }),
              };
            },
            100,
          ),
  };
}

function validateSts(value: unknown): NonNullable<EmulatorConfig['sts']> {
  const s = optObj('sts', value, ['expiredContextError']) ?? {};
  const code = s.expiredContextError ?? 'InvalidContextAssertion';
  if (code !== 'InvalidContextAssertion' && code !== 'ExpiredTokenException') {
    configError('sts.expiredContextError', 'must be "InvalidContextAssertion" or "ExpiredTokenException".');
  }
  return { expiredContextError: code as 'InvalidContextAssertion' | 'ExpiredTokenException' };
}

function validate(input: unknown): EmulatorConfig {
  const c = obj('', input, TOP_LEVEL);
  const region =
    optStr('region', c.region, { pattern: REGION, hint: 'a region like us-east-1' }) ?? 'us-east-1';
  const accountId =
    optStr('accountId', c.accountId, { pattern: ACCOUNT_ID, hint: '12 digits' }) ?? '123456789012';
  const identityCenter = validateIdentityCenter(c.identityCenter, accountId);
  const dir = {
    users: new Set(identityCenter.users.map((u) => u.userName)),
    groups: new Set(identityCenter.groups.map((g) => g.name)),
  };
  const redshift = validateRedshift(c.redshift, dir);
  return {
    region,
    accountId,
    port: optInt('port', c.port, 0, 65_535, 0),
    idp: validateIdp(c.idp),
    identityCenter,
    roles: validateRoles(c.roles),
    callers: validateCallers(c.callers),
    managedPolicies: validateManagedPolicies(c.managedPolicies),
    identityContextAllowList: validateAllowList(
      c.identityContextAllowList,
      defaultIdentityContextAllowList(redshift.allowIdentityEnhanced),
    ),
    athena: validateAthena(c.athena, dir),
    redshift,
    s3: validateS3(c.s3, dir, accountId),
    maxClockSkewSeconds: optInt('maxClockSkewSeconds', c.maxClockSkewSeconds, 1, 86_400, 900),
    maxBodyBytes: optInt('maxBodyBytes', c.maxBodyBytes, 1024, 1024 * 1024 * 1024, 1024 * 1024),
    sts: validateSts(c.sts),
  };
}

/**
 * Validates an emulator configuration and fills its defaults.
 *
 * @param input - An {@link EmulatorConfigInput} object (typically parsed JSON); anything else is rejected.
 * @returns The frozen, resolved configuration.
 * @throws TipError `ERR_EMULATOR_CONFIG` with `details.path` naming the first bad value.
 */
export function validateEmulatorConfig(input: unknown): EmulatorConfig {
  try {
    return deepFreeze(validate(input));
  } catch (err) {
    if (isTipError(err)) throw err;
    // A hostile input (getters, proxies, cycles) must still end in the documented error.
    throw new TipError('ERR_EMULATOR_CONFIG', 'Emulator config: the configuration could not be read.', {
      cause: err,
      details: { path: '', reason: 'unreadable' },
    });
  }
}

/** Why a file could not be read, in words (the system error's code names the common cases). */
function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  const message = error instanceof Error ? error.message : String(error);
  return clause(message.split('\n')[0]!.slice(0, 200)) || 'unknown reason';
}

/**
 * Reads a JSON config file and validates it.
 *
 * @param path - File path.
 * @throws TipError `ERR_EMULATOR_CONFIG` when the file is missing, not JSON, or invalid.
 */
export async function loadEmulatorConfig(path: string): Promise<EmulatorConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TipError(
      'ERR_EMULATOR_CONFIG',
      `Emulator config: cannot read the file ${path} (${unreadable(err)}).`,
      { cause: err, details: { path: '', reason: 'unreadable', file: path } },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new TipError(
      'ERR_EMULATOR_CONFIG',
      `Emulator config: the file ${path} is not valid JSON (${(err as Error).message}).`,
      {
        cause: err,
        details: { path: '', reason: 'not_json', file: path },
      },
    );
  }
  return validateEmulatorConfig(parsed);
}
