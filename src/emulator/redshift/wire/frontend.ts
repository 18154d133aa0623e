/**
 * The client side of the Postgres wire as the emulator's Redshift SQL endpoint reads it: untrusted bytes
 * framed into the startup-phase packets (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage) and the
 * typed messages that follow (Query, Parse, Bind, Describe, Execute, Close, Sync, Flush, Terminate,
 * PasswordMessage and Redshift's IdP token message `'i'`).
 *
 * Every malformed input is a {@link WireProtocolError} with a SQLSTATE; nothing here throws anything else,
 * allocates more than the declared limits, or waits for bytes a length field cannot justify.
 */

/** Request codes of the startup phase (the second Int32 of an untyped packet). */
export const SSL_REQUEST_CODE = 80877103;
/** GSSAPI encryption request. */
export const GSSENC_REQUEST_CODE = 80877104;
/** Cancel request. */
export const CANCEL_REQUEST_CODE = 80877102;
/** Protocol 3.0. */
export const PROTOCOL_3 = 196608;

/** Longest startup packet accepted, bytes (Postgres's own limit). */
export const MAX_STARTUP_BYTES = 10_000;
/** Longest typed message accepted, bytes (SQL text is limited to 256 KiB by the engine). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Most parameters of one Parse or Bind message (Postgres's limit). */
const MAX_PARAMETERS = 65_535;

/** A client message that breaks the protocol. */
export class WireProtocolError extends Error {
  /** SQLSTATE, `08P01` (protocol violation) unless stated otherwise. */
  readonly sqlState: string;

  constructor(message: string, sqlState = '08P01') {
    super(message);
    this.name = 'WireProtocolError';
    this.sqlState = sqlState;
  }
}

/** A packet of the startup phase. */
export type StartupPacket =
  | { readonly type: 'ssl-request' }
  | { readonly type: 'gssenc-request' }
  | { readonly type: 'cancel'; readonly processId: number; readonly secretKey: number }
  | { readonly type: 'startup'; readonly parameters: ReadonlyMap<string, string> };

