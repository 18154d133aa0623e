/**
 * The emulator's parts without a front: validated config, embedded IdP, runtime, service modules,
 * counters, audit log, faults and clock. `startEmulator` puts a `node:http` listener in front of them;
 * `tip-sdk/testing` puts a Fetch front (for msw) in front of them.
 */
import { createIamService } from './iam/service.js';
import { deepFreeze } from './config/check.js';
import type { EmulatorConfig, EmulatorConfigInput } from './config/types.js';
import { loadEmulatorConfig, validateEmulatorConfig } from './config/validate.js';
import { type AuditLogWriter, createAuditLog } from './core/audit-log.js';
import { type EmulatorClock, createClock } from './core/clock.js';
import { type CountersWriter, createCounters } from './core/counters.js';
import { type FaultsController, createFaults } from './core/faults.js';
import type { FrontInit } from './core/front.js';
import { type EmulatorRuntimeInternal, createRuntime } from './core/runtime.js';
import type { ServiceFactory, ServiceModule, ServiceName } from './core/types.js';
import { type WorkTracker, createWorkTracker } from './core/work.js';
import { createAthenaService } from './athena/service.js';
import { createSsoOidcService } from './identity-center/service.js';
import { type EmbeddedIdp, startIdp } from './idp/index.js';
import { createRedshiftServerlessService, createRedshiftService } from './redshift/auth-token-service.js';
import { createRedshiftDataService } from './redshift/data-service.js';
import { createS3ControlService } from './s3/control-service.js';
import { createS3Service } from './s3/object-service.js';
import { createIdentityStoreService } from './sso-admin/identity-store.js';
import { createSsoAdminService } from './sso-admin/service.js';
import { createStsService } from './sts/service.js';
import { optionError } from '../errors.js';
import { optionKeys, rejectUnknownOptions } from '../option-keys.js';

/** The service modules the emulator serves by default. */
export const DEFAULT_SERVICES: Readonly<Partial<Record<ServiceName, ServiceFactory>>> = {
  sts: (runtime) => createStsService(runtime),
  'sso-oauth': createSsoOidcService,
  athena: createAthenaService,
  'redshift-data': createRedshiftDataService,
  redshift: createRedshiftService,
  'redshift-serverless': createRedshiftServerlessService,
  's3-control': createS3ControlService,
  s3: createS3Service,
  // Read-only, for setup checks (GetRole; the trusted token issuer, grants, assignments, identity store).
  iam: createIamService,
  sso: createSsoAdminService,
  identitystore: createIdentityStoreService,
};

/** Options of the emulator assembly (`assembleEmulatorParts`), shared by `startEmulator` and `createEmulatorHandlers`. */
export interface AssembleOptions {
  /** `false` does not start the embedded IdP even when the config enables it. */
  readonly idp?: false;
  /** Silences the IdP's development-keys warning (tests). Default false. */
  readonly quiet?: boolean;
  /** Fetch used to reach token issuers (discovery, JWKS). Default: global `fetch`. */
  readonly fetch?: typeof fetch;
  /**
   * Replaces or disables service modules by name (`false` = not served: its calls answer the service's
   * unknown-operation error). Default {@link DEFAULT_SERVICES}. Disabling the SQL services (`athena`,
   * `redshift-data`) saves their PGlite boot.
   */
  readonly services?: Partial<Record<ServiceName, ServiceFactory | false>>;
  /**
   * Authorization decisions the audit log keeps, the oldest forgotten first (each request records one or
   * a few). Default 10 000; recording stays O(1) whatever the limit.
   */
  readonly maxAuditEntries?: number;
  /**
   * Role sessions the emulator remembers: the credentials `AssumeRole`, `AssumeRoleWithWebIdentity` and S3
   * `GetDataAccess` issued, each until an hour after it expired (so it is refused as expired rather than
   * unknown). Past the limit the oldest is forgotten first, and a request signed with its key is refused
   * as unknown (`InvalidClientTokenId`). Default 200 000 (about 0.8 KB each); issuing stays O(1) amortized
   * whatever the limit.
   */
  readonly maxSessions?: number;
  /** Called when a handler throws something other than an AWS error (answered as a 500). */
  readonly onInternalError?: (error: unknown, service: ServiceName, operation: string) => void;
}

const ASSEMBLE_KEYS = optionKeys<AssembleOptions>({
  maxAuditEntries: true,
  maxSessions: true,
  idp: true,
  quiet: true,
  fetch: true,
  services: true,
  onInternalError: true,
});

/**
 * Refuses unknown keys of `options` (those of {@link AssembleOptions} and `extra`), and unknown service
 * names in `options.services`, with a `TypeError` (`ERR_INVALID_OPTION`) suggesting the nearest.
 *
 * @param owner - The function the options were given to, for the message.
 */
