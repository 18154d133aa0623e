/**
 * Loading the optional peer dependencies: the AWS service clients, msw, OpenTelemetry and the emulator's
 * oidc-provider and PGlite. Each is needed only by the feature that uses it, so none is imported at the
 * top of a module: a missing one becomes a {@link TipError} `ERR_MISSING_DEPENDENCY` that names the
 * package and the `npm install` line, when the feature is first used, instead of the module loader's bare
 * `Cannot find package` while the whole subpath loads.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { TipError } from './errors.js';

/** What needs each optional peer dependency, and the range of `peerDependencies` in package.json. */
export const OPTIONAL_PEERS = {
  '@aws-sdk/client-athena': {
    range: '^3.1000.0',
    neededFor: 'Athena queries (`user.athena`, `tip-sdk/athena`)',
  },
  '@aws-sdk/client-iam': {
    range: '^3.1000.0',
    neededFor: "`tip-sdk doctor`'s check of the access role's trust policy",
  },
  '@aws-sdk/client-identitystore': {
    range: '^3.1000.0',
    neededFor: "`tip-sdk doctor`'s identity store lookup and group assignment check",
  },
  '@aws-sdk/client-redshift': {
    range: '^3.1000.0',
    neededFor: 'Redshift driver tokens for provisioned clusters (`driverToken({ clusterIdentifier })`)',
  },
  '@aws-sdk/client-redshift-data': {
    range: '^3.1000.0',
    neededFor: 'Redshift Data API statements (`user.redshift`, `tip-sdk/redshift`)',
  },
  '@aws-sdk/client-redshift-serverless': {
    range: '^3.1000.0',
    neededFor: 'Redshift driver tokens for serverless workgroups (`driverToken({ workgroupName })`)',
  },
  '@aws-sdk/client-s3': {
    range: '^3.1000.0',
    neededFor: 'S3 calls through S3 Access Grants (`user.s3`, `tip-sdk/s3`)',
  },
  '@aws-sdk/client-s3-control': {
    range: '^3.1000.0',
    neededFor: 'S3 Access Grants `GetDataAccess` (`user.s3`, `tip-sdk/s3`)',
  },
  '@aws-sdk/client-sso-admin': {
    range: '^3.1000.0',
    neededFor: "`tip-sdk doctor`'s checks of the trusted token issuer, application grant and assignment",
  },
  '@electric-sql/pglite': {
    range: '^0.5.0',
    neededFor: "the emulator's Athena and Redshift SQL engine",
    dev: true,
  },
  '@napi-rs/keyring': {
    range: '^2.1.0',
    neededFor: "the connector token cache's key in the OS keychain (else a 0600 key file)",
  },
  '@opentelemetry/api': { range: '^1.9.0', neededFor: 'OpenTelemetry spans and metrics' },
  express: { range: '^4.21.0 || ^5.0.0', neededFor: 'the Express middleware (`tip-sdk/express`)' },
  fastify: { range: '^5.0.0', neededFor: 'the Fastify plugin (`tip-sdk/fastify`)' },
  // tip-sdk never loads ioredis or redis: it uses the client the user passes in.
  ioredis: {
    range: '^5.0.0 || ^6.0.0',
    neededFor: 'the Redis or Valkey client you pass to `redisCacheStore()` (`tip-sdk/redis`), or `redis`',
  },
  msw: { range: '^2.0.0', neededFor: 'the emulator as msw handlers (`tip-sdk/testing`)', dev: true },
  pg: {
    range: '^8.11.0',
    neededFor: 'Redshift SQL connections as the user (`user.redshift.connect()`, `pool()`)',
  },
  'oidc-provider': {
    range: '^9.0.0',
    neededFor: "the emulator's embedded OpenID Connect provider",
    dev: true,
  },
  redis: {
    range: '^4.6.0 || ^5.0.0 || ^6.0.0',
    neededFor: 'the Redis or Valkey client you pass to `redisCacheStore()` (`tip-sdk/redis`), or `ioredis`',
  },
} as const satisfies Record<string, { range: string; neededFor: string; dev?: boolean }>;

/** The name of an optional peer dependency. */
export type OptionalPeer = keyof typeof OPTIONAL_PEERS;

