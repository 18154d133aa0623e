/**
 * The socket `pg` talks through on a Redshift SQL connection as the user. `pg` cannot answer Redshift's
 * identity-provider authentication (AuthenticationRequest 14), so this stream does the connection's
 * start itself and then steps aside:
 *
 * 1. fetches the token (before any socket is opened, so no connection idles during an AWS call);
 * 2. connects, sends SSLRequest and requires `S`, then completes TLS with the caller's options;
 * 3. tells `pg` it is connected, and replaces `pg`'s startup packet with the one the Redshift drivers
 *    send (`plugin_name`, `idp_type=AwsIdc`, `token_type`, no `user`…);
 * 4. answers code 14 with message `'i'` holding the token, hides that exchange from `pg`, and hands it
 *    everything from AuthenticationOk on — after which bytes pass through unchanged both ways.
 *
 * Failures before that point destroy the stream with a {@link TipError}, which `pg` rejects `connect()`
 * with. The token never appears in an error, even when a server echoes it.
 *
 * @module
 */
import { type Socket, connect as netConnect } from 'node:net';
import { Duplex } from 'node:stream';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { TipError, isTipError } from '../../errors.js';
import { clause } from '../../message-text.js';
import {
  ServerFrameError,
  ServerFramer,
  authenticationCode,
  idpTokenMessage,
  parseServerError,
  sslRequest,
  startupPacket,
} from './wire-messages.js';

/** A token for the `'i'` message and the `token_type` it is sent as. */
export interface WireToken {
  /** The token. Secret. */
  readonly token: string;
  /** `SUBJECT_TOKEN` (GetIdentityCenterAuthToken), `ACCESS_TOKEN` (IdC) or `EXT_JWT` (external IdP). */
  readonly tokenType: 'SUBJECT_TOKEN' | 'ACCESS_TOKEN' | 'EXT_JWT';
}

/** What one connection needs. */
export interface IdcStreamOptions {
  readonly host: string;
  readonly port: number;
  /** TLS options (`ca`, `servername`, `rejectUnauthorized`…); `socket` is set by the stream. */
  readonly tls: ConnectionOptions;
  /** Fetches the token for this connection. */
  readonly token: () => Promise<WireToken>;
  /** Startup parameters besides `token_type`. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Deadline for the whole start (token, TCP, TLS, login), ms. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

type State = 'idle' | 'starting' | 'awaiting-startup' | 'authenticating' | 'open' | 'closed';

const SSL_OK = 0x53; // 'S'
const SSL_REFUSED = 0x4e; // 'N'

function networkError(error: unknown, host: string, port: number): TipError {
  const code = (error as { code?: unknown })?.code;
  return new TipError(
    'ERR_AWS_UNAVAILABLE',
    `Could not reach the Redshift endpoint ${host}:${port}${typeof code === 'string' ? ` (${code})` : ''}; check the host, the port (5439 by default) and network access.`,
    { cause: error, details: { service: 'redshift', operation: 'connect' } },
  );
}

/** The Duplex `pg` uses as its connection; see the module comment. */
export class IdcAuthStream extends Duplex {
  readonly #options: IdcStreamOptions;
  #state: State = 'idle';
  #raw: Socket | undefined;
  #tls: TLSSocket | undefined;
  #token: WireToken | undefined;
  #startup = Buffer.alloc(0);
  readonly #framer = new ServerFramer();
  readonly #held: { chunk: Buffer; callback: (error?: Error | null) => void }[] = [];
  #noDelay = true;
  #keepAlive: [boolean, number] | undefined;
  #unref = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: IdcStreamOptions) {
    super({ allowHalfOpen: false });
    this.#options = options;
  }