export function rejectUnknownEmulatorOptions(
  options: unknown,
  owner: string,
  extra: readonly string[] = [],
): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw optionError('(options)', 'must be an object');
  rejectUnknownOptions(options, { owner, keys: new Set([...ASSEMBLE_KEYS, ...extra]) });
  const services = (options as AssembleOptions).services;
  if (services !== undefined) {
    if (typeof services !== 'object' || services === null) throw optionError('services', 'must be an object');
    rejectUnknownOptions(services, { owner, keys: new Set(Object.keys(DEFAULT_SERVICES)) }, 'services');
  }
}

/** The assembled parts; `front` is what either front (`node:http` or Fetch) is built from. */
export interface EmulatorParts {
  /** The resolved configuration (TTIs with `issuerUrl: "idp"` resolved to the IdP's issuer). */
  readonly config: EmulatorConfig;
  readonly idp: EmbeddedIdp | undefined;
  readonly runtime: EmulatorRuntimeInternal;
  readonly counters: CountersWriter;
  readonly audit: AuditLogWriter;
  readonly faults: FaultsController;
  readonly clock: EmulatorClock;
  readonly front: FrontInit;
  /** The requests being served; cancelled (and waited for) by {@link EmulatorParts.close}. */
  readonly work: WorkTracker;
  /**
   * Cancels the requests being served and waits until they have settled, then stops the IdP and closes
   * every service module. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Replaces `issuerUrl: "idp"` by the embedded IdP's issuer. Without a running IdP the value stays "idp",
 * which names no issuer: those TTIs (and `Federated: "idp"` trust statements) accept no token.
 */
function resolveIdpIssuers(config: EmulatorConfig, issuer: string | undefined): EmulatorConfig {
  const ic = config.identityCenter;
  if (issuer === undefined || !ic.trustedTokenIssuers.some((t) => t.issuerUrl === 'idp')) return config;
  return deepFreeze({
    ...config,
    identityCenter: {
      ...ic,
      trustedTokenIssuers: ic.trustedTokenIssuers.map((t) =>
        t.issuerUrl === 'idp' ? { ...t, issuerUrl: issuer } : t,
      ),
    },
  });
}

function startConfiguredIdp(
  config: EmulatorConfig,
  options: AssembleOptions,
): Promise<EmbeddedIdp> | undefined {
  const settings = options.idp === false ? false : config.idp;
  if (!settings) return undefined;
  return startIdp({
    users: config.identityCenter.users.map((u) => ({
      userName: u.userName,
      email: u.email,
      displayName: u.displayName,
      groups: [...u.groups],
    })),
    port: settings.port,
    audience: settings.audience,
    accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
    clients: settings.clients.map((c) => ({
      ...c,
      ...(c.redirectUris ? { redirectUris: [...c.redirectUris] } : {}),
    })),
    ...(options.quiet ? { quiet: true } : {}),
  });
}

/**
 * Validates the configuration, starts the embedded IdP, builds the runtime and every service module.
 * On failure everything already started is stopped before the error is rethrown.
 *
 * @param configOrPath - An {@link EmulatorConfigInput} object, a validated {@link EmulatorConfig}, or a JSON file path.
 * @throws TipError `ERR_EMULATOR_CONFIG` for an invalid configuration.
 */
export async function assembleEmulatorParts(
  configOrPath: EmulatorConfigInput | EmulatorConfig | string,
  options: AssembleOptions = {},
): Promise<EmulatorParts> {
  const validated =
    typeof configOrPath === 'string'
      ? await loadEmulatorConfig(configOrPath)
      : validateEmulatorConfig(configOrPath);
  const modules = new Map<ServiceName, ServiceModule>();
  let idp: EmbeddedIdp | undefined;
  let closed = false;
  const work = createWorkTracker();
  const close = async () => {
    if (closed) return;
    closed = true;
    await work.cancel();
    await Promise.allSettled([...[...modules.values()].map((m) => m.close?.()), idp?.stop()]);
  };
  try {
    idp = await startConfiguredIdp(validated, options);
    const config = resolveIdpIssuers(validated, idp?.issuer);
    const clock = createClock();
    const audit = createAuditLog(() => clock.now(), options.maxAuditEntries);
    const counters = createCounters();
    const faults = createFaults();
    const runtime = createRuntime({
      config,
      clock,
      audit,
      ...(options.maxSessions === undefined ? {} : { maxSessions: options.maxSessions }),
      ...(idp ? { idpIssuer: idp.issuer } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const factories = { ...DEFAULT_SERVICES, ...options.services };
    // Settle every factory so the modules that did start are closed when another one fails.
    const built = await Promise.allSettled(
      Object.entries(factories).map(async ([name, factory]) =>
        factory ? ([name as ServiceName, await factory(runtime)] as const) : undefined,
      ),
    );
    for (const entry of built) {
      if (entry.status === 'fulfilled' && entry.value) modules.set(entry.value[0], entry.value[1]);
    }
    const failed = built.find((entry) => entry.status === 'rejected');
    if (failed) throw failed.reason;
    const front: FrontInit = {
      runtime,
      modules,
      counters,
      faults,
      audit,
      work,
      ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
    };
    return { config, idp, runtime, counters, audit, faults, clock, front, work, close };
  } catch (err) {
    await close();
    throw err;
  }
}
