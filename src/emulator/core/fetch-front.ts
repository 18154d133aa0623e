/**
 * The in-process entry point of the front: a Fetch `Request` in, a Fetch `Response` out, through exactly
 * the logic the HTTP server runs (routing, SigV4 against the request's own Host, counters, faults,
 * authorization, handlers, codecs). Request interceptors such as msw hand requests to it without a port.
 */
import type { HttpReply } from './codecs.js';
import { type FrontExchange, type FrontInit, serveExchange } from './front.js';

/** Options of one in-process call. */
export interface FetchFrontOptions {
  /**
   * The path the service modules see when it differs from the signed one, e.g. a virtual-hosted S3
   * request (`https://bucket.s3.<region>.amazonaws.com/key`) given as `/bucket/key`. Default: the URL's path.
   */
  readonly routePath?: string;
}

/** Serves one Fetch request in process. */
export type FetchFront = (request: Request, options?: FetchFrontOptions) => Promise<Response>;

/** Fetch joins repeated headers into one value, so each header arrives here with a single value. */
function headersOf(request: Request, url: URL): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of request.headers) headers[name.toLowerCase()] = [value];
  // The Fetch API may hide `host`; the URL's authority is what a client signs.
  if (headers.host === undefined) headers.host = [url.host];
  return headers;
}

/** Reads at most `limit` bytes; undefined when the body is larger (the stream is cancelled). */
async function readLimited(request: Request, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (request.body === null) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks);
}

function toResponse(reply: HttpReply, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(reply.headers)) headers.set(name, value);
  if (!headers.has('content-length')) headers.set('content-length', String(Buffer.byteLength(reply.body)));
  // HEAD answers and statuses without content carry headers only.
  const empty = method === 'HEAD' || reply.status === 204 || reply.status === 304;
  const body = empty ? null : typeof reply.body === 'string' ? reply.body : new Uint8Array(reply.body);
  return new Response(body, { status: reply.status, headers });
}

/**
 * Creates the in-process front. Differences from the HTTP server, both due to the Fetch API: a header
 * repeated on the wire arrives joined into one value (so the repeated-header refusal cannot apply), and
 * `connection: close` is not sent.
 */
export function createFetchFront(init: FrontInit): FetchFront {
  return async (request, options = {}) => {
    const url = new URL(request.url);
    let reply: HttpReply | undefined;
    let aborted = false;
    const exchange: FrontExchange = {
      method: request.method,
      url: `${url.pathname}${url.search}`,
      headers: headersOf(request, url),
      ...(options.routePath === undefined ? {} : { routePath: options.routePath }),
      readBody: (limit) => readLimited(request, limit),
      discardBody: () => {
        request.body?.cancel().catch(() => undefined);
      },
      send: (answer) => {
        reply = answer;
      },
      abort: () => {
        aborted = true;
      },
    };
    await serveExchange(init, exchange);
    if (aborted || reply === undefined) {
      // Mirrors a socket destroyed mid-answer: the client sees a network error.
      throw new TypeError('The emulator failed to answer the request.');
    }
    return toResponse(reply, request.method);
  };
}
