/**
 * `startEmulator`: validates the configuration, starts the embedded IdP, builds the runtime and every
 * service module, and listens on loopback. Returns the endpoint, ready-made SDK client configuration,
 * counters, the audit log, fault injection, the emulator clock and `stop()`.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TipError } from '../errors.js';
import type { EmulatorConfig, EmulatorConfigInput } from './config/types.js';
import { deepFreeze } from './config/check.js';
import { loadEmulatorConfig, validateEmulatorConfig } from './config/validate.js';
import { type AuditLog, createAuditLog } from './core/audit-log.js';
import {
  type EmulatorClientConfig,
  type ClientConfigOptions,
  createClientConfigFactory,
} from './core/client-config.js';
import { type EmulatorClock, createClock } from './core/clock.js';
import { type Counters, createCounters } from './core/counters.js';
import { type Faults, createFaults } from './core/faults.js';
import { answerClientError, createFrontListener } from './core/node-front.js';
import { createRuntime } from './core/runtime.js';
import type { EmulatorRuntime, ServiceFactory, ServiceModule, ServiceName } from './core/types.js';
import { createAthenaService } from './athena/service.js';
import { createSsoOidcService } from './identity-center/service.js';
import { startIdp } from './idp/index.js';
import type { EmbeddedIdp } from './idp/index.js';
import { createRedshiftServerlessService, createRedshiftService } from './redshift/auth-token-service.js';
import { createRedshiftDataService } from './redshift/data-service.js';
import { createS3ControlService } from './s3/control-service.js';
import { createS3Service } from './s3/object-service.js';
import { createStsService } from './sts/service.js';

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
};

/** Options of {@link startEmulator}. */
export interface StartEmulatorOptions {
  /** Port of the AWS endpoint; overrides `config.port`. 0 = any free port. */
  readonly port?: number;
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
  /** Called when a handler throws something other than an AWS error (answered as a 500). */
  readonly onInternalError?: (error: unknown, service: ServiceName, operation: string) => void;
}

/** A running emulator. */
export interface RunningEmulator {
  /** AWS endpoint, `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** The resolved configuration (TTIs with `issuerUrl: "idp"` resolved to the IdP's issuer). */
  readonly config: EmulatorConfig;
  /** The embedded IdP, or undefined when disabled. */
  readonly idp: EmbeddedIdp | undefined;
  /** Keys of the first configured caller. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Configuration for an AWS SDK v3 client aimed at the emulator. */
  clientConfig(options?: ClientConfigOptions): EmulatorClientConfig;
  readonly counters: Counters;
  readonly auditLog: AuditLog;
  readonly faults: Faults;
  /** The emulator clock (token and session expiry). SigV4 skew is checked against real time. */
  readonly clock: EmulatorClock;
  /** The shared runtime (for tests that issue identity contexts or call `authorize`). */
  readonly runtime: EmulatorRuntime;
  /** Stops the server, the IdP and every service. Idempotent. */
  stop(): Promise<void>;
}

function resolveIdpIssuers(config: EmulatorConfig, issuer: string | undefined): EmulatorConfig {
  const ic = config.identityCenter;
  if (!ic.trustedTokenIssuers.some((t) => t.issuerUrl === 'idp')) return config;
  if (issuer === undefined) {
    const path = `identityCenter.trustedTokenIssuers[${ic.trustedTokenIssuers.findIndex((t) => t.issuerUrl === 'idp')}].issuerUrl`;
    // Fail loudly rather than leave an issuer nobody can serve.
    throw new TipError(
      'ERR_EMULATOR_CONFIG',
      `Emulator config: \`${path}\` is "idp" but the embedded IdP is disabled.`,
      {
        details: { path, reason: 'idp_disabled' },
      },
    );
  }
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

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the emulator.
 *
 * @param configOrPath - An {@link EmulatorConfigInput} object, a validated {@link EmulatorConfig}, or a JSON file path.
 * @param options - See {@link StartEmulatorOptions}.
 * @throws TipError `ERR_EMULATOR_CONFIG` for an invalid configuration.
 */
export async function startEmulator(
  configOrPath: EmulatorConfigInput | EmulatorConfig | string,
  options: StartEmulatorOptions = {},
): Promise<RunningEmulator> {
  const validated =
    typeof configOrPath === 'string'
      ? await loadEmulatorConfig(configOrPath)
      : validateEmulatorConfig(configOrPath);
  const idpSettings = options.idp === false ? false : validated.idp;
  let idp: EmbeddedIdp | undefined;
  const modules = new Map<ServiceName, ServiceModule>();
  const server = createServer();
  const clients = createClientConfigFactory();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    clients.destroy();
    await Promise.allSettled([...[...modules.values()].map((m) => m.close?.()), idp?.stop()]);
  };
  try {
    if (idpSettings) {
      idp = await startIdp({
        users: validated.identityCenter.users.map((u) => ({
          userName: u.userName,
          email: u.email,
          displayName: u.displayName,
          groups: [...u.groups],
        })),
        port: idpSettings.port,
        audience: idpSettings.audience,
        accessTokenTtlSeconds: idpSettings.accessTokenTtlSeconds,
        clients: idpSettings.clients.map((c) => ({
          ...c,
          ...(c.redirectUris ? { redirectUris: [...c.redirectUris] } : {}),
        })),
        ...(options.quiet ? { quiet: true } : {}),
      });
    }
    const config = resolveIdpIssuers(validated, idp?.issuer);
    const clock = createClock();
    const audit = createAuditLog(() => clock.now());
    const counters = createCounters();
    const faults = createFaults();
    const runtime = createRuntime({
      config,
      clock,
      audit,
      ...(idp ? { idpIssuer: idp.issuer } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const factories = { ...DEFAULT_SERVICES, ...options.services };
    const built = await Promise.all(
      Object.entries(factories).map(async ([name, factory]) =>
        factory ? ([name as ServiceName, await factory(runtime)] as const) : undefined,
      ),
    );
    for (const entry of built) if (entry) modules.set(entry[0], entry[1]);
    server.on(
      'request',
      createFrontListener({
        runtime,
        modules,
        counters,
        faults,
        audit,
        ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
      }),
    );
    server.on('clientError', answerClientError);
    server.headersTimeout = 10_000;
    server.requestTimeout = 60_000;
    const port = await listen(server, options.port ?? config.port);
    const url = `http://127.0.0.1:${port}`;
    const first = config.callers[0]!;
    const credentials = Object.freeze({
      accessKeyId: first.accessKeyId,
      secretAccessKey: first.secretAccessKey,
    });
    return {
      url,
      port,
      region: config.region,
      accountId: config.accountId,
      config,
      idp,
      credentials,
      clientConfig: (opts = {}) => clients.create({ port, region: config.region, credentials, ...opts }),
      counters,
      auditLog: audit,
      faults,
      clock,
      runtime,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
