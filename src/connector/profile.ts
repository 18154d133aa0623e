/**
 * Connector profiles: the settings of one sign-in (which IdP or IAM Identity Center, which application and
 * role), validated strictly — unknown keys refused, ARNs and URLs checked, `http` only for loopback. One
 * table of settings drives validation, the `tip-sdk` flags and their help, so every setting is also a flag.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { TipError } from '../errors.js';
import { clause } from '../message-text.js';
import { isLoopbackHttp } from './loopback-url.js';

/** How the user signs in. */
export type SignInFlow = 'oidc' | 'idc';

/** A connector profile as written in the profile file or passed to `createConnector`. */
export interface ConnectorProfile {
  /** `oidc`: the external IdP, then `CreateTokenWithIAM`; `idc`: IAM Identity Center's own sign-in. Default `oidc`. */
  readonly signIn?: SignInFlow;
  /** AWS region of IAM Identity Center and STS, e.g. `us-east-1`. Required. */
  readonly region: string;
  /** A custom AWS endpoint for every call (e.g. the emulator, `http://127.0.0.1:4566`). Default: AWS's. */
  readonly endpoint?: string;
  /** `oidc`: the IdP's issuer URL (discovery base). `http` only on loopback. */
  readonly issuer?: string;
  /** `oidc`: the public OAuth client id registered at the IdP (PKCE, loopback redirect). */
  readonly clientId?: string;
  /** `oidc`: scopes to request. Default `['openid', 'email', 'profile', 'offline_access']`. */
  readonly scopes?: readonly string[];
  /** `oidc`: extra authorization-request parameters, e.g. `{ "resource": "…" }`. Default none. */
  readonly authorizationParams?: Readonly<Record<string, string>>;
  /** `oidc`: which IdP token is exchanged with IAM Identity Center. Default `id_token`. */
  readonly tokenType?: 'id_token' | 'access_token';
  /** `oidc`: the `aud` the exchanged token must carry. Default: `clientId` for `id_token`; required for `access_token`. */
  readonly audience?: string;
  /** The IdC customer-managed application ARN (`CreateTokenWithIAM` client). Required for credentials. */
  readonly applicationArn?: string;
  /** The identity-bearer role assumed with the identity context. Required for credentials. */
  readonly accessRoleArn?: string;
  /**
   * A role assumed with the user's JWT (`AssumeRoleWithWebIdentity`) whose credentials sign
   * `CreateTokenWithIAM` and `AssumeRole`, so no AWS credentials are needed on the desktop. Default: the
   * AWS SDK's default credential chain.
   */
  readonly webIdentityRoleArn?: string;
  /** Scopes requested from IAM Identity Center in the exchange. Default: every scope of the application. */
  readonly exchangeScopes?: readonly string[];
  /** Role session duration, 900–3600 seconds. Default 3600. */
  readonly durationSeconds?: number;
  /** `idc`: the IAM Identity Center issuer URL (`https://identitycenter.amazonaws.com/ssoins-…`) for RegisterClient. */
  readonly idcIssuerUrl?: string;
  /** `idc`: scopes of the IdC sign-in. Default `['redshift:connect']`. */
  readonly idcScopes?: readonly string[];
  /** `idc`: the client name registered with RegisterClient. Default `tip-sdk`. */
  readonly clientName?: string;
  /** Loopback redirect port; 0 = ephemeral. Default 7890 (the drivers' default). */
  readonly port?: number;
  /** How long the browser sign-in may take, seconds. Default 120. */
  readonly timeoutSeconds?: number;
  /** Cached credentials and tokens are renewed this long before they expire, seconds. Default 900. */
  readonly refreshBeforeSeconds?: number;
  /** Default Redshift Serverless workgroup for `tip-sdk token --for redshift`. */
  readonly workgroupName?: string;
  /** Default provisioned Redshift cluster for `tip-sdk token --for redshift`. */
  readonly clusterIdentifier?: string;
  /** Athena workgroup `tip-sdk doctor` checks (exists, enabled, IAM Identity Center enabled). */
  readonly athenaWorkGroup?: string;
  /** S3 location `s3://bucket/prefix` `tip-sdk doctor` checks the user has an S3 Access Grant for. */
  readonly s3Location?: string;
}

