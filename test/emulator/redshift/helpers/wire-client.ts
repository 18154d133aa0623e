/**
 * A hand-written Postgres-wire client for the SQL endpoint tests: raw frames in, raw frames out, so tests
 * control every byte (both `'i'` framings, a startup without `user`, plaintext) — no driver in between.
 */
import { type Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** A server message. */
export interface Frame {
  readonly type: string;
  readonly body: Buffer;
}

/** A typed frontend message. */
export function frame(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** A startup packet. */
export function startup(params: Record<string, string>): Buffer {
  const body = Buffer.from(
    `${Object.entries(params)
      .map(([k, v]) => `${k}\0${v}\0`)
      .join('')}\0`,
    'utf8',
  );
  const head = Buffer.alloc(8);
  head.writeInt32BE(body.length + 8, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, body]);
}

/** The token message, with the JDBC driver's trailing NUL or without it (the Python driver). */
export function tokenMessage(token: string, trailingNul: boolean): Buffer {
  return frame('i', Buffer.from(trailingNul ? `${token}\0` : token, 'utf8'));
}

export const query = (sql: string) => frame('Q', Buffer.from(`${sql}\0`, 'utf8'));
export const sync = () => frame('S', Buffer.alloc(0));

/** Parse + Bind (text parameters) + Describe portal + Execute + Sync. */
export function extended(sql: string, values: (string | null)[], name = ''): Buffer {
  const params = values.map((v) => {
    if (v === null) {
      const b = Buffer.alloc(4);
      b.writeInt32BE(-1);
      return b;
    }
    const bytes = Buffer.from(v, 'utf8');
    const len = Buffer.alloc(4);
    len.writeInt32BE(bytes.length);
    return Buffer.concat([len, bytes]);
  });
  const count = Buffer.alloc(2);
  count.writeInt16BE(values.length);
  const zero16 = Buffer.alloc(2);
  const exec = Buffer.alloc(4);
  return Buffer.concat([
    frame('P', Buffer.concat([Buffer.from(`${name}\0${sql}\0`), zero16])),
    frame('B', Buffer.concat([Buffer.from(`\0${name}\0`), zero16, count, ...params, zero16])),
    frame('D', Buffer.from('P\0')),
    frame('E', Buffer.concat([Buffer.from('\0'), exec])),
    sync(),
  ]);
}

/** The SSLRequest packet. */
export function sslRequest(): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8, 0);
  b.writeInt32BE(80877103, 4);
  return b;
}

/** An open connection, TLS or plaintext. */
export class WireClient {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, d]);
      for (const w of this.#waiters.splice(0)) w();
    });
    const end = () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w();
    };
    socket.on('close', end);
    socket.on('end', end);
    socket.on('error', end);
  }

  /** Connects; with `ca`, negotiates TLS (SSLRequest, `S`, handshake) first. */
  static async open(port: number, ca?: string): Promise<WireClient> {
    const raw = netConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      raw.once('connect', () => resolve());
      raw.once('error', reject);
    });
    if (ca === undefined) return new WireClient(raw);
    raw.write(sslRequest());
    const answer = await new Promise<Buffer>((resolve) => raw.once('data', resolve));
    if (answer.toString() !== 'S') throw new Error(`SSLRequest answered ${answer.toString()}`);
    const secure = tlsConnect({ socket: raw, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    return new WireClient(secure);
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits for more bytes or the close, up to `ms`. */
  async #wait(ms: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer in time')), ms);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The next whole message, or undefined when the server closed first. */
  async next(ms = 10_000): Promise<Frame | undefined> {
    for (;;) {
      if (this.#buffer.length >= 5) {
        const length = this.#buffer.readInt32BE(1);
        if (this.#buffer.length >= length + 1) {
          const type = String.fromCharCode(this.#buffer[0]!);
          const body = this.#buffer.subarray(5, length + 1);
          this.#buffer = this.#buffer.subarray(length + 1);
          return { type, body };
        }
      }
      if (this.closed) return undefined;
      await this.#wait(ms);
    }
  }

  /** Messages up to and including the first of `type` (or the close). */
  async until(type: string, ms = 10_000): Promise<Frame[]> {
    const out: Frame[] = [];
    for (;;) {
      const f = await this.next(ms);
      if (!f) return out;
      out.push(f);
      if (f.type === type) return out;
    }
  }

  /** Resolves once the server has closed the connection, or rejects after `ms`. */
  async closedWithin(ms: number): Promise<void> {
    while (!this.closed) await this.#wait(ms);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Fields of an ErrorResponse body: `{ S, C, M }`. */
export function errorFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length && body[pos] !== 0) {
    const end = body.indexOf(0, pos + 1);
    out[String.fromCharCode(body[pos]!)] = body.subarray(pos + 1, end).toString('utf8');
    pos = end + 1;
  }
  return out;
}

/** The text cells of a DataRow body. */
export function dataRow(body: Buffer): (string | null)[] {
  const n = body.readInt16BE(0);
  const out: (string | null)[] = [];
  let pos = 2;
  for (let i = 0; i < n; i++) {
    const len = body.readInt32BE(pos);
    pos += 4;
    if (len < 0) out.push(null);
    else {
      out.push(body.subarray(pos, pos + len).toString('utf8'));
      pos += len;
    }
  }
  return out;
}

/** ParameterStatus name → value from a list of frames. */
export function parameterStatuses(frames: readonly Frame[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of frames.filter((x) => x.type === 'S')) {
    const [name, value] = f.body.toString('utf8').split('\0');
    out[name!] = value!;
  }
  return out;
}
