/**
 * The emulator's Redshift SQL endpoints: one TLS Postgres-wire listener on 127.0.0.1 per workgroup or
 * cluster whose configuration has `sqlEndpoint`, backed by the same SQL engine, roles, grants and row
 * filters as the Data API. A development CA made at start signs the endpoints' certificate; its PEM is
 * written to a temporary file so drivers can trust it (`sslrootcert`), and removed at stop.
 *
 * Before TLS a connection may only send SSLRequest (answered `S`) or GSSENCRequest (answered `N`); a
 * plaintext startup packet gets FATAL 28000, since IdC authentication must use an encrypted connection.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SecureContext, TLSSocket, createSecureContext } from 'node:tls';
import { TipError } from '../../../errors.js';
import type { EmulatorRuntime } from '../../core/types.js';
import { findApplication } from '../../identity-center/directory.js';
import { acquireSqlBackend } from '../database.js';
import { listTargets, type RedshiftTarget } from '../targets.js';
import * as be from './backend.js';
import { createDevelopmentCertificates } from './certificate.js';
import { FrontendReader, WireProtocolError } from './frontend.js';
import type { EndpointContext } from './login.js';
import { WireSession } from './session.js';

/** TLS must be negotiated within this time, ms. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Query ids of SQL-endpoint statements start here, far from the Data API's. */
const FIRST_QUERY_ID = 5_000_000;

/** One running SQL endpoint. */
export interface RedshiftSqlEndpoint {
  /** `workgroup` (Redshift Serverless) or `cluster`. */
  readonly kind: 'workgroup' | 'cluster';
  /** Workgroup name or cluster identifier. */
  readonly name: string;
  /** Always `127.0.0.1`; the certificate also names `localhost` and `::1`. */
  readonly host: string;
  /** The TCP port. */
  readonly port: number;
}

