/** Validation of the data-service sections: athena, redshift, s3. */
import { validateApplicationRef, validateSqlEndpoint } from './validate-sql-endpoint.js';
import { clause } from '../../message-text.js';
import type { EmulatorConfig, TableConfig } from './types.js';
import { ACCOUNT_ID, BUCKET, INSTANCE_ARN, ROLE_ARN, S3_SCOPE, S3_TARGET, TABLE_NAME } from './arns.js';
import {
  arr,
  configError,
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
import { DEFAULT_MAX_OBJECT_BYTES } from '../core/limits.js';
import { locationCovers, parseLocationScope, parseS3Target } from '../s3/s3-uri.js';
import { type Directory, optPlainId, principalRef } from './directory-refs.js';

const COLUMN = /^[a-z_][a-z0-9_]{0,127}$/;
const TYPE = /^[a-z][a-z0-9_ (),<>:]{0,127}$/i;
const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALL'];

function tables(path: string, value: unknown): TableConfig[] {
  const list = optArr(path, value, (tp, tv) => {
    const t = obj(tp, tv, ['name', 'columns', 'rows']);
    const columns = arr(
      `${tp}.columns`,
      t.columns,
      (cp, cv) => {
        const c = obj(cp, cv, ['name', 'type']);
        return {
          name: str(`${cp}.name`, c.name, { pattern: COLUMN, hint: 'a lower-case SQL identifier' }),
          type: str(`${cp}.type`, c.type, { pattern: TYPE, hint: 'a SQL type like varchar or integer' }),
        };
      },
      500,
    );
    if (columns.length === 0) configError(`${tp}.columns`, 'must list at least one column.');
    unique(`${tp}.columns`, columns, (c) => c.name, 'column name');
    const rows = optArr(
      `${tp}.rows`,
      t.rows,
      (rp, rv) => {
        if (!Array.isArray(rv) || rv.length !== columns.length)
          configError(rp, `must be an array of ${columns.length} values.`);
        rv.forEach((cell, i) => {
          if (cell !== null && !['string', 'number', 'boolean'].includes(typeof cell)) {
            configError(`${rp}[${i}]`, 'must be a string, number, boolean or null.');
          }
        });
        return [...rv];
      },
      100_000,
    );
    return {
      name: str(`${tp}.name`, t.name, { pattern: TABLE_NAME, hint: 'schema.table in lower case' }),
      columns,
      rows,
    };
  });
  unique(path, list, (t) => t.name, 'table name');
  return list;
}

function tableOf(path: string, name: string, known: readonly TableConfig[]): TableConfig {
  const table = known.find((t) => t.name === name);
  if (!table) configError(path, `names the table ${JSON.stringify(name)}, which is not configured.`);
  return table;
}

/** Validates `athena` (absent = empty). */
export function validateAthena(value: unknown, dir: Directory): EmulatorConfig['athena'] {
  const a =
    optObj('athena', value, ['workGroups', 'tables', 'grants', 'maxPageSize', 'queuedMs', 'runningMs']) ?? {};
  const workGroups = optArr('athena.workGroups', a.workGroups, (wp, wv) => {
    const w = obj(wp, wv, [
      'name',
      'identityCenter',
      'identityCenterInstanceArn',
      'outputLocation',
      'engineVersion',
      'tags',
    ]);
    const identityCenterInstanceArn = optStr(`${wp}.identityCenterInstanceArn`, w.identityCenterInstanceArn, {
      pattern: INSTANCE_ARN,
      hint: 'an IdC instance ARN',
    });
    const outputLocation = optStr(`${wp}.outputLocation`, w.outputLocation, {
      pattern: S3_TARGET,
      hint: 's3://bucket/prefix/',
    });
    const engineVersion = optStr(`${wp}.engineVersion`, w.engineVersion, { max: 128 });
    return {
      name: str(`${wp}.name`, w.name, { pattern: /^[a-zA-Z0-9._-]{1,128}$/, hint: 'letters, digits, . _ -' }),
      identityCenter: optBool(`${wp}.identityCenter`, w.identityCenter, false),
      ...(identityCenterInstanceArn ? { identityCenterInstanceArn } : {}),
      ...(outputLocation ? { outputLocation } : {}),
      ...(engineVersion ? { engineVersion } : {}),
      tags: strMap(`${wp}.tags`, w.tags),
    };
  });
  unique('athena.workGroups', workGroups, (w) => w.name, 'name');
  const athenaTables = tables('athena.tables', a.tables);
  const grants = optArr('athena.grants', a.grants, (gp, gv) => {
    const g = obj(gp, gv, ['principal', 'table', 'columns', 'rowFilter']);
    const table = tableOf(`${gp}.table`, str(`${gp}.table`, g.table), athenaTables);
    const columns = g.columns === undefined ? undefined : strList(`${gp}.columns`, g.columns);
    columns?.forEach((c, i) => {
      if (!table.columns.some((tc) => tc.name === c))
        configError(`${gp}.columns[${i}]`, `is not a column of ${table.name}.`);
    });
    const rowFilter = optStr(`${gp}.rowFilter`, g.rowFilter, { max: 4096 });
    return {
      principal: principalRef(`${gp}.principal`, g.principal, dir, false),
      table: table.name,
      ...(columns ? { columns } : {}),
      ...(rowFilter ? { rowFilter } : {}),
    };
  });
  return {
    workGroups,
    tables: athenaTables,
    grants,
    maxPageSize: optInt('athena.maxPageSize', a.maxPageSize, 1, 1000, 1000),
    queuedMs: optInt('athena.queuedMs', a.queuedMs, 0, 600_000, 0),
    runningMs: optInt('athena.runningMs', a.runningMs, 0, 600_000, 20),
  };
}

/** Validates `redshift` (absent = no targets). */
export function validateRedshift(value: unknown, dir: Directory): EmulatorConfig['redshift'] {
  const r =
    optObj('redshift', value, [
      'targets',
      'allowIdentityEnhanced',
      'authTokenLifetimeSeconds',
      'maxPageSize',
      'submittedMs',
      'pickedMs',
      'runningMs',
    ]) ?? {};
  const targets = optArr('redshift.targets', r.targets, (tp, tv) => {
    const t = obj(tp, tv, [
      'workgroupName',
      'clusterIdentifier',
      'idcNamespace',
      'identityCenterApplicationArn',
      'sqlEndpoint',
      'databases',
    ]);
    const sqlEndpoint = validateSqlEndpoint(`${tp}.sqlEndpoint`, t.sqlEndpoint);
    const applicationArn = validateApplicationRef(
      `${tp}.identityCenterApplicationArn`,
      t.identityCenterApplicationArn,
    );
    const workgroupName = optStr(`${tp}.workgroupName`, t.workgroupName, {
      pattern: /^[a-z0-9-]{3,64}$/,
      hint: '3..64 lower-case letters, digits and -',
    });
    const clusterIdentifier = optStr(`${tp}.clusterIdentifier`, t.clusterIdentifier, {
      pattern: /^[a-z][a-z0-9-]{0,62}$/,
      hint: 'a lower-case cluster identifier',
    });
    if ((workgroupName === undefined) === (clusterIdentifier === undefined)) {
      configError(tp, 'must set exactly one of workgroupName and clusterIdentifier.');
    }
    const idcNamespace = optStr(`${tp}.idcNamespace`, t.idcNamespace, {
      pattern: /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
      hint: 'an identifier like AWSIDC',
    });
    const databases = arr(`${tp}.databases`, t.databases, (dp, dv) => {
      const d = obj(dp, dv, ['name', 'tables', 'grants']);
      const dbTables = tables(`${dp}.tables`, d.tables);
      const grants = optArr(`${dp}.grants`, d.grants, (gp, gv) => {
        const g = obj(gp, gv, ['principal', 'table', 'privileges', 'rowFilter']);
        const table = tableOf(`${gp}.table`, str(`${gp}.table`, g.table), dbTables);
        const privileges =
          g.privileges === undefined ? ['SELECT'] : strList(`${gp}.privileges`, g.privileges);
        privileges.forEach((pv, i) => {
          if (!PRIVILEGES.includes(pv))
            configError(`${gp}.privileges[${i}]`, `must be one of ${PRIVILEGES.join(', ')}.`);
        });
        const rowFilter = optStr(`${gp}.rowFilter`, g.rowFilter, { max: 4096 });
        return {
          principal: principalRef(`${gp}.principal`, g.principal, dir, true),
          table: table.name,
          privileges,
          ...(rowFilter ? { rowFilter } : {}),
        };
      });
      return {
        name: str(`${dp}.name`, d.name, {
          pattern: /^[a-z_][a-z0-9_]{0,63}$/,
          hint: 'a lower-case database name',
        }),
        tables: dbTables,
        grants,
      };
    });
    unique(`${tp}.databases`, databases, (d) => d.name, 'database name');
    return {
      ...(workgroupName ? { workgroupName } : {}),
      ...(clusterIdentifier ? { clusterIdentifier } : {}),
      idcNamespace: idcNamespace ?? 'AWSIDC',
      ...(applicationArn ? { identityCenterApplicationArn: applicationArn } : {}),
      ...(sqlEndpoint ? { sqlEndpoint } : {}),
      databases,
    };
  });
  unique('redshift.targets', targets, (t) => t.workgroupName ?? `cluster:${t.clusterIdentifier}`, 'target');
  return {
    targets,
    allowIdentityEnhanced: optBool('redshift.allowIdentityEnhanced', r.allowIdentityEnhanced, true),
    authTokenLifetimeSeconds: optInt(
      'redshift.authTokenLifetimeSeconds',
      r.authTokenLifetimeSeconds,
      60,
      3600,
      900,
    ),
    maxPageSize: optInt('redshift.maxPageSize', r.maxPageSize, 1, 1000, 1000),
    submittedMs: optInt('redshift.submittedMs', r.submittedMs, 0, 600_000, 0),
    pickedMs: optInt('redshift.pickedMs', r.pickedMs, 0, 600_000, 0),
    runningMs: optInt('redshift.runningMs', r.runningMs, 0, 600_000, 0),
  };
}

/** Validates `s3` (absent = no buckets, no Access Grants). */
export function validateS3(value: unknown, dir: Directory, accountId: string): EmulatorConfig['s3'] {
  const s = optObj('s3', value, ['buckets', 'accessGrants', 'maxObjectBytes']) ?? {};
  // S3 allows 5 GiB in one PUT; the emulator keeps objects in memory, so its default is smaller.
  const maxObjectBytes = optInt(
    's3.maxObjectBytes',
    s.maxObjectBytes,
    1024,
    5 * 1024 ** 3,
    DEFAULT_MAX_OBJECT_BYTES,
  );
  const buckets = optArr('s3.buckets', s.buckets, (bp, bv) => {
    const b = obj(bp, bv, ['name', 'objects']);
    const objects = strMap(`${bp}.objects`, b.objects);
    Object.keys(objects).forEach((key) => {
      if (key.length === 0 || Buffer.byteLength(key) > 1024)
        configError(`${bp}.objects`, 'has a key that is empty or longer than 1024 bytes.');
    });
    return {
      name: str(`${bp}.name`, b.name, {
        pattern: BUCKET,
        hint: 'an S3 bucket name (3..63 lower-case letters, digits, . -)',
      }),
      objects,
    };
  });
  unique('s3.buckets', buckets, (b) => b.name, 'name');
  const ag = optObj('s3.accessGrants', s.accessGrants, ['accountId', 'locations', 'grants']);
  if (!ag) return { buckets, maxObjectBytes };
  const locations = arr('s3.accessGrants.locations', ag.locations, (lp, lv) => {
    const l = obj(lp, lv, ['id', 'scope', 'iamRoleArn']);
    const id = optPlainId(`${lp}.id`, l.id);
    const iamRoleArn = optStr(`${lp}.iamRoleArn`, l.iamRoleArn, { pattern: ROLE_ARN, hint: 'a role ARN' });
    const scope = str(`${lp}.scope`, l.scope, { pattern: S3_SCOPE, hint: 's3:// or s3://bucket/prefix/' });
    // The S3 module's own parser decides: a scope it cannot read would silently register nothing.
    if (!parseLocationScope(scope)) {
      configError(`${lp}.scope`, 'must not contain `*` before its end or `.` / `..` path segments.');
    }
    return {
      ...(id ? { id } : {}),
      scope,
      ...(iamRoleArn ? { iamRoleArn } : {}),
    };
  });
  unique('s3.accessGrants.locations', locations, (l) => l.scope, 'scope');
  const scopes = locations.flatMap((l) => parseLocationScope(l.scope) ?? []);
  const grants = optArr('s3.accessGrants.grants', ag.grants, (gp, gv) => {
    const g = obj(gp, gv, ['grantee', 'target', 'permission']);
    const target = str(`${gp}.target`, g.target, {
      pattern: S3_TARGET,
      hint: 's3://bucket/prefix/* or s3://bucket/key',
    });
    // The same parser and coverage rule the S3 module grants by, so every accepted grant takes effect.
    const parsed = parseS3Target(target);
    if (!parsed.ok) configError(`${gp}.target`, `is not a grant target: ${clause(parsed.problem)}.`);
    if (!scopes.some((scope) => locationCovers(scope, parsed.target))) {
      configError(`${gp}.target`, 'is not under any s3.accessGrants.locations scope.');
    }
    const permission = g.permission as 'READ' | 'WRITE' | 'READWRITE';
    if (!['READ', 'WRITE', 'READWRITE'].includes(permission)) {
      configError(`${gp}.permission`, 'must be READ, WRITE or READWRITE.');
    }
    return { grantee: principalRef(`${gp}.grantee`, g.grantee, dir, false, true), target, permission };
  });
  return {
    buckets,
    maxObjectBytes,
    accessGrants: {
      accountId:
        optStr('s3.accessGrants.accountId', ag.accountId, { pattern: ACCOUNT_ID, hint: '12 digits' }) ??
        accountId,
      locations,
      grants,
    },
  };
}
