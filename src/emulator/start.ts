/**
 * `startEmulator`: validates the configuration, starts the embedded IdP, builds the runtime and every
 * service module, and listens on loopback. Returns the endpoint, ready-made SDK client configuration,
 * counters, the audit log, fault injection, the emulator clock and `stop()`.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AssembleOptions, type EmulatorParts, assembleEmulatorParts } from './assemble.js';
import type { EmulatorConfig, EmulatorConfigInput } from './config/types.js';
import type { AuditLog } from './core/audit-log.js';
import {
  type EmulatorClientConfig,
  type ClientConfigOptions,
  createClientConfigFactory,
} from './core/client-config.js';
import type { EmulatorClock } from './core/clock.js';
import type { Counters } from './core/counters.js';
import type { Faults } from './core/faults.js';
import { answerClientError, createFrontListener } from './core/node-front.js';
import {
  type EmulatorTrustedIdentityOptions,
  type TrustedIdentityOptionsRequest,
  trustedIdentityOptions,
} from './core/trusted-identity-options.js';
import type { EmulatorRuntime } from './core/types.js';
import { withAuthorizePage } from './identity-center/authorize-page.js';
import type { EmbeddedIdp } from './idp/index.js';
import type { RedshiftSqlEndpoints } from './redshift/wire/listener.js';
import { type TestTokenOptions, mintUserToken } from './idp/mint-token.js';

/** Options of {@link startEmulator}: those of the assembly, and the port. */
export interface StartEmulatorOptions extends AssembleOptions {
  /** Port of the AWS endpoint; overrides `config.port`. 0 = any free port. */
  readonly port?: number;
}

/** A running emulator. */
export interface RunningEmulator {
  /** AWS endpoint, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The port the AWS endpoint listens on. */
  readonly port: number;
  /** The emulator region. */
  readonly region: string;
  /** The emulator account id. */
  readonly accountId: string;
  /** The resolved configuration (TTIs with `issuerUrl: "idp"` resolved to the IdP's issuer). */
  readonly config: EmulatorConfig;
  /** The embedded IdP, or undefined when disabled. */
  readonly idp: EmbeddedIdp | undefined;
  /**
   * Keys of the first configured caller: a fresh plain object on each read, so it can be given to any AWS
   * SDK client (the SDK writes onto the credential objects it is given).
   */
  readonly credentials: {
    /** Access key id. */
    readonly accessKeyId: string;
    /** Secret access key (a development value from the configuration). */
    readonly secretAccessKey: string;
  };
  /** Configuration for an AWS SDK v3 client aimed at the emulator. */
  clientConfig(options?: ClientConfigOptions): EmulatorClientConfig;
  /**
   * Options for `createTrustedIdentity` aimed at this emulator: `region`, the embedded IdP as issuer
   * (`allowInsecureRequests`, RS256, the IdP's audience), the first jwt-bearer application, the access
   * role (the first role trusting `sts:SetContext`) and a `clientConfig` that reaches every service
   * (S3 Control included) signed with the first caller's keys. Spread it and add your own options.
   *
   * @throws TipError `ERR_EMULATOR_CONFIG` when the IdP is disabled or no application or role fits.
   *
   * @example
   * ```ts
   * const tip = createTrustedIdentity({ ...emu.trustedIdentityOptions(), cache: { maxUsers: 100 } });
   * ```
   */
  trustedIdentityOptions(request?: TrustedIdentityOptionsRequest): EmulatorTrustedIdentityOptions;
  /**
   * A user access token (`at+jwt`, RS256) from the embedded IdP, signed in process with its current key:
   * `aud` defaults to the IdP's audience, `scope` to `tip:read`, the lifetime to its access-token TTL.
   * Rejects with TipError `ERR_EMULATOR_CONFIG` when the IdP is disabled, and with a TypeError for a user
   * name that is not configured. (`idp.tokenFor` signs the user in through the IdP's HTTP flow instead.)
   */
  tokenFor(userName: string, options?: TestTokenOptions): Promise<string>;
  /** Calls per operation, caller and user. */
  readonly counters: Counters;
  /** Every authorization decision, without secrets. */
  readonly auditLog: AuditLog;
  /** Fault injection: latency, throttling, 5xx or a given error for the next calls. */
  readonly faults: Faults;
  /** The emulator clock (token and session expiry). SigV4 skew is checked against real time. */
  readonly clock: EmulatorClock;
  /** The shared runtime (for tests that issue identity contexts or call `authorize`). */
  readonly runtime: EmulatorRuntime;
  /**
   * The Redshift SQL endpoints (TLS Postgres wire) of the targets configured with `sqlEndpoint`, with the
   * development CA to trust; undefined when none is configured.
   */
  readonly redshiftSql: RedshiftSqlEndpoints | undefined;
  /**
   * Stops the emulator: cancels the requests being served (a request asleep in injected latency is
   * dropped, no handler starts) and waits for them, then closes the server, every connection, the IdP and
   * every service. Resolves once nothing runs. Idempotent.
   */
  stop(): Promise<void>;
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
  let parts: EmulatorParts | undefined;
  let sql: RedshiftSqlEndpoints | undefined;
  const server = createServer();
  const clients = createClientConfigFactory();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // First end the requests being served (injected latency included), so no handler runs after stop.
    await parts?.work.cancel();
    await new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    clients.destroy();
    await sql?.close();
    await parts?.close();
  };
  try {
    parts = await assembleEmulatorParts(configOrPath, options);
    const { config, idp, runtime, counters, audit, faults, clock } = parts;
    // IdC's browser sign-in page is HTML, not an AWS protocol: it is served before the front.
    server.on('request', withAuthorizePage(runtime, createFrontListener(parts.front)));
    server.on('clientError', answerClientError);
    server.headersTimeout = 10_000;
    server.requestTimeout = 60_000;
    const port = await listen(server, options.port ?? config.port);
    // Loaded only when configured: most runs need no SQL endpoint.
    if (config.redshift.targets.some((t) => t.sqlEndpoint !== undefined)) {
      const { startRedshiftSqlEndpoints } = await import('./redshift/wire/listener.js');
      sql = await startRedshiftSqlEndpoints(runtime, {
        ...(options.quiet
          ? {}
          : { log: (line: string) => process.stderr.write(`tip-sdk emulator: ${line}\n`) }),
      });
    }
    const url = `http://127.0.0.1:${port}`;
    const first = config.callers[0]!;
    // Plain objects: the AWS SDK writes `$source` onto the credentials it is given.
    const keys = () => ({ accessKeyId: first.accessKeyId, secretAccessKey: first.secretAccessKey });
    const clientConfig = (opts: ClientConfigOptions = {}) =>
      clients.create({ port, region: config.region, credentials: keys(), ...opts });
    return {
      url,
      port,
      region: config.region,
      accountId: config.accountId,
      config,
      idp,
      get credentials() {
        return keys();
      },
      clientConfig,
      trustedIdentityOptions: (request) =>
        trustedIdentityOptions(config, idp?.issuer, clientConfig({ service: 's3' }), request),
      tokenFor: (userName, opts) => mintUserToken(idp, config, userName, opts),
      counters,
      auditLog: audit,
      faults,
      clock,
      runtime,
      redshiftSql: sql,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