/** A validated profile with every default applied. */
export interface ResolvedProfile {
  /** The profile name. */
  readonly name: string;
  /** The sign-in flow. */
  readonly signIn: SignInFlow;
  /** The AWS region. */
  readonly region: string;
  /** The custom AWS endpoint, if any. */
  readonly endpoint: string | undefined;
  /** The IdP issuer (`oidc`). */
  readonly issuer: string | undefined;
  /** The OAuth client id (`oidc`). */
  readonly clientId: string | undefined;
  /** Scopes requested from the IdP. */
  readonly scopes: readonly string[];
  /** Extra authorization parameters. */
  readonly authorizationParams: Readonly<Record<string, string>>;
  /** The IdP token exchanged. */
  readonly tokenType: 'id_token' | 'access_token';
  /** The `aud` of the exchanged token. */
  readonly audience: string | undefined;
  /** The IdC application ARN, if any. */
  readonly applicationArn: string | undefined;
  /** The identity-bearer role ARN, if any. */
  readonly accessRoleArn: string | undefined;
  /** The web identity role ARN, if any. */
  readonly webIdentityRoleArn: string | undefined;
  /** Scopes of the exchange, if restricted. */
  readonly exchangeScopes: readonly string[] | undefined;
  /** Role session duration, seconds. */
  readonly durationSeconds: number;
  /** The IdC issuer URL (`idc`). */
  readonly idcIssuerUrl: string | undefined;
  /** Scopes of the IdC sign-in. */
  readonly idcScopes: readonly string[];
  /** The RegisterClient name. */
  readonly clientName: string;
  /** The loopback port (0 = ephemeral). */
  readonly port: number;
  /** The sign-in timeout, seconds. */
  readonly timeoutSeconds: number;
  /** Renewal margin before expiry, seconds. */
  readonly refreshBeforeSeconds: number;
  /** The default Redshift Serverless workgroup, if any. */
  readonly workgroupName: string | undefined;
  /** The default Redshift cluster, if any. */
  readonly clusterIdentifier: string | undefined;
  /** Athena workgroup checked by `doctor`, if any. */
  readonly athenaWorkGroup: string | undefined;
  /** S3 location `s3://bucket/prefix` checked by `doctor`, if any. */
  readonly s3Location: string | undefined;
}

/** The type of a setting, for validation and flag parsing. */
/** The type of a setting value. */
export type SettingKind =
  | 'string'
  | 'url'
  | 'list'
  | 'map'
  | 'int'
  | 'region'
  | 'app-arn'
  | 'role-arn'
  | 'name'
  | 'athena-name'
  | 's3-uri'
  | 'enum';

/** One setting: key, flag, kind, help line. */
export interface SettingSpec {
  /** The profile key. */
  readonly key: keyof ConnectorProfile;
  /** The flag, without `--`. */
  readonly flag: string;
  /** The value's type. */
  readonly kind: SettingKind;
  /** Allowed values of an enum. */
  readonly values?: readonly string[];
  /** Bounds of an int. */
  readonly min?: number;
  /** Upper bound of an int. */
  readonly max?: number;
  /** One help line. */
  readonly help: string;
}

