/**
 * `connectRedshift()` against scripted servers on loopback: the exact startup parameters sent, and every
 * way a server can refuse or misbehave before the login ends, each a typed error that never shows the
 * token. Plus the server-answer framing (untrusted input) as a table and a fast-check property.
 */
import { type Server, type Socket, createServer } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevelopmentCertificates } from '../../src/emulator/redshift/wire/certificate.js';
import { isTipError } from '../../src/errors.js';
import { connectRedshift } from '../../src/services/redshift/connect.js';
import { loadPg } from '../../src/services/redshift/load-pg.js';
import {
  ServerFrameError,
  ServerFramer,
  parseServerError,
} from '../../src/services/redshift/wire-messages.js';
import { redshift } from '../../src/services/redshift/handle.js';
import { testContext } from './helpers.js';

const certs = createDevelopmentCertificates();
const context = createSecureContext({ cert: certs.certPem, key: certs.keyPem });
const SECRET = 'secret-token-value-never-in-errors-0123456789';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const auth = (code: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(code);
  return message('R', b);
};
const fatal = (code: string, text: string) => message('E', Buffer.from(`SFATAL\0C${code}\0M${text}\0\0`));

/** A server that answers SSLRequest with `ssl`, then (TLS) calls `script` with the startup and each message. */
async function scripted(
  ssl: 'S' | 'N' | 'silent',
  script?: (socket: TLSSocket, startup: Map<string, string>, messages: Buffer[]) => void,
): Promise<number> {
  const server = createServer((raw: Socket) => {
    raw.on('error', () => undefined);
    raw.once('data', () => {
      if (ssl === 'silent') return;
      raw.write(ssl);
      if (ssl === 'N') return;
      const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
      secure.on('error', () => undefined);
      let buffer = Buffer.alloc(0);
      let startup: Map<string, string> | undefined;
      const messages: Buffer[] = [];
      secure.on('data', (d: Buffer) => {
        buffer = Buffer.concat([buffer, d]);
        if (!startup && buffer.length >= 4 && buffer.length >= buffer.readInt32BE(0)) {
          const fields = buffer
            .subarray(8, buffer.readInt32BE(0) - 1)
            .toString('utf8')
            .split('\0');
          startup = new Map();
          for (let i = 0; i + 1 < fields.length; i += 2) startup.set(fields[i]!, fields[i + 1]!);
          buffer = buffer.subarray(buffer.readInt32BE(0));
          script?.(secure, startup, messages);
        }
        while (startup && buffer.length >= 5 && buffer.length >= buffer.readInt32BE(1) + 1) {
          messages.push(buffer.subarray(0, buffer.readInt32BE(1) + 1));
          buffer = buffer.subarray(buffer.readInt32BE(1) + 1);
          script?.(secure, startup, messages);
        }
      });
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

const options = (port: number) => ({
  host: 'localhost',
  port,
  database: 'dev',
  ssl: { ca: certs.caPem },
  token: async () => ({ token: SECRET, tokenType: 'SUBJECT_TOKEN' as const }),
});

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => new Error('connected'),
    (e: unknown) => e,
  );
  expect(isTipError(error)).toBe(true);
  expect(JSON.stringify(error)).not.toContain(SECRET);
  expect(String((error as Error).message)).not.toContain(SECRET);
  return error as { code: string; details: Record<string, unknown>; message: string };
}

describe('connectRedshift against scripted servers', () => {
  it('sends the drivers’ startup parameters without user, then the token in message i', async () => {
    let seen: Map<string, string> | undefined;
    let token: string | undefined;
    const port = await scripted('S', (socket, startup, messages) => {
      seen = startup;
      if (messages.length === 0) return void socket.write(auth(14));
      token = messages[0]!.subarray(5).toString('utf8');
      socket.end(fatal('28000', 'Token credentials expired or invalid'));
    });
    const error = await failure(connectRedshift({ ...options(port), applicationName: 'reports' }));
    expect(error.code).toBe('ERR_REDSHIFT_TOKEN_REFUSED');
    expect(token).toBe(`${SECRET}\0`);
    expect(Object.fromEntries(seen!)).toMatchObject({
      database: 'dev',
      client_encoding: 'UTF8',
      DateStyle: 'ISO',
      application_name: 'reports',
      plugin_name: 'IdpTokenAuthPlugin',
      client_protocol_version: '0',
      idp_type: 'AwsIdc',
      token_type: 'SUBJECT_TOKEN',
    });
    expect(seen!.has('user')).toBe(false);
  });

  it('removes the token from a server message that echoes it', async () => {
    const port = await scripted('S', (socket, _s, messages) => {
      if (messages.length === 0) return void socket.write(auth(14));
      socket.end(fatal('28000', `bad token ${SECRET}`));
    });
    const error = await failure(connectRedshift(options(port)));
    expect(error.details.reason).toBe('bad token [token]');
  });

  it('refused TLS is ERR_REDSHIFT_TLS_REQUIRED (refused), before any token is sent', async () => {
    const error = await failure(connectRedshift(options(await scripted('N'))));
    expect(error.code).toBe('ERR_REDSHIFT_TLS_REQUIRED');
    expect(error.details.reason).toBe('refused');
  });

  it('a password request is ERR_REDSHIFT_IDP_AUTH_UNSUPPORTED', async () => {
    const port = await scripted('S', (socket) => socket.write(auth(3)));
    const error = await failure(connectRedshift(options(port)));
    expect(error.code).toBe('ERR_REDSHIFT_IDP_AUTH_UNSUPPORTED');
    expect(error.details.authenticationCode).toBe(3);
  });

  it('a malformed answer is ERR_SERVICE_RESPONSE_INVALID; other refusals keep their SQLSTATE', async () => {
    const bad = await scripted('S', (socket) => socket.write(Buffer.from([0x52, 0, 0, 0, 2])));
    expect((await failure(connectRedshift(options(bad)))).code).toBe('ERR_SERVICE_RESPONSE_INVALID');
    const busy = await scripted('S', (socket) => socket.end(fatal('53300', 'too many clients')));
    const error = await failure(connectRedshift(options(busy)));
    expect(error).toMatchObject({ code: 'ERR_AWS_UNKNOWN', details: { sqlState: '53300' } });
  });

  it('a silent server is ERR_TIMEOUT, an abort ERR_ABORTED, a closed port ERR_AWS_UNAVAILABLE', async () => {
    const silent = await scripted('silent');
    expect((await failure(connectRedshift({ ...options(silent), connectTimeoutMs: 200 }))).code).toBe(
      'ERR_TIMEOUT',
    );
    const controller = new AbortController();
    const pending = connectRedshift({ ...options(silent), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).code).toBe('ERR_ABORTED');
    const closed = await scripted('silent');
    await new Promise((r) => servers.pop()!.close(r));
    expect((await failure(connectRedshift(options(closed)))).code).toBe('ERR_AWS_UNAVAILABLE');
  });

  it('a failing token source fails the connection with its own error, before any socket', async () => {
    let connections = 0;
    const port = await scripted('S', () => {
      connections++;
    });
    const error = await failure(
      connectRedshift({
        ...options(port),
        token: async () => {
          throw new Error('no credentials');
        },
      }),
    );
    expect(error.code).toBe('ERR_AWS_UNKNOWN');
    expect(connections).toBe(0);
  });
});

describe('options and the pg package', () => {
  it('refuses bad options with a TypeError before connecting', async () => {
    const token = async () => ({ token: 't', tokenType: 'SUBJECT_TOKEN' as const });
    const base = { host: 'h', database: 'dev', token };
    await expect(connectRedshift({ ...base, ssl: false as unknown as true })).rejects.toThrow(TypeError);
    await expect(connectRedshift({ ...base, host: '' })).rejects.toThrow(/host/);
    await expect(connectRedshift({ ...base, port: 70_000 })).rejects.toThrow(/port/);
    await expect(connectRedshift({ ...base, database: undefined as unknown as string })).rejects.toThrow(
      /database/,
    );
    const handle = redshift(testContext().ctx);
    await expect(
      handle.connect({ workgroupName: 'a', clusterIdentifier: 'b', ...base } as never),
    ).rejects.toThrow(/workgroupName/);
  });

  it('a missing pg is ERR_MISSING_DEPENDENCY naming the package', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await loadPg(undefined, async () => {
      throw missing;
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MISSING_DEPENDENCY', details: { package: 'pg' } });
    expect((error as Error).message).toContain('npm install pg');
  });
});

describe('ServerFramer (server answers are untrusted)', () => {
  it.each([
    ['length 3', Buffer.from([0x52, 0, 0, 0, 3])],
    ['negative length', Buffer.from([0x52, 0xff, 0xff, 0xff, 0xff])],
    ['length over 64 KiB', Buffer.from([0x52, 0, 0x01, 0x00, 0x01])],
  ])('refuses %s', (_name, bytes) => {
    const framer = new ServerFramer();
    framer.push(bytes);
    expect(() => framer.next()).toThrow(ServerFrameError);
  });

  it('any bytes give frames or ServerFrameError; error bodies always parse', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }), (chunks) => {
        const framer = new ServerFramer();
        try {
          for (const c of chunks) {
            framer.push(Buffer.from(c));
            for (let f = framer.next(); f; f = framer.next()) {
              const parsed = parseServerError(f.body);
              expect(parsed.sqlState.length).toBeLessThanOrEqual(5);
              expect(parsed.message.length).toBeLessThanOrEqual(500);
            }
          }
        } catch (error) {
          expect(error).toBeInstanceOf(ServerFrameError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
