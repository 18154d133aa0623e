/**
 * The few Postgres-wire messages tip-sdk speaks itself on a Redshift SQL connection before handing it to
 * `pg`: SSLRequest, the startup packet, the IdP token message `'i'`, and the framing of the server's
 * answers until authentication ends. Server bytes are untrusted: a malformed frame is a
 * {@link ServerFrameError}, never a crash or an unbounded buffer.
 *
 * @module
 */

/** Most bytes of one server message accepted during authentication. */
export const MAX_AUTH_FRAME_BYTES = 64 * 1024;

/** The SSLRequest packet (length 8, code 80877103). */
export function sslRequest(): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8, 0);
  b.writeInt32BE(80877103, 4);
  return b;
}

/** A protocol 3.0 startup packet with `parameters` (names and values without NUL). */
export function startupPacket(parameters: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(parameters)) {
    parts.push(Buffer.from(`${name}\0${value}\0`, 'utf8'));
  }
  parts.push(Buffer.from([0]));
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeInt32BE(body.length + 8, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, body]);
}

/** The IdP token message: `'i'`, length, the token and a trailing NUL (as the JDBC driver sends it). */
export function idpTokenMessage(token: string): Buffer {
  const body = Buffer.from(`${token}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('i', 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** A server frame that breaks the protocol. */
export class ServerFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerFrameError';
  }
}

/** One server message: its type byte and body, plus the raw bytes (to hand on unchanged). */
export interface ServerFrame {
  readonly type: string;
  readonly body: Buffer;
  readonly raw: Buffer;
}

/** Frames server bytes into messages. */
export class ServerFramer {
  #buffer: Buffer = Buffer.alloc(0);

  /** Appends received bytes. */
  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
  }

  /** The next whole message, or undefined when more bytes are needed. @throws ServerFrameError */
  next(): ServerFrame | undefined {
    if (this.#buffer.length < 5) return undefined;
    const length = this.#buffer.readInt32BE(1);
    if (length < 4 || length > MAX_AUTH_FRAME_BYTES) {
      throw new ServerFrameError('the server sent a message with an invalid length');
    }
    if (this.#buffer.length < length + 1) return undefined;
    const raw = this.#buffer.subarray(0, length + 1);
    this.#buffer = this.#buffer.subarray(length + 1);
    return { type: String.fromCharCode(raw[0] as number), body: raw.subarray(5), raw };
  }

  /** Bytes received and not yet framed (handed on as they are once authentication ends). */
  rest(): Buffer {
    const rest = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return rest;
  }
}

/** The authentication code of an `'R'` message. @throws ServerFrameError */
export function authenticationCode(frame: ServerFrame): number {
  if (frame.body.length < 4) throw new ServerFrameError('the server sent a malformed authentication request');
  return frame.body.readInt32BE(0);
}

/** Fields of an ErrorResponse or NoticeResponse: SQLSTATE (`C`), message (`M`), severity (`S`). */
export interface ServerError {
  readonly severity: string;
  readonly sqlState: string;
  readonly message: string;
}

/** Reads an ErrorResponse body; missing fields read as empty. Never throws. */
export function parseServerError(body: Buffer): ServerError {
  const fields = new Map<string, string>();
  let pos = 0;
  while (pos < body.length && body[pos] !== 0 && fields.size < 32) {
    const code = String.fromCharCode(body[pos] as number);
    const end = body.indexOf(0, pos + 1);
    if (end < 0) break;
    fields.set(code, body.subarray(pos + 1, end).toString('utf8'));
    pos = end + 1;
  }
  const text = (code: string, max: number) => (fields.get(code) ?? '').slice(0, max);
  return { severity: text('S', 16), sqlState: text('C', 5), message: text('M', 500) };
}
