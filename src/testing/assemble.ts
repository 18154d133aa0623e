/**
 * Builds the emulator's parts without a server: validated config, embedded IdP, runtime, service modules,
 * counters, audit log, faults and clock, wired into the in-process front. The same steps `startEmulator`
 * takes before it listens.
 */
import { TipError } from '../errors.js';
import { deepFreeze } from '../emulator/config/check.js';
import type { EmulatorConfig, EmulatorConfigInput } from '../emulator/config/types.js';
import { loadEmulatorConfig, validateEmulatorConfig } from '../emulator/config/validate.js';
import { type AuditLogWriter, createAuditLog } from '../emulator/core/audit-log.js';
import { type EmulatorClock, createClock } from '../emulator/core/clock.js';
import { type CountersWriter, createCounters } from '../emulator/core/counters.js';
import { type FaultsController, createFaults } from '../emulator/core/faults.js';
import { type FetchFront, createFetchFront } from '../emulator/core/fetch-front.js';
import { type EmulatorRuntimeInternal, createRuntime } from '../emulator/core/runtime.js';
import type { ServiceFactory, ServiceModule, ServiceName } from '../emulator/core/types.js';
import { type EmbeddedIdp, startIdp } from '../emulator/idp/index.js';
import { DEFAULT_SERVICES } from '../emulator/start.js';

/** Options shared with `startEmulator` (everything but the port). */
export interface AssembleOptions {
  /** `false` does not start the embedded IdP even when the config enables it. */
  readonly idp?: false;
  /** Silences the IdP's development-keys warning. Default false. */
  readonly quiet?: boolean;
  /** Fetch used to reach token issuers (discovery, JWKS). Default: global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Replaces or disables service modules by name (`false` = not served). Default: the emulator's defaults. */
  readonly services?: Partial<Record<ServiceName, ServiceFactory | false>>;
  /** Called when a handler throws something other than an AWS error (answered as a 500). */
  readonly onInternalError?: (error: unknown, service: ServiceName, operation: string) => void;
}

/** The assembled emulator. */
export interface AssembledEmulator {
  readonly config: EmulatorConfig;
  readonly idp: EmbeddedIdp | undefined;
  readonly runtime: EmulatorRuntimeInternal;
  readonly counters: CountersWriter;
  readonly audit: AuditLogWriter;
  readonly faults: FaultsController;
  readonly clock: EmulatorClock;
  readonly front: FetchFront;
  /** Stops the IdP and closes every service module. Idempotent. */
  close(): Promise<void>;
}

/** Replaces `issuerUrl: "idp"` by the embedded IdP's issuer. */
function resolveIdpIssuers(config: EmulatorConfig, issuer: string | undefined): EmulatorConfig {
  const ic = config.identityCenter;
  const index = ic.trustedTokenIssuers.findIndex((t) => t.issuerUrl === 'idp');
  if (index < 0) return config;
  if (issuer === undefined) {
    const path = `identityCenter.trustedTokenIssuers[${index}].issuerUrl`;
    throw new TipError(
      'ERR_EMULATOR_CONFIG',
      `Emulator config: \`${path}\` is "idp" but the embedded IdP is disabled.`,
      { details: { path, reason: 'idp_disabled' } },
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

/**
 * Assembles the emulator.
 *
 * @throws TipError `ERR_EMULATOR_CONFIG` for an invalid configuration.
 */
export async function assembleEmulator(
  configOrPath: EmulatorConfigInput | EmulatorConfig | string,
  options: AssembleOptions = {},
): Promise<AssembledEmulator> {
  const validated =
    typeof configOrPath === 'string'
      ? await loadEmulatorConfig(configOrPath)
      : validateEmulatorConfig(configOrPath);
  const idpSettings = options.idp === false ? false : validated.idp;
  const modules = new Map<ServiceName, ServiceModule>();
  let idp: EmbeddedIdp | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
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
    const front = createFetchFront({
      runtime,
      modules,
      counters,
      faults,
      audit,
      ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
    });
    return { config, idp, runtime, counters, audit, faults, clock, front, close };
  } catch (err) {
    await close();
    throw err;
  }
}
