/**
 * A real `redis-server` for one test file: started on a free loopback port without persistence, stopped
 * by its pid, restartable on the same port (to test an outage). Also a raw admin connection (ioredis) for
 * inspecting and corrupting what the store wrote.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

/** A running (or stopped) server. */
export interface RedisServer {
  readonly port: number;
  /** An admin client (not the store's), for INFO, SCAN, corruption. */
  readonly admin: Redis;
  /** Stops the server (SIGTERM to its pid) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Calls per command since the server started (`INFO commandstats`), e.g. `{ get: 3 }`. */
  commandCalls(): Promise<Record<string, number>>;
  /** Closes the admin client, stops the server, removes its directory. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function launch(port: number, dir: string): { child: ChildProcess; log: () => string } {
  let log = '';
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, log: () => log };
}

/** Starts a server (retrying on another port if the free one was taken meanwhile). */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tip-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  const up = async (): Promise<void> => {
    const launched = launch(port, dir);
    child = launched.child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    for (let i = 0; i < 200; i += 1) {
      if (exited) throw new Error(`redis-server exited: ${launched.log()}`);
      if (await accepting(port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server did not listen on ${port}: ${launched.log()}`);
  };
  for (let attempt = 0; ; attempt += 1) {
    port = await freePort();
    try {
      await up();
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 3 });
  admin.on('error', () => undefined);
  await admin.connect();
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    process.kill(running.pid!, 'SIGTERM');
    await exited;
  };
  return {
    port,
    admin,
    stop,
    start: up,
    async commandCalls() {
      const info = (await admin.info('commandstats')) as string;
      const calls: Record<string, number> = {};
      for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) calls[m[1]!] = Number(m[2]);
      return calls;
    },
    async dispose() {
      admin.disconnect();
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A server for the tests of one file: started before them, stopped (by pid) after them. */
export function useRedisServer(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.dispose();
  });
  return () => server!;
}