/** Every profile setting. */
export const PROFILE_SETTINGS: readonly SettingSpec[] = Object.freeze([
  {
    key: 'signIn',
    flag: 'sign-in',
    kind: 'enum',
    values: ['oidc', 'idc'],
    help: 'oidc (external IdP, default) or idc (IAM Identity Center sign-in)',
  },
  { key: 'region', flag: 'region', kind: 'region', help: 'AWS region of IAM Identity Center and STS' },
  { key: 'endpoint', flag: 'endpoint', kind: 'url', help: 'custom AWS endpoint (e.g. the emulator)' },
  { key: 'issuer', flag: 'issuer', kind: 'url', help: 'oidc: IdP issuer URL' },
  { key: 'clientId', flag: 'client-id', kind: 'string', help: 'oidc: public OAuth client id at the IdP' },
  {
    key: 'scopes',
    flag: 'scope',
    kind: 'list',
    help: 'oidc: a scope to request (repeat; default openid email profile offline_access)',
  },
  {
    key: 'authorizationParams',
    flag: 'authorization-param',
    kind: 'map',
    help: 'oidc: extra authorization parameter NAME=VALUE (repeat)',
  },
  {
    key: 'tokenType',
    flag: 'token-type',
    kind: 'enum',
    values: ['id_token', 'access_token'],
    help: 'oidc: IdP token exchanged with IdC (default id_token)',
  },
  {
    key: 'audience',
    flag: 'audience',
    kind: 'string',
    help: 'oidc: aud the exchanged token carries (default: the client id)',
  },
  {
    key: 'applicationArn',
    flag: 'application-arn',
    kind: 'app-arn',
    help: 'IdC customer-managed application ARN',
  },
  {
    key: 'accessRoleArn',
    flag: 'access-role-arn',
    kind: 'role-arn',
    help: 'identity-bearer role assumed with the identity context',
  },
  {
    key: 'webIdentityRoleArn',
    flag: 'web-identity-role-arn',
    kind: 'role-arn',
    help: 'role assumed with the JWT to sign the exchange (default: AWS credential chain)',
  },
  {
    key: 'exchangeScopes',
    flag: 'exchange-scope',
    kind: 'list',
    help: 'scope requested from IdC in the exchange (repeat; default all)',
  },
  {
    key: 'durationSeconds',
    flag: 'duration-seconds',
    kind: 'int',
    min: 900,
    max: 3600,
    help: 'role session duration, 900-3600 s (default 3600)',
  },
  { key: 'idcIssuerUrl', flag: 'idc-issuer-url', kind: 'url', help: 'idc: IAM Identity Center issuer URL' },
  {
    key: 'idcScopes',
    flag: 'idc-scope',
    kind: 'list',
    help: 'idc: scope of the IdC sign-in (repeat; default redshift:connect)',
  },
  {
    key: 'clientName',
    flag: 'client-name',
    kind: 'string',
    help: 'idc: client name for RegisterClient (default tip-sdk)',
  },
  {
    key: 'port',
    flag: 'port',
    kind: 'int',
    min: 0,
    max: 65_535,
    help: 'loopback redirect port, 0 = ephemeral (default 7890)',
  },
  {
    key: 'timeoutSeconds',
    flag: 'timeout',
    kind: 'int',
    min: 5,
    max: 3600,
    help: 'browser sign-in timeout, seconds (default 120)',
  },
  {
    key: 'refreshBeforeSeconds',
    flag: 'refresh-before',
    kind: 'int',
    min: 0,
    max: 3599,
    help: 'renew credentials this many seconds before expiry (default 900)',
  },
  {
    key: 'workgroupName',
    flag: 'workgroup',
    kind: 'name',
    help: 'Redshift Serverless workgroup for driver tokens',
  },
  { key: 'clusterIdentifier', flag: 'cluster', kind: 'name', help: 'Redshift cluster for driver tokens' },
  {
    key: 'athenaWorkGroup',
    flag: 'athena-workgroup',
    kind: 'athena-name',
    help: 'doctor: Athena workgroup to check',
  },
  {
    key: 's3Location',
    flag: 's3-location',
    kind: 's3-uri',
    help: 'doctor: s3://bucket/prefix to check an S3 Access Grant for',
  },
] satisfies SettingSpec[]);

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const APPLICATION_ARN =
  /^arn:aws[a-z-]*:sso::\d{12}:application\/(sso)?ins-[A-Za-z0-9.-]{16}\/apl-[A-Za-z0-9]{16}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const NAME = /^[a-z0-9-]{1,64}$/;
/** Athena workgroup names: 1-128 letters, digits, `.`, `_` and `-`. */
const ATHENA_NAME = /^[a-zA-Z0-9._-]{1,128}$/;
/** `s3://bucket` or `s3://bucket/prefix` (printable characters, no `..` segment). */
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[\p{L}\p{N}\p{P}\p{S} ]{0,1024})?$/u;

