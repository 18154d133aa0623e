/**
 * A TCP proxy in front of Redis that holds every chunk, in both directions, for a settable delay (order
 * kept), to give a replica a slow Redis. When either side closes, so does the other.
 */
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';

export interface LatencyProxy {
  readonly port: number;
  /** Delay of every chunk from now on, milliseconds. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startLatencyProxy(targetPort: number): Promise<LatencyProxy> {
  let delay = 0;
  const sockets = new Set<Socket>();
  /** Forwards `from` to `to`, each chunk `delay` after it came and never before the chunk ahead of it. */
  const pipe = (from: Socket, to: Socket) => {
    let lastDue = 0;
    from.on('data', (chunk) => {
      const due = Math.max(Date.now() + delay, lastDue);
      lastDue = due;
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, due - Date.now());
    });
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setDelay(ms) {
      delay = ms;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
