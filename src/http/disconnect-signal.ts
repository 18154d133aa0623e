/**
 * The signal the HTTP adapters give `forToken`, fired when the client goes away before the answer.
 *
 * Creating an `AbortController` costs about 5 µs on Node 20 — more than a warm `forToken` — so the requests of
 * one HTTP/1 connection share one controller, aborted when the connection closes (requests on a connection
 * run one after another, and a client that leaves closes it). An HTTP/2 stream can end on its own while its
 * connection lives, so each HTTP/2 request (or one without a socket) gets its own controller, aborted when
 * its response closes unfinished.
 *
 * @module
 */
import type { Socket } from 'node:net';

/** What the adapters need of a Node (or Express, or Fastify raw) request and response. */
interface RawRequest {
  readonly httpVersionMajor?: number;
  readonly socket?: Socket | null;
}
interface RawResponse {
  readonly writableFinished: boolean;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

/** A disconnect signal and `done()`, to call once the authentication settled. */
export interface DisconnectSignal {
  readonly signal: AbortSignal;
  done(): void;
}

const bySocket = new WeakMap<Socket, DisconnectSignal>();
const nothing = (): void => {};

/** The signal for one request; see the module notes. */
export function disconnectSignal(req: RawRequest, res: RawResponse): DisconnectSignal {
  const socket = req.socket;
  if (socket != null && (req.httpVersionMajor ?? 1) < 2) {
    const shared = bySocket.get(socket);
    if (shared !== undefined) return shared;
    const controller = new AbortController();
    if (socket.destroyed) controller.abort();
    else socket.once('close', () => controller.abort());
    const created: DisconnectSignal = { signal: controller.signal, done: nothing };
    bySocket.set(socket, created);
    return created;
  }
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.once('close', onClose);
  return { signal: controller.signal, done: () => res.off('close', onClose) };
}
