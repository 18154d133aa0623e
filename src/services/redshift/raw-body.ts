/**
 * Captures the raw JSON body of one Data API response, so unsafe integers can be re-read exactly.
 *
 * @module
 */
import type { DeserializeMiddleware, MiddlewareStack } from '@aws-sdk/types';

/** A slot the middleware fills with the response text. */
export interface RawBody {
  text: string | undefined;
}

/**
 * Adds a middleware to one command's stack that buffers the HTTP response body as text, hands the SDK
 * the same bytes, and stores the text in the returned slot.
 */
export function captureRawBody<I extends object, O extends object>(stack: MiddlewareStack<I, O>): RawBody {
  const slot: RawBody = { text: undefined };
  const middleware: DeserializeMiddleware<I, O> = (next) => async (args) => {
    const result = await next(args);
    const response = result.response as { body?: unknown; statusCode?: number };
    const body = response.body as
      | { transformToByteArray?: () => Promise<Uint8Array> }
      | AsyncIterable<Uint8Array>
      | Uint8Array
      | undefined;
    if (response.statusCode !== 200 || body === undefined) return result;
    let bytes: Uint8Array;
    if (body instanceof Uint8Array) bytes = body;
    else if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      bytes = Buffer.concat(chunks);
    } else return result;
    slot.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    response.body = bytes;
    return result;
  };
  stack.addRelativeTo(middleware, {
    relation: 'after',
    toMiddleware: 'deserializerMiddleware',
    name: 'tipRawBody',
    override: true,
  });
  return slot;
}
