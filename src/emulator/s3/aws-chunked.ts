/**
 * Decoding of `Content-Encoding: aws-chunked` upload bodies, as the AWS SDK sends streamed uploads with
 * flexible checksums: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` chunks, a zero-size chunk, then
 * trailer lines `name:value\r\n` and a final `\r\n`. Chunk signatures are not verified here (the
 * SigV4 layer owns signatures); the SDK's default form is unsigned with a checksum trailer.
 */
import { AwsServiceError } from '../core/types.js';

/** A decoded body and its trailers (lower-case names). */
export interface DecodedChunks {
  readonly data: Buffer;
  readonly trailers: Record<string, string>;
}

/** Longest chunk header line accepted, bytes (a size plus a 64-hex-digit signature fits easily). */
const MAX_LINE = 256;

function incomplete(detail: string): AwsServiceError {
  return new AwsServiceError('IncompleteBody', `The aws-chunked request body is malformed: ${detail}.`, 400);
}

function readLine(body: Buffer, at: number): { line: string; next: number } {
  const end = body.indexOf('\r\n', at);
  if (end < 0 || end - at > MAX_LINE) throw incomplete('a chunk header or trailer line is missing its CRLF');
  return { line: body.toString('latin1', at, end), next: end + 2 };
}

/** Whether a request body is aws-chunked, per its headers. */
export function isAwsChunked(headers: Readonly<Record<string, string>>): boolean {
  const encoding = headers['content-encoding'] ?? '';
  const sha = headers['x-amz-content-sha256'] ?? '';
  return encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}

/**
 * Decodes an aws-chunked body. Throws `IncompleteBody` for any malformation, and when
 * `x-amz-decoded-content-length` is given and disagrees with the decoded size.
 */
export function decodeAwsChunked(body: Buffer, decodedLength?: string): DecodedChunks {
  const parts: Buffer[] = [];
  let total = 0;
  let at = 0;
  for (;;) {
    const { line, next } = readLine(body, at);
    const sizeText = line.split(';', 1)[0] ?? '';
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw incomplete('a chunk size is not hexadecimal');
    const size = Number.parseInt(sizeText, 16);
    at = next;
    if (size === 0) break;
    if (at + size + 2 > body.length) throw incomplete('a chunk is shorter than its declared size');
    parts.push(body.subarray(at, at + size));
    total += size;
    at += size;
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a)
      throw incomplete('a chunk is longer than its declared size');
    at += 2;
  }
  const trailers: Record<string, string> = {};
  while (at < body.length) {
    const { line, next } = readLine(body, at);
    at = next;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw incomplete('a trailer line is not name:value');
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (at !== body.length) throw incomplete('data follows the final chunk');
  if (decodedLength !== undefined && decodedLength !== String(total)) {
    throw incomplete('x-amz-decoded-content-length disagrees with the decoded body');
  }
  return { data: Buffer.concat(parts, total), trailers };
}