function invalid(path: string, problem: string): TipError {
  return new TipError('ERR_PROFILE_INVALID', `Profile setting \`${path}\` ${clause(problem)}.`, {
    details: { path },
  });
}

function checkValue(spec: SettingSpec, value: unknown, path: string): unknown {
  const text = (v: unknown, p: string): string => {
    if (typeof v !== 'string' || v.length === 0 || v.length > 2048)
      throw invalid(p, 'must be a non-empty string');
    return v;
  };
  switch (spec.kind) {
    case 'string':
      return text(value, path);
    case 'url': {
      const v = text(value, path);
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        throw invalid(path, 'must be an absolute URL');
      }
      if (url.protocol !== 'https:' && !isLoopbackHttp(v))
        throw invalid(path, 'must be https (http only for a loopback host)');
      if (url.search || url.hash || url.username || url.password)
        throw invalid(path, 'must have no query, fragment or credentials');
      return v.replace(/\/+$/, '');
    }
    case 'region': {
      const v = text(value, path);
      if (!REGION.test(v)) throw invalid(path, 'must be an AWS region such as `us-east-1`');
      return v;
    }
    case 'app-arn': {
      const v = text(value, path);
      if (!APPLICATION_ARN.test(v))
        throw invalid(
          path,
          'must be an IdC application ARN `arn:aws:sso::<account>:application/ssoins-<16>/apl-<16>`',
        );
      return v;
    }
    case 'role-arn': {
      const v = text(value, path);
      if (!ROLE_ARN.test(v))
        throw invalid(path, 'must be an IAM role ARN `arn:aws:iam::<account>:role/<name>`');
      return v;
    }
    case 'name': {
      const v = text(value, path);
      if (!NAME.test(v)) throw invalid(path, 'must be 1-64 lower-case letters, digits and hyphens');
      return v;
    }
    case 'athena-name': {
      const v = text(value, path);
      if (!ATHENA_NAME.test(v)) throw invalid(path, 'must be 1-128 letters, digits, `.`, `_` and `-`');
      return v;
    }
    case 's3-uri': {
      const v = text(value, path);
      if (!S3_URI.test(v) || v.split('/').includes('..'))
        throw invalid(path, 'must be an S3 URI `s3://bucket/prefix`');
      return v;
    }
    case 'enum': {
      if (typeof value !== 'string' || !spec.values?.includes(value))
        throw invalid(path, `must be one of ${spec.values?.join(', ')}`);
      return value;
    }
    case 'int': {
      const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;
      if (
        typeof n !== 'number' ||
        !Number.isInteger(n) ||
        n < (spec.min ?? 0) ||
        n > (spec.max ?? Number.MAX_SAFE_INTEGER)
      ) {
        throw invalid(path, `must be an integer from ${spec.min} to ${spec.max}`);
      }
      return n;
    }
    case 'list': {
      if (!Array.isArray(value) || value.length === 0 || value.length > 50)
        throw invalid(path, 'must be a non-empty list of strings');
      return Object.freeze(
        value.map((v, i) => {
          const s = text(v, `${path}[${i}]`);
          if (/\s/.test(s)) throw invalid(`${path}[${i}]`, 'must not contain spaces');
          return s;
        }),
      );
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw invalid(path, 'must be an object of strings');
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > 20) throw invalid(path, 'has too many entries');
      const reserved = [
        'redirect_uri',
        'response_type',
        'state',
        'nonce',
        'code_challenge',
        'code_challenge_method',
        'client_id',
        'scope',
      ];
      for (const [k, v] of entries) {
        if (!/^[A-Za-z0-9_.-]{1,64}$/.test(k)) throw invalid(`${path}.${k}`, 'is not a valid parameter name');
        if (reserved.includes(k)) throw invalid(`${path}.${k}`, 'is set by tip-sdk itself');
        text(v, `${path}.${k}`);
      }
      return Object.freeze(Object.fromEntries(entries));
    }
  }
}

