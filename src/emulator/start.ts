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
import type { EmulatorRuntime } from './core/types.js';
import { withAuthorizePage } from './identity-center/authorize-page.js';
import type { EmbeddedIdp } from './idp/index.js';
import type { RedshiftSqlEndpoints } from './redshift/wire/listener.js';

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
  /** Keys of the first configured caller. */
  readonly credentials: {
    /** Access key id. */
    readonly accessKeyId: string;
    /** Secret access key (a development value from the configuration). */
    readonly secretAccessKey: string;
  };
  /** Configuration for an AWS SDK v3 client aimed at the emulator. */
  clientConfig(options?: ClientConfigOptions): EmulatorClientConfig;
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
  /** Stops the server, the IdP and every service. Idempotent. */
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
      redshiftSql: sql,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
