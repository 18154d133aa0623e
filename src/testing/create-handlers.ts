/**
 * `createEmulatorHandlers`: the emulator as msw 2 request handlers. AWS SDK clients with their default
 * endpoints (`https://sts.<region>.amazonaws.com`, `https://<bucket>.s3.<region>.amazonaws.com`, …) reach
 * the emulator in process, through the same front as the HTTP server: SigV4 (against the request's own
 * Host), counters, faults, authorization and the service modules. The embedded IdP runs for real on
 * loopback; its traffic passes through msw untouched.
 */
import type { HttpHandler } from 'msw';
import type { EmulatorConfig, EmulatorConfigInput } from '../emulator/config/types.js';
import type { AuditLog } from '../emulator/core/audit-log.js';
import type { ClientConfigOptions } from '../emulator/core/client-config.js';
import type { EmulatorClock } from '../emulator/core/clock.js';
import type { Counters } from '../emulator/core/counters.js';
import type { Faults } from '../emulator/core/faults.js';
import type { EmulatorRuntime } from '../emulator/core/types.js';
import type { EmbeddedIdp } from '../emulator/idp/index.js';
import { loadOptionalPeer } from '../optional-peer.js';
import { type AssembleOptions, assembleEmulator } from './assemble.js';
import { type TestTokenOptions, mintUserToken } from '../emulator/idp/mint-token.js';

/** Options of {@link createEmulatorHandlers}: those of `startEmulator` without the port. */
export type EmulatorHandlersOptions = AssembleOptions;

/**
 * Configuration to spread into an AWS SDK v3 client: region, credentials and attempts only. No endpoint:
 * the client keeps its default AWS endpoint, which the handlers answer.
 */
export interface TestClientConfig {
  /** The emulator region. */
  readonly region: string;
  /** Keys to sign with. */
  readonly credentials: NonNullable<ClientConfigOptions['credentials']>;
  /** Attempts per call. Default 1, so injected faults surface instead of being retried. */
  readonly maxAttempts: number;
}

/** The emulator behind msw handlers. */
export interface EmulatorHandlers {
  /** The handlers to give `setupServer(...)`: the AWS hosts, then a passthrough for the IdP's origin. */
  readonly handlers: readonly HttpHandler[];
  /** The emulator region. */
  readonly region: string;
  /** The emulator account id. */
  readonly accountId: string;
  /** The resolved configuration (TTIs with `issuerUrl: "idp"` resolved to the IdP's issuer). */
  readonly config: EmulatorConfig;
  /**
   * Keys of the first configured caller: a fresh object on each read, because the AWS SDK writes onto the
   * credential objects it is given (a frozen one breaks it).
   */
  readonly credentials: {
    /** Access key id. */
    readonly accessKeyId: string;
    /** Secret access key (a development value from the configuration). */
    readonly secretAccessKey: string;
  };
  /**
   * Client configuration (region, credentials — default the first caller's keys — and `maxAttempts`,
   * default 1). `service` is accepted for parity with `startEmulator` and changes nothing here.
   */
  clientConfig(options?: ClientConfigOptions): TestClientConfig;
  /**
   * The embedded IdP (real, on loopback; its discovery and JWKS pass through msw), or undefined when
   * disabled. Its own HTTP sign-in flows (`idp.tokenFor`…) are not meant to run while msw intercepts.
   */
  readonly idp: EmbeddedIdp | undefined;
  /**
   * A user access token (`at+jwt`, RS256) with the claims the embedded IdP issues, signed in process with
   * its current key: `aud` defaults to the IdP's audience, `scope` to `tip:read`, the lifetime to its
   * access-token TTL. Rejects with TipError `ERR_EMULATOR_CONFIG` when the IdP is disabled, and with a
   * TypeError for a user name that is not configured.
   */
  tokenFor(userName: string, options?: TestTokenOptions): Promise<string>;
  /** Calls per operation, caller and user. */
  readonly counters: Counters;
  /** Every authorization decision, without secrets. */
  readonly auditLog: AuditLog;
  /** Fault injection for the next calls. */
  readonly faults: Faults;
  /** The emulator clock (token and session expiry). SigV4 skew is checked against real time. */
  readonly clock: EmulatorClock;
  /** The shared runtime (to issue identity contexts or call `authorize` in tests). */
  readonly runtime: EmulatorRuntime;
  /**
   * Serves one Fetch request in process without msw (the front maps virtual-hosted S3 hosts to path
   * style, as for the handlers).
   */
  handle(request: Request): Promise<Response>;
  /** Stops the IdP and the service modules. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates the emulator as msw handlers.
 *
 * @param configOrPath - The same input as `startEmulator`: an `EmulatorConfigInput`, a validated
 *   `EmulatorConfig`, or a JSON file path.
 * @param options - See {@link EmulatorHandlersOptions}.
 * @throws TipError `ERR_EMULATOR_CONFIG` for an invalid configuration, `ERR_MISSING_DEPENDENCY` without
 *   msw (checked before the emulator starts).
 *
 * @example
 * ```ts
 * const emu = await createEmulatorHandlers(demoEmulatorConfig());
 * const server = setupServer(...emu.handlers);
 * server.listen({ onUnhandledRequest: 'error' });
 * const sts = new STSClient(emu.clientConfig());
 * ```
 */
export async function createEmulatorHandlers(
  configOrPath: EmulatorConfigInput | EmulatorConfig | string,
  options: EmulatorHandlersOptions = {},
): Promise<EmulatorHandlers> {
  const { emulatorHttpHandlers } = await loadOptionalPeer('msw', () => import('./msw-handlers.js'));
  const emu = await assembleEmulator(configOrPath, options);
  const { config, idp, front } = emu;
  const handlers = emulatorHttpHandlers(front, idp?.issuer);
  const first = config.callers[0]!;
  const credentials = Object.freeze({
    accessKeyId: first.accessKeyId,
    secretAccessKey: first.secretAccessKey,
  });
  return {
    handlers: Object.freeze(handlers),
    region: config.region,
    accountId: config.accountId,
    config,
    get credentials() {
      return { ...credentials };
    },
    clientConfig: (opts = {}) => ({
      region: config.region,
      // A fresh object: the SDK writes `$source` onto the credentials it is given.
      credentials: { ...(opts.credentials ?? credentials) },
      maxAttempts: opts.maxAttempts ?? 1,
    }),
    idp,
    tokenFor: (userName, opts) => mintUserToken(idp, config, userName, opts),
    counters: emu.counters,
    auditLog: emu.audit,
    faults: emu.faults,
    clock: emu.clock,
    runtime: emu.runtime,
    handle: (request) => front(request),
    close: emu.close,
  };
}
