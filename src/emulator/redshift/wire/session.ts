/**
 * One SQL-endpoint connection after TLS: startup packet, login (IdP token or administrator password),
 * then the simple and extended query protocols as `pg`, psql and the Redshift drivers use them.
 *
 * Messages are handled one at a time in arrival order. A protocol violation ends the connection with a
 * FATAL ErrorResponse; a failed statement answers an ErrorResponse and, in the extended protocol, skips
 * to the next Sync, as Postgres does.
 */
import { randomInt } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { SqlError, isSqlError } from '../../sql/index.js';
import * as be from './backend.js';
import { decodeBinaryParameter } from './binary-parameters.js';
import {
  FrontendReader,
  type FrontendMessage,
  type StartupPacket,
  WireProtocolError,
  decodeText,
} from './frontend.js';
import {
  type EndpointContext,
  type LoginPlan,
  LoginRefused,
  passwordLogin,
  planLogin,
  tokenLogin,
} from './login.js';
import {
  describeStatement,
  runStatement,
  splitStatements,
  type StatementOutcome,
  type StatementScope,
} from './statements.js';

/** A login must finish within this time, ms. */
const STARTUP_TIMEOUT_MS = 15_000;
/** Most prepared statements and portals a session may hold. */
const MAX_PREPARED = 1000;
const MAX_PORTALS = 100;

interface Prepared {
  readonly sql: string;
  readonly parameterTypes: readonly number[];
}

interface Portal {
  readonly statement: Prepared;
  readonly params: readonly (string | null)[];
  outcome?: StatementOutcome;
  sent: number;
}

type Phase = 'startup' | 'password' | 'token' | 'busy' | 'ready' | 'closed';

/** Serves one connection. */
export class WireSession {
  readonly #socket: Duplex;
  readonly #endpoint: EndpointContext;
  readonly #reader = new FrontendReader();
  readonly #out: Buffer[] = [];
  readonly #prepared = new Map<string, Prepared>();
  readonly #portals = new Map<string, Portal>();
  readonly #processId: number;
  #phase: Phase = 'startup';
  #plan: LoginPlan | undefined;
  #parameters: ReadonlyMap<string, string> = new Map();
  #scope: StatementScope | undefined;
  #inBlock = false;
  #skipping = false;
  #work: Promise<void> = Promise.resolve();
  readonly #timer: NodeJS.Timeout;

  /** Starts serving `socket` (already TLS) for `endpoint`; `processId` goes into BackendKeyData. */
  constructor(socket: Duplex, endpoint: EndpointContext, processId: number) {
    this.#socket = socket;
    this.#endpoint = endpoint;
    this.#processId = processId;
    this.#timer = setTimeout(
      () => this.#fatal('08P01', 'the login did not complete in time'),
      STARTUP_TIMEOUT_MS,
    );
    this.#timer.unref();
    socket.on('data', (chunk: Buffer) => {
      if (this.#phase === 'closed') return;
      this.#reader.push(chunk);
      this.#work = this.#work.then(() => this.#drain());
    });
    // A client that stops sending mid-message gets the connection closed, never a hang.
    socket.on('end', () => this.#close());
    socket.on('error', () => this.#close());
    socket.on('close', () => this.#close());
  }

  /** Resolves when every message received so far is handled. */
  get settled(): Promise<void> {
    return this.#work;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#phase !== 'closed') {
        if (this.#phase === 'startup') {
          const packet = this.#reader.startup();
          if (!packet) break;
          await this.#startup(packet);
        } else {
          const message = this.#reader.next();
          if (!message) break;
          await this.#message(message);
        }
        this.#flush();
      }
    } catch (error) {
      if (error instanceof WireProtocolError) this.#fatal(error.sqlState, error.message);
      else if (error instanceof LoginRefused) this.#fatal(error.sqlState, error.message);
      else this.#fatal('XX000', 'internal error in the SQL endpoint');
    }
    this.#flush();
  }

  async #startup(packet: StartupPacket): Promise<void> {
    if (packet.type !== 'startup') {
      // SSLRequest and the rest belong before TLS; CancelRequest cannot interrupt PGlite: just close.
      if (packet.type === 'cancel') return this.#close();
      throw new WireProtocolError('unexpected request on an encrypted connection');
    }
    this.#parameters = packet.parameters;
    this.#plan = planLogin(this.#endpoint.target, packet.parameters);
    this.#phase = this.#plan.method === 'token' ? 'token' : 'password';
    this.#send(be.authentication(this.#plan.method === 'token' ? be.AUTH_IDP : be.AUTH_CLEARTEXT_PASSWORD));
  }

