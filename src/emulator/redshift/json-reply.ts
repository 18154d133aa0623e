/**
 * A JSON answer written by the handler itself (a raw reply), so 64-bit integers travel as their exact
 * digits like the service's JSON does. `JSON.stringify` cannot write a bigint, and the front's codec turns
 * them into lossy numbers; clients that read the body losslessly then see what Redshift would send.
 */
import { randomBytes } from 'node:crypto';
import type { RawReply } from '../core/types.js';

/** Serializes `value`, writing bigints as bare JSON numbers with every digit. */
export function exactJson(value: unknown): string {
  // Postgres text never holds NUL, so a NUL-prefixed marker with a random nonce cannot meet real data.
  const marker = `\u0000big${randomBytes(6).toString('hex')}:`;
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `${marker}${item}` : item,
  );
  const escaped = JSON.stringify(marker).slice(1, -1);
  return text.replace(new RegExp(`"${escaped.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}(-?\\d+)"`, 'g'), '$1');
}

/** A 200 awsJson1_1 answer with `value` as its body (see {@link exactJson}). */
export function jsonReply(value: unknown): RawReply {
  return {
    raw: true,
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: exactJson(value),
  };
}
