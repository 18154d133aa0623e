/**
 * What the emulator's development endpoints (the IdP's `POST /dev/token`, the control routes under
 * `/_emulator/`, IdC's sign-in form) check before they act: a loopback Host, so a page reached through a
 * host name rebound to 127.0.0.1 cannot read or drive them, a JSON body, and a small body read with a bound.
 */
import type { IncomingMessage } from 'node:http';

/** Whether `host` (a Host header) names a loopback address: `127.x.x.x`, `localhost` or `[::1]`, any port. */
export function isLoopbackHost(host: string | undefined): boolean {
  return /^(127(\.\d{1,3}){3}|localhost|\[::1\])(:\d{1,5})?$/.test(host ?? '');
}

/** Whether the request declares a JSON body (a plain HTML form cannot send one). */
export function isJsonRequest(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
}

/** The body as UTF-8, or undefined when it is larger than `limit` bytes (the rest is dropped). */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