/** A typed client message. */
export type FrontendMessage =
  | { readonly type: 'query'; readonly sql: string }
  | {
      readonly type: 'parse';
      readonly name: string;
      readonly sql: string;
      readonly parameterTypes: readonly number[];
    }
  | {
      readonly type: 'bind';
      readonly portal: string;
      readonly statement: string;
      /** Per-parameter format codes, expanded (0 text, 1 binary). */
      readonly parameterFormats: readonly number[];
      readonly values: readonly (Buffer | null)[];
      /** Result format codes as sent (empty = all text; one = all columns). */
      readonly resultFormats: readonly number[];
    }
  | { readonly type: 'describe'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly type: 'execute'; readonly portal: string; readonly maxRows: number }
  | { readonly type: 'close'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly type: 'sync' }
  | { readonly type: 'flush' }
  | { readonly type: 'terminate' }
  | { readonly type: 'password'; readonly password: string }
  | { readonly type: 'idp-token'; readonly token: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads the fields of one message body, strictly. */
class BodyReader {
  readonly #body: Buffer;
  #pos = 0;

  constructor(body: Buffer) {
    this.#body = body;
  }

  int16(): number {
    if (this.#pos + 2 > this.#body.length) throw new WireProtocolError('invalid message format');
    const v = this.#body.readInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }

  int32(): number {
    if (this.#pos + 4 > this.#body.length) throw new WireProtocolError('invalid message format');
    const v = this.#body.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  byte(): number {
    if (this.#pos >= this.#body.length) throw new WireProtocolError('invalid message format');
    return this.#body[this.#pos++] as number;
  }

  bytes(n: number): Buffer {
    if (n < 0 || this.#pos + n > this.#body.length) throw new WireProtocolError('invalid message format');
    const out = this.#body.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  cstring(): string {
    const end = this.#body.indexOf(0, this.#pos);
    if (end < 0) throw new WireProtocolError('invalid string in message');
    const text = decodeText(this.#body.subarray(this.#pos, end));
    this.#pos = end + 1;
    return text;
  }

  rest(): Buffer {
    return this.bytes(this.#body.length - this.#pos);
  }

  end(): void {
    if (this.#pos !== this.#body.length) throw new WireProtocolError('invalid message format');
  }
}

/** UTF-8 text, or `22021` for an invalid byte sequence. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WireProtocolError('invalid byte sequence for encoding "UTF8"', '22021');
  }
}

function formatCodes(reader: BodyReader, count: number): number[] {
  if (count < 0 || count > MAX_PARAMETERS) throw new WireProtocolError('invalid format code count');
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const code = reader.int16();
    if (code !== 0 && code !== 1) throw new WireProtocolError(`unsupported format code: ${code}`);
    out.push(code);
  }
  return out;
}

function parseStartup(body: Buffer): StartupPacket {
  const reader = new BodyReader(body);
  const code = reader.int32();
  if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
    reader.end();
    return { type: code === SSL_REQUEST_CODE ? 'ssl-request' : 'gssenc-request' };
  }
  if (code === CANCEL_REQUEST_CODE) {
    const processId = reader.int32();
    const secretKey = reader.int32();
    reader.end();
    return { type: 'cancel', processId, secretKey };
  }
  if (code >>> 16 !== 3) {
    throw new WireProtocolError(
      `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0`,
      '0A000',
    );
  }
  const parameters = new Map<string, string>();
  for (;;) {
    const name = reader.cstring();
    if (name === '') break;
    if (parameters.size >= 64) throw new WireProtocolError('too many startup parameters');
    parameters.set(name, reader.cstring());
  }
  reader.end();
  return { type: 'startup', parameters };
}

function parseTyped(type: number, body: Buffer): FrontendMessage {
  const reader = new BodyReader(body);
  let message: FrontendMessage;
  switch (String.fromCharCode(type)) {
    case 'Q':
      message = { type: 'query', sql: reader.cstring() };
      break;
    case 'P': {
      const name = reader.cstring();
      const sql = reader.cstring();
      const count = reader.int16();
      if (count < 0 || count > MAX_PARAMETERS) throw new WireProtocolError('invalid parameter type count');
      const parameterTypes: number[] = [];
      for (let i = 0; i < count; i++) parameterTypes.push(reader.int32() >>> 0);
      message = { type: 'parse', name, sql, parameterTypes };
      break;
    }
    case 'B': {
      const portal = reader.cstring();
      const statement = reader.cstring();
      const formats = formatCodes(reader, reader.int16());
      const count = reader.int16();
      if (count < 0 || count > MAX_PARAMETERS) throw new WireProtocolError('invalid parameter count');
      if (formats.length > 1 && formats.length !== count) {
        throw new WireProtocolError(
          `bind message has ${formats.length} parameter formats but ${count} parameters`,
        );
      }
      const values: (Buffer | null)[] = [];
      for (let i = 0; i < count; i++) {
        const length = reader.int32();
        if (length < -1) throw new WireProtocolError('invalid parameter length');
        values.push(length === -1 ? null : Buffer.from(reader.bytes(length)));
      }
      const parameterFormats = values.map((_, i) => (formats.length === 1 ? formats[0]! : (formats[i] ?? 0)));
      const resultFormats = formatCodes(reader, reader.int16());
      message = { type: 'bind', portal, statement, parameterFormats, values, resultFormats };
      break;
    }
    case 'D':
    case 'C': {
      const target = String.fromCharCode(reader.byte());
      if (target !== 'S' && target !== 'P') throw new WireProtocolError('invalid describe or close target');
      const name = reader.cstring();
      message = { type: type === 0x44 ? 'describe' : 'close', target, name };
      break;
    }
    case 'E': {
      const portal = reader.cstring();
      const maxRows = reader.int32();
      message = { type: 'execute', portal, maxRows: Math.max(0, maxRows) };
      break;
    }
    case 'S':
      message = { type: 'sync' };
      break;
    case 'H':
      message = { type: 'flush' };
      break;
    case 'X':
      message = { type: 'terminate' };
      break;
    case 'p':
      message = { type: 'password', password: reader.cstring() };
      break;
    case 'i': {
      // JDBC ends the token with a NUL, the Python driver does not: accept both.
      let raw = reader.rest();
      if (raw.length > 0 && raw[raw.length - 1] === 0) raw = raw.subarray(0, raw.length - 1);
      if (raw.includes(0)) throw new WireProtocolError('invalid token message');
      message = { type: 'idp-token', token: decodeText(raw) };
      break;
    }
    default:
      throw new WireProtocolError(`invalid frontend message type ${type}`);
  }
  reader.end();
  return message;
}

/**
 * Frames a byte stream into client messages. `push` bytes as they arrive; `startup()` (before the session
 * starts) and `next()` (after) return one message or `undefined` when more bytes are needed.
 */
export class FrontendReader {
  #buffer: Buffer = Buffer.alloc(0);

  /** Appends received bytes. */
  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
  }

  /** Bytes received and not yet framed. */
  get pending(): number {
    return this.#buffer.length;
  }

  /** The next startup-phase packet. @throws WireProtocolError */
  startup(): StartupPacket | undefined {
    if (this.#buffer.length < 4) return undefined;
    const length = this.#buffer.readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_BYTES)
      throw new WireProtocolError('invalid length of startup packet');
    if (this.#buffer.length < length) return undefined;
    const body = this.#buffer.subarray(4, length);
    this.#buffer = this.#buffer.subarray(length);
    return parseStartup(body);
  }

  /** The next typed message. @throws WireProtocolError */
  next(): FrontendMessage | undefined {
    if (this.#buffer.length < 5) return undefined;
    const type = this.#buffer[0] as number;
    const length = this.#buffer.readInt32BE(1);
    if (length < 4 || length > MAX_MESSAGE_BYTES) throw new WireProtocolError('invalid message length');
    if (this.#buffer.length < length + 1) return undefined;
    const body = this.#buffer.subarray(5, length + 1);
    this.#buffer = this.#buffer.subarray(length + 1);
    return parseTyped(type, body);
  }
}