/**
 * The `npm install` command for a peer, pinned to the major version tip-sdk supports (`@3`, or `@0.5`
 * below 1.0) so that npm does not pick a newer, incompatible major.
 */
export function installCommand(name: OptionalPeer): string {
  const peer: { range: string; dev?: boolean } = OPTIONAL_PEERS[name];
  const last = peer.range.split('||').pop()!.trim();
  const [major, minor] = last.replace(/^[\^~]/, '').split('.');
  const version = major === '0' ? `${major}.${minor}` : major;
  return `npm install ${peer.dev === true ? '--save-dev ' : ''}${name}@${version}`;
}

/** True when `error` is the module loader saying that the package `name` itself is not installed. */
export function isPackageMissing(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  const named = (quoted: string) => message.includes(`'${quoted}'`) || message.includes(`'${quoted}/`);
  // ESM: "Cannot find package 'x' imported from …"; CommonJS: "Cannot find module 'x'\nRequire stack: …".
  if (code === 'ERR_MODULE_NOT_FOUND') return message.startsWith('Cannot find package') && named(name);
  if (code === 'MODULE_NOT_FOUND') return message.startsWith('Cannot find module') && named(name);
  return false;
}

/**
 * The error for a peer that could not be loaded: `ERR_MISSING_DEPENDENCY`, with `details.reason`
 * `missing` when the package is not installed, or `load_failed` when it is but does not load (a broken or
 * incompatible install). The loader's error stays as `cause`.
 */
export function missingPeerError(name: OptionalPeer, cause: unknown): TipError {
  const install = installCommand(name);
  const { neededFor } = OPTIONAL_PEERS[name];
  if (isPackageMissing(cause, name)) {
    return new TipError(
      'ERR_MISSING_DEPENDENCY',
      `The optional package ${name} is not installed; it is needed for ${neededFor}. Install it: ${install}`,
      { cause, details: { package: name, reason: 'missing', install } },
    );
  }
  const why = firstLine(cause);
  return new TipError(
    'ERR_MISSING_DEPENDENCY',
    `The optional package ${name}, needed for ${neededFor}, is installed but does not load${why ? ` (${why})` : ''}. Reinstall it: ${install}`,
    { cause, details: { package: name, reason: 'load_failed', install } },
  );
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return message
    .split('\n')[0]!
    .replace(/[.\s]+$/, '')
    .slice(0, 300);
}

let nodeRequire: NodeJS.Require | undefined;
const loaded = new Map<string, unknown>();

/**
 * Loads an optional peer synchronously, once per process. For the AWS SDK v3 clients: each ships a single
 * CommonJS build that `import` and `require` both load, so this is the very module an application's own
 * `import` gets.
 *
 * @typeParam M - The module's type, e.g. `typeof import('@aws-sdk/client-athena')`.
 * @throws TipError `ERR_MISSING_DEPENDENCY` when the package is not installed or does not load.
 */
export function requireOptionalPeer<M>(name: OptionalPeer): M {
  const cached = loaded.get(name);
  if (cached !== undefined) return cached as M;
  let mod: unknown;
  try {
    nodeRequire ??= createRequire(import.meta.url);
    mod = nodeRequire(name);
  } catch (error) {
    throw missingPeerError(name, error);
  }
  loaded.set(name, mod);
  return mod as M;
}

/**
 * Runs `load` — a dynamic `import()` of the peer, or of a tip-sdk module that imports it — and turns the
 * loader's failure into `ERR_MISSING_DEPENDENCY`. For peers whose ESM and CommonJS builds differ (msw,
 * oidc-provider, PGlite): `import()` in each build of tip-sdk loads the copy an application of that
 * format loads. Other failures of `load` pass through unchanged.
 *
 * @example
 * ```ts
 * const { PGlite } = await loadOptionalPeer('@electric-sql/pglite', () => import('@electric-sql/pglite'));
 * ```
 * @throws TipError `ERR_MISSING_DEPENDENCY` when the package is not installed.
 */
export async function loadOptionalPeer<T>(name: OptionalPeer, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isPackageMissing(error, name)) throw missingPeerError(name, error);
    throw error;
  }
}