const KEYS = new Set<string>(PROFILE_SETTINGS.map((s) => s.key));

/**
 * Validates `input` as the profile `name` and applies the defaults.
 *
 * @throws TipError `ERR_PROFILE_INVALID` naming the first bad setting (`details.path`).
 */
export function resolveProfile(name: string, input: unknown): ResolvedProfile {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid(name, 'must be an object');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) throw invalid(key, `is not a profile setting (known: ${[...KEYS].join(', ')})`);
  }
  const v: Record<string, unknown> = {};
  for (const spec of PROFILE_SETTINGS) {
    if (raw[spec.key] !== undefined) v[spec.key] = checkValue(spec, raw[spec.key], spec.key);
  }
  if (v.region === undefined) throw invalid('region', 'is required');
  const signIn = (v.signIn as SignInFlow | undefined) ?? 'oidc';
  const tokenType = (v.tokenType as ResolvedProfile['tokenType'] | undefined) ?? 'id_token';
  if (signIn === 'oidc') {
    if (v.issuer === undefined) throw invalid('issuer', 'is required for the oidc sign-in');
    if (v.clientId === undefined) throw invalid('clientId', 'is required for the oidc sign-in');
    if (tokenType === 'access_token' && v.audience === undefined) {
      throw invalid(
        'audience',
        'is required with tokenType access_token (the `aud` IdC is configured to accept)',
      );
    }
  } else if (v.idcIssuerUrl === undefined) {
    throw invalid('idcIssuerUrl', 'is required for the idc sign-in');
  }
  if (v.workgroupName !== undefined && v.clusterIdentifier !== undefined) {
    throw invalid('clusterIdentifier', 'cannot be combined with workgroupName');
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
    throw invalid('profile', 'name must be 1-64 letters, digits, `_`, `.` or `-`');
  return Object.freeze({
    name,
    signIn,
    region: v.region as string,
    endpoint: v.endpoint as string | undefined,
    issuer: v.issuer as string | undefined,
    clientId: v.clientId as string | undefined,
    scopes:
      (v.scopes as readonly string[] | undefined) ??
      Object.freeze(['openid', 'email', 'profile', 'offline_access']),
    authorizationParams: (v.authorizationParams as Record<string, string> | undefined) ?? Object.freeze({}),
    tokenType,
    audience:
      (v.audience as string | undefined) ??
      (tokenType === 'id_token' ? (v.clientId as string | undefined) : undefined),
    applicationArn: v.applicationArn as string | undefined,
    accessRoleArn: v.accessRoleArn as string | undefined,
    webIdentityRoleArn: v.webIdentityRoleArn as string | undefined,
    exchangeScopes: v.exchangeScopes as readonly string[] | undefined,
    durationSeconds: (v.durationSeconds as number | undefined) ?? 3600,
    idcIssuerUrl: v.idcIssuerUrl as string | undefined,
    idcScopes: (v.idcScopes as readonly string[] | undefined) ?? Object.freeze(['redshift:connect']),
    clientName: (v.clientName as string | undefined) ?? 'tip-sdk',
    port: (v.port as number | undefined) ?? 7890,
    timeoutSeconds: (v.timeoutSeconds as number | undefined) ?? 120,
    refreshBeforeSeconds: (v.refreshBeforeSeconds as number | undefined) ?? 900,
    workgroupName: v.workgroupName as string | undefined,
    clusterIdentifier: v.clusterIdentifier as string | undefined,
    athenaWorkGroup: v.athenaWorkGroup as string | undefined,
    s3Location: v.s3Location as string | undefined,
  });
}

/**
 * A digest of the settings that decide what a cache record holds (flow, IdP, client, application, roles,
 * scopes, endpoint): a record written under other settings is not used.
 */
export function profileDigest(profile: ResolvedProfile): string {
  const {
    name: _n,
    port: _p,
    timeoutSeconds: _t,
    refreshBeforeSeconds: _r,
    workgroupName: _w,
    clusterIdentifier: _c,
    athenaWorkGroup: _a,
    s3Location: _s,
    clientName: _cn,
    ...rest
  } = profile;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url');
}
