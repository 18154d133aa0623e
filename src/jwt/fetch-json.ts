import { TipError } from '../errors.js';
import type { FetchLike } from './types.js';

/** What is fetched; selects the error code for a malformed answer. */
export type DocumentKind = 'jwks' | 'discovery';

/** How to fetch one document. */
export interface FetchJsonInit {
  readonly fetch: FetchLike;
  /** The load's deadline: fires with a `TimeoutError` reason when the time for the whole load is up. */
  readonly signal: AbortSignal;
  readonly maxBytes: number;
  readonly kind: DocumentKind;
  readonly issuer: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function unavailable(init: FetchJsonInit, reason: string, cause?: unknown, status?: number): TipError {
  const what = init.kind === 'jwks' ? 'JWKS' : 'OpenID discovery document';
  return new TipError(
    'ERR_JWKS_UNAVAILABLE',
    `The ${what} of issuer ${init.issuer} could not be fetched (${reason}). Check that the endpoint is ` +
      'reachable from this host; keys fetched earlier keep working meanwhile.',
    {
      cause,
      details: { issuer: init.issuer, reason, ...(status === undefined ? {} : { httpStatusCode: status }) },
    },
  );
}

function malformed(init: FetchJsonInit, reason: string): TipError {
  const code = init.kind === 'jwks' ? 'ERR_JWKS_INVALID' : 'ERR_DISCOVERY_INVALID';
  const what = init.kind === 'jwks' ? 'JWKS' : 'OpenID discovery document';
  return new TipError(
    code,
    `The ${what} of issuer ${init.issuer} is not valid JSON within the size limit (${reason}). ` +
      'Check the endpoint in a browser or with curl.',
    { details: { issuer: init.issuer, reason } },
  );
}

async function readLimited(res: Response, init: FetchJsonInit): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > init.maxBytes) throw malformed(init, 'too_large');
  if (res.body === null) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > init.maxBytes) {
      // Not awaited: cancel() on a body mirrored by a request interceptor (msw) may never settle.
      reader.cancel().catch(() => undefined);
      throw malformed(init, 'too_large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * GETs a JSON document within the load's deadline and a size limit, without following redirects. Every failure is a
 * `TipError`: `ERR_JWKS_UNAVAILABLE` for transport problems, timeouts and non-2xx answers;
 * `ERR_JWKS_INVALID`/`ERR_DISCOVERY_INVALID` for a body that is too large or not JSON.
 */
export async function fetchJson(url: string, init: FetchJsonInit): Promise<unknown> {
  let res: Response;
  try {
    res = await init.fetch(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: init.signal,
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw unavailable(init, timedOut ? 'timeout' : 'network', error);
  }
  if (typeof res !== 'object' || res === null || typeof res.status !== 'number') {
    throw unavailable(init, 'bad_response');
  }
  if (res.status < 200 || res.status > 299) {
    res.body?.cancel().catch(() => undefined);
    throw unavailable(init, 'http_status', undefined, res.status);
  }
  let bytes: Buffer;
  try {
    bytes = await readLimited(res, init);
  } catch (error) {
    if (error instanceof TipError) throw error;
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw unavailable(init, timedOut ? 'timeout' : 'network', error);
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw malformed(init, 'not_utf8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw malformed(init, 'not_json');
  }
}