  async #login(message: FrontendMessage): Promise<void> {
    const plan = this.#plan!;
    this.#phase = 'busy';
    if (plan.method === 'token') {
      if (message.type !== 'idp-token')
        throw new WireProtocolError('expected an identity-provider token message');
      this.#scope = await tokenLogin(this.#endpoint, plan, message.token);
    } else {
      if (message.type !== 'password') throw new WireProtocolError('expected a password message');
      this.#scope = await passwordLogin(this.#endpoint, plan, message.password);
    }
    clearTimeout(this.#timer);
    this.#send(be.authentication(be.AUTH_OK));
    const status: [string, string][] = [
      ['server_version', '8.0.2'],
      ['server_encoding', 'UTF8'],
      ['client_encoding', 'UTF8'],
      ['DateStyle', 'ISO, MDY'],
      ['TimeZone', 'UTC'],
      ['integer_datetimes', 'on'],
      ['standard_conforming_strings', 'on'],
      ['is_superuser', 'off'],
      ['session_authorization', this.#scope.role],
      ['application_name', this.#parameters.get('application_name') ?? ''],
    ];
    // Only the base protocol is spoken: tell drivers that ask for more (binary, extended metadata).
    if (this.#parameters.has('client_protocol_version')) status.push(['server_protocol_version', '0']);
    for (const [name, value] of status) this.#send(be.parameterStatus(name, value));
    this.#send(be.backendKeyData(this.#processId, randomInt(1, 2 ** 31 - 1)));
    this.#phase = 'ready';
    this.#ready();
  }

  async #message(message: FrontendMessage): Promise<void> {
    if (message.type === 'terminate') return this.#close();
    if (this.#phase === 'token' || this.#phase === 'password') return this.#login(message);
    if (this.#phase !== 'ready') throw new WireProtocolError('unexpected message');
    if (message.type === 'query') return this.#simpleQuery(message.sql);
    if (message.type === 'sync') {
      this.#skipping = false;
      this.#portals.delete('');
      return this.#ready();
    }
    if (message.type === 'flush' || this.#skipping) return;
    try {
      await this.#extended(message);
    } catch (error) {
      if (!isSqlError(error)) throw error;
      this.#error(error.code, error.message);
      this.#skipping = true;
    }
  }

  async #simpleQuery(sql: string): Promise<void> {
    this.#skipping = false;
    const statements = splitStatements(sql);
    if (statements.length === 0) this.#send(be.EMPTY_QUERY);
    for (const text of statements) {
      try {
        const outcome = await runStatement(this.#scope!, text, [], []);
        // The simple protocol sends RowDescription only for a result set, never NoData.
        this.#sendOutcome(outcome, outcome.fields !== undefined);
        this.#sendRows(outcome, 0, outcome.rows.length);
        this.#complete(outcome);
      } catch (error) {
        if (!isSqlError(error)) throw error;
        this.#error(error.code, error.message);
        break;
      }
    }
    this.#ready();
  }

  async #extended(message: FrontendMessage): Promise<void> {
    switch (message.type) {
      case 'parse': {
        if (message.name !== '' && this.#prepared.has(message.name))
          throw sqlError('42P05', `prepared statement "${message.name.slice(0, 64)}" already exists`);
        if (this.#prepared.size >= MAX_PREPARED) throw sqlError('54000', 'too many prepared statements');
        this.#prepared.set(message.name, { sql: message.sql, parameterTypes: message.parameterTypes });
        return this.#send(be.PARSE_COMPLETE);
      }
      case 'bind': {
        const statement = this.#statement(message.statement);
        if (message.resultFormats.includes(1))
          throw sqlError('0A000', "binary result formats are not supported by the emulator's SQL endpoint");
        if (message.portal !== '' && this.#portals.has(message.portal))
          throw sqlError('42P03', `portal "${message.portal.slice(0, 64)}" already exists`);
        if (this.#portals.size >= MAX_PORTALS) throw sqlError('54000', 'too many open portals');
        const params = message.values.map((value, i) =>
          value === null
            ? null
            : message.parameterFormats[i] === 1
              ? decodeBinaryParameter(value, statement.parameterTypes[i] ?? 0)
              : decodeUtf8(value),
        );
        this.#portals.set(message.portal, { statement, params, sent: 0 });
        return this.#send(be.BIND_COMPLETE);
      }
      case 'describe': {
        if (message.target === 'S') {
          const statement = this.#statement(message.name);
          const described = await describeStatement(this.#scope!, statement.sql, statement.parameterTypes);
          this.#send(be.parameterDescription(described.parameterTypes));
          return this.#send(described.fields ? be.rowDescription(described.fields) : be.NO_DATA);
        }
        const portal = this.#portal(message.name);
        portal.outcome ??= await this.#run(portal);
        return this.#sendOutcome(portal.outcome, true);
      }
      case 'execute': {
        const portal = this.#portal(message.portal);
        portal.outcome ??= await this.#run(portal);
        const outcome = portal.outcome;
        const end =
          message.maxRows > 0
            ? Math.min(outcome.rows.length, portal.sent + message.maxRows)
            : outcome.rows.length;
        this.#sendRows(outcome, portal.sent, end);
        portal.sent = end;
        if (end < outcome.rows.length) return this.#send(be.PORTAL_SUSPENDED);
        return this.#complete(outcome);
      }
      case 'close': {
        if (message.target === 'S') this.#prepared.delete(message.name);
        else this.#portals.delete(message.name);
        return this.#send(be.CLOSE_COMPLETE);
      }
      default:
        throw new WireProtocolError(`unexpected ${message.type} message`);
    }
  }

  #run(portal: Portal): Promise<StatementOutcome> {
    return runStatement(this.#scope!, portal.statement.sql, portal.params, portal.statement.parameterTypes);
  }

  #statement(name: string): Prepared {
    const statement = this.#prepared.get(name);
    if (!statement) throw sqlError('26000', `prepared statement "${name.slice(0, 64)}" does not exist`);
    return statement;
  }

  #portal(name: string): Portal {
    const portal = this.#portals.get(name);
    if (!portal) throw sqlError('34000', `portal "${name.slice(0, 64)}" does not exist`);
    return portal;
  }

  #sendOutcome(outcome: StatementOutcome, describe: boolean): void {
    if (outcome.notice) this.#send(be.noticeResponse({ code: '00000', message: outcome.notice }));
    if (describe) this.#send(outcome.fields ? be.rowDescription(outcome.fields) : be.NO_DATA);
  }

  #sendRows(outcome: StatementOutcome, from: number, to: number): void {
    if (!outcome.fields) return;
    for (let i = from; i < to; i++) this.#send(be.dataRow(outcome.rows[i]!));
  }

  #complete(outcome: StatementOutcome): void {
    if (outcome.transaction) this.#inBlock = outcome.transaction === 'begin';
    this.#send(be.commandComplete(outcome.tag));
  }

  #ready(): void {
    this.#send(be.readyForQuery(this.#inBlock ? 'T' : 'I'));
  }

  #error(code: string, message: string): void {
    this.#send(be.errorResponse({ severity: 'ERROR', code, message }));
  }

  #send(bytes: Buffer): void {
    this.#out.push(bytes);
  }

  #flush(): void {
    if (this.#out.length === 0 || this.#phase === 'closed' || this.#socket.destroyed) {
      this.#out.length = 0;
      return;
    }
    this.#socket.write(this.#out.length === 1 ? this.#out[0]! : Buffer.concat(this.#out));
    this.#out.length = 0;
  }

  #fatal(code: string, message: string): void {
    if (this.#phase === 'closed') return;
    this.#send(be.errorResponse({ severity: 'FATAL', code, message }));
    this.#flush();
    this.#close();
  }

  #close(): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    clearTimeout(this.#timer);
    this.#prepared.clear();
    this.#portals.clear();
    this.#socket.end();
    // A peer that never reads must not keep the socket: destroy after a grace period.
    setTimeout(() => this.#socket.destroy(), 1000).unref();
  }
}

function sqlError(code: string, message: string): SqlError {
  return new SqlError(code, message);
}

/** A text parameter: an invalid byte sequence fails the statement, not the connection. */
function decodeUtf8(bytes: Buffer): string {
  try {
    return decodeText(bytes);
  } catch {
    throw sqlError('22021', 'invalid byte sequence for encoding "UTF8"');
  }
}
