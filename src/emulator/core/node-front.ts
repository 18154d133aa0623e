/**
 * The `node:http` adapter of the front: the request listener the emulator's server runs, and the answer
 * to requests Node's HTTP parser refuses.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type HttpReply, jsonStringify } from './codecs.js';
import { type FrontInit, serveExchange } from './front.js';

function send(res: ServerResponse, reply: HttpReply, close: boolean): void {
  const headers: Record<string, string> = { ...reply.headers };
  const hasLength = Object.keys(headers).some((h) => h.toLowerCase() === 'content-length');
  if (!hasLength) headers['content-length'] = String(Buffer.byteLength(reply.body));
  if (close) headers.connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/** Reads the body up to `limit` bytes; undefined when larger (the rest is drained and dropped). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/**
 * Answers requests Node's HTTP parser refuses (bad request line, header overflow) with a JSON error that
 * still carries a request id, instead of a bare 400, then closes the connection.
 */
export function answerClientError(
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Duplex,
): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = jsonStringify({
    __type: tooLarge ? 'RequestHeaderFieldsTooLarge' : 'BadRequest',
    message: tooLarge ? 'The request headers are too large.' : 'The request is not valid HTTP/1.1.',
  });
  // The answer to a HEAD request carries no body, or the client reads the body as a stray response.
  const head =
    Buffer.isBuffer(error.rawPacket) && error.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      `x-amzn-requestid: ${randomUUID()}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${head ? '' : body}`,
  );
}

/** Creates the request listener. */
export function createFrontListener(init: FrontInit): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serveExchange(init, {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headersDistinct,
      readBody: (limit) => readBody(req, limit),
      discardBody: () => req.resume(),
      send: (reply, close) => send(res, reply, close),
      abort: () => res.destroy(),
    });
  };
}