/** The running SQL endpoints of an emulator. */
export interface RedshiftSqlEndpoints {
  /** The development CA's certificate, PEM: what clients trust (`ssl: { ca }`). */
  readonly caPem: string;
  /** A file holding {@link RedshiftSqlEndpoints.caPem}, for `sslrootcert` (removed at stop). */
  readonly caFile: string;
  /** Every endpoint, in configuration order. */
  readonly endpoints: readonly RedshiftSqlEndpoint[];
  /**
   * The endpoint of a workgroup or cluster.
   * @throws TypeError when that target has no SQL endpoint.
   */
  endpoint(
    target: { readonly workgroupName: string } | { readonly clusterIdentifier: string },
  ): RedshiftSqlEndpoint;
  /** Closes every listener and connection. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startRedshiftSqlEndpoints}. */
export interface SqlEndpointOptions {
  /** Receives one line per endpoint at start. Default: none. */
  readonly log?: (line: string) => void;
}

function checkApplications(runtime: EmulatorRuntime, targets: readonly RedshiftTarget[]): void {
  targets.forEach((target) => {
    const arn = target.config.identityCenterApplicationArn;
    if (arn !== undefined && !findApplication(runtime.config, arn)) {
      const path = `redshift.targets[${runtime.config.redshift.targets.indexOf(target.config)}].identityCenterApplicationArn`;
      throw new TipError(
        'ERR_EMULATOR_CONFIG',
        `Emulator config: \`${path}\` names no application of identityCenter.applications.`,
        {
          details: { path, reason: 'unknown_application' },
        },
      );
    }
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Serves one raw connection up to TLS, then hands it to a {@link WireSession}. */
function accept(socket: Socket, endpoint: EndpointContext, context: SecureContext, processId: number): void {
  const reader = new FrontendReader();
  const refuse = (code: string, message: string) => {
    socket.end(be.errorResponse({ severity: 'FATAL', code, message }));
    setTimeout(() => socket.destroy(), 1000).unref();
  };
  const timer = setTimeout(() => socket.destroy(), HANDSHAKE_TIMEOUT_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    reader.push(chunk);
    try {
      for (let packet = reader.startup(); packet; packet = reader.startup()) {
        if (packet.type === 'gssenc-request') {
          socket.write('N');
          continue;
        }
        socket.off('data', onData);
        if (packet.type === 'cancel') return socket.destroy();
        if (packet.type === 'startup') {
          clearTimeout(timer);
          return refuse(
            '28000',
            'Authentication must use an SSL connection: connect with sslmode=require, or verify-full with the emulator CA',
          );
        }
        // Bytes sent before the answer to SSLRequest would be read as plaintext: refuse them.
        if (reader.pending > 0) return refuse('08P01', 'unexpected data after SSLRequest');
        socket.write('S');
        const secure = new TLSSocket(socket, { isServer: true, secureContext: context });
        secure.once('secure', () => {
          clearTimeout(timer);
          new WireSession(secure, endpoint, processId);
        });
        secure.on('error', () => secure.destroy());
        return;
      }
    } catch (error) {
      clearTimeout(timer);
      socket.off('data', onData);
      const e = error instanceof WireProtocolError ? error : new WireProtocolError('invalid startup packet');
      refuse(e.sqlState, e.message);
    }
  };
  socket.on('data', onData);
  socket.on('end', () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('close', () => clearTimeout(timer));
}

/**
 * Starts the SQL endpoints the configuration asks for (none: resolves `undefined`).
 *
 * @throws TipError `ERR_EMULATOR_CONFIG` for an unknown IdC application or a port in use.
 */
export async function startRedshiftSqlEndpoints(
  runtime: EmulatorRuntime,
  options: SqlEndpointOptions = {},
): Promise<RedshiftSqlEndpoints | undefined> {
  const targets = listTargets(runtime).filter((t) => t.config.sqlEndpoint !== undefined);
  if (targets.length === 0) return undefined;
  checkApplications(runtime, targets);
  const certificates = createDevelopmentCertificates();
  const context = createSecureContext({
    cert: certificates.certPem,
    key: certificates.keyPem,
    minVersion: 'TLSv1.2',
  });
  const lease = await acquireSqlBackend(runtime);
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const endpoints: RedshiftSqlEndpoint[] = [];
  let dir: string | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await lease.release();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    dir = await mkdtemp(join(tmpdir(), 'tip-sdk-redshift-ca-'));
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, certificates.caPem, { mode: 0o644 });
    let nextQueryId = FIRST_QUERY_ID;
    let nextProcessId = 1073741824 + Math.floor(Math.random() * 1_000_000);
    for (const target of targets) {
      const settings = target.config.sqlEndpoint!;
      const endpoint: EndpointContext = {
        runtime,
        target,
        backend: lease.backend,
        settings,
        nextQueryId: () => nextQueryId++,
      };
      let open = 0;
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => {
          sockets.delete(socket);
          open--;
        });
        if (++open > (settings.maxConnections ?? 100)) {
          socket.end(
            be.errorResponse({
              severity: 'FATAL',
              code: '53300',
              message: 'sorry, too many clients already',
            }),
          );
          return;
        }
        accept(socket, endpoint, context, nextProcessId++);
      });
      servers.push(server);
      let port: number;
      try {
        port = await listen(server, settings.port ?? 0);
      } catch (error) {
        throw new TipError(
          'ERR_EMULATOR_CONFIG',
          `The SQL endpoint of ${target.kind} ${target.name} cannot listen on port ${settings.port}.`,
          {
            cause: error,
            details: { reason: 'port_unavailable' },
          },
        );
      }
      endpoints.push(Object.freeze({ kind: target.kind, name: target.name, host: '127.0.0.1', port }));
      options.log?.(
        `Redshift SQL endpoint for ${target.kind} ${target.name}: 127.0.0.1:${port} (TLS; trust the development CA in ${caFile})`,
      );
    }
    return Object.freeze({
      caPem: certificates.caPem,
      caFile,
      endpoints: Object.freeze(endpoints),
      endpoint(target) {
        const [kind, name] =
          'workgroupName' in target
            ? ['workgroup', target.workgroupName]
            : ['cluster', target.clusterIdentifier];
        const found = endpoints.find((e) => e.kind === kind && e.name === name);
        if (!found)
          throw new TypeError(`tip-sdk emulator: ${kind} ${name} has no sqlEndpoint in the configuration`);
        return found;
      },
      close,
    } satisfies RedshiftSqlEndpoints);
  } catch (error) {
    await close();
    throw error;
  }
}