  /** Called by `pg`; the stream connects to its own host and port. */
  connect(): this {
    if (this.#state !== 'idle') return this;
    this.#state = 'starting';
    this.#timer = setTimeout(
      () =>
        this.#fail(
          new TipError(
            'ERR_TIMEOUT',
            `The Redshift connection did not open within ${this.#options.timeoutMs} ms.`,
            {
              details: { service: 'redshift', operation: 'connect', timeoutMs: this.#options.timeoutMs },
            },
          ),
        ),
      this.#options.timeoutMs,
    );
    const signal = this.#options.signal;
    const aborted = () =>
      this.#fail(
        new TipError('ERR_ABORTED', 'The Redshift connection was aborted.', { cause: signal?.reason }),
      );
    if (signal?.aborted) {
      queueMicrotask(aborted);
      return this;
    }
    signal?.addEventListener('abort', aborted, { once: true });
    this.once('close', () => signal?.removeEventListener('abort', aborted));
    void this.#start();
    return this;
  }

  setNoDelay(noDelay = true): this {
    this.#noDelay = noDelay;
    this.#raw?.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable = false, initialDelay = 0): this {
    this.#keepAlive = [enable, initialDelay];
    this.#raw?.setKeepAlive(enable, initialDelay);
    return this;
  }

  ref(): this {
    this.#unref = false;
    this.#raw?.ref();
    return this;
  }

  unref(): this {
    this.#unref = true;
    this.#raw?.unref();
    return this;
  }

  async #start(): Promise<void> {
    const { host, port } = this.#options;
    try {
      this.#token = await this.#options.token();
    } catch (error) {
      return this.#fail(
        isTipError(error)
          ? error
          : new TipError('ERR_AWS_UNKNOWN', 'The token for the Redshift connection could not be fetched.', {
              cause: error,
            }),
      );
    }
    if (this.#state !== 'starting') return;
    const raw = netConnect({ host, port });
    this.#raw = raw;
    raw.setNoDelay(this.#noDelay);
    if (this.#keepAlive) raw.setKeepAlive(...this.#keepAlive);
    if (this.#unref) raw.unref();
    raw.on('error', (error) =>
      this.#fail(this.#state === 'starting' ? networkError(error, host, port) : error),
    );
    raw.once('connect', () => raw.write(sslRequest()));
    raw.once('data', (chunk: Buffer) => this.#sslAnswer(chunk));
  }

  #sslAnswer(chunk: Buffer): undefined {
    const raw = this.#raw!;
    if (chunk[0] === SSL_REFUSED || chunk[0] !== SSL_OK || chunk.length !== 1) {
      const refused = chunk[0] === SSL_REFUSED;
      return this.#fail(
        new TipError(
          'ERR_REDSHIFT_TLS_REQUIRED',
          refused
            ? 'The endpoint refused TLS; IAM Identity Center logins need an encrypted connection: connect to the Redshift endpoint itself.'
            : 'The endpoint did not answer the TLS request as a Redshift (Postgres-wire) server would; check the host and port.',
          { details: { reason: refused ? 'refused' : 'unexpected_answer' } },
        ),
      );
    }
    const secure = tlsConnect({ ...this.#options.tls, socket: raw });
    this.#tls = secure;
    secure.on('error', (error) => {
      if (this.#state === 'starting')
        this.#fail(
          new TipError(
            'ERR_REDSHIFT_TLS_REQUIRED',
            `TLS with the Redshift endpoint failed (${(error as { code?: string }).code ?? error.message}); trust its CA (ssl.ca) and connect with a host name its certificate names.`,
            { cause: error, details: { reason: 'handshake' } },
          ),
        );
      else this.#fail(error);
    });
    secure.once('secureConnect', () => {
      this.#state = 'awaiting-startup';
      this.emit('connect');
    });
    secure.on('data', (data: Buffer) => this.#fromServer(data));
    secure.on('end', () => this.push(null));
    secure.on('close', () => this.destroy());
  }

  #fromServer(data: Buffer): undefined {
    if (this.#state === 'open') {
      if (!this.push(data)) this.#tls?.pause();
      return;
    }
    if (this.#state !== 'authenticating') return;
    this.#framer.push(data);
    try {
      for (let frame = this.#framer.next(); frame; frame = this.#framer.next()) {
        if (frame.type === 'N') continue;
        if (frame.type === 'E') return this.#fail(this.#refusal(parseServerError(frame.body)));
        if (frame.type !== 'R')
          throw new ServerFrameError(`unexpected message ${JSON.stringify(frame.type)}`);
        const code = authenticationCode(frame);
        if (code === 14) {
          this.#tls!.write(idpTokenMessage(this.#token!.token));
          continue;
        }
        if (code !== 0) {
          return this.#fail(
            new TipError(
              'ERR_REDSHIFT_IDP_AUTH_UNSUPPORTED',
              `The endpoint asked for authentication method ${code} instead of an identity-provider token: enable IAM Identity Center on the workgroup or cluster (CREATE IDENTITY PROVIDER … TYPE AWSIDC).`,
              { details: { authenticationCode: code } },
            ),
          );
        }
        this.#open(Buffer.concat([frame.raw, this.#framer.rest()]));
        return;
      }
    } catch (error) {
      this.#fail(
        new TipError('ERR_SERVICE_RESPONSE_INVALID', 'The Redshift endpoint sent a malformed login answer.', {
          cause: error,
          details: { service: 'redshift', operation: 'connect' },
        }),
      );
    }
  }

  #refusal(server: { sqlState: string; message: string }): TipError {
    const token = this.#token?.token ?? '';
    // A server may echo what it was sent: never let the token into an error.
    const reason = token.length > 0 ? server.message.split(token).join('[token]') : server.message;
    const details = { sqlState: server.sqlState, reason, tokenType: this.#token?.tokenType ?? '' };
    if (server.sqlState === '28000' || server.sqlState === '28P01') {
      return new TipError(
        'ERR_REDSHIFT_TOKEN_REFUSED',
        `Redshift refused the ${details.tokenType} token: ${clause(reason)}. Connect again with a fresh token for this workgroup or cluster.`,
        { details },
      );
    }
    if (server.sqlState === '3D000')
      return new TipError('ERR_NOT_FOUND', `Redshift: ${clause(reason)}. Check the database name.`, {
        details,
      });
    return new TipError('ERR_AWS_UNKNOWN', `Redshift refused the connection: ${reason}`, { details });
  }

  #open(fromAuthOk: Buffer): void {
    this.#state = 'open';
    clearTimeout(this.#timer);
    this.push(fromAuthOk);
    for (const { chunk, callback } of this.#held.splice(0)) this.#tls!.write(chunk, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#state === 'open') {
      this.#tls!.write(chunk, callback);
      return;
    }
    if (this.#state !== 'awaiting-startup') {
      this.#held.push({ chunk, callback });
      return;
    }
    // pg's first packet: its startup (replaced by ours) or a CancelRequest (passed on as is).
    this.#startup = Buffer.concat([this.#startup, chunk]);
    const length = this.#startup.length < 8 ? Number.POSITIVE_INFINITY : this.#startup.readInt32BE(0);
    if (this.#startup.length < length) {
      callback();
      return;
    }
    const code = this.#startup.readInt32BE(4);
    const rest = this.#startup.subarray(length);
    if (code === 80877102) {
      this.#state = 'open';
      clearTimeout(this.#timer);
      this.#tls!.write(this.#startup, callback);
      return;
    }
    this.#state = 'authenticating';
    this.#tls!.write(startupPacket({ ...this.#options.parameters, token_type: this.#token!.tokenType }));
    if (rest.length > 0) this.#held.push({ chunk: rest, callback });
    else callback();
  }

  override _read(): void {
    this.#tls?.resume();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#tls) this.#tls.end(callback);
    else callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#state = 'closed';
    clearTimeout(this.#timer);
    for (const { callback: held } of this.#held.splice(0)) held(error ?? new Error('connection closed'));
    this.#tls?.destroy();
    this.#raw?.destroy();
    callback(error);
  }

  #fail(error: Error): undefined {
    if (this.#state === 'closed') return;
    this.destroy(error);
  }
}
