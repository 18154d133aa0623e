/**
 * Replicas as real Node processes (see replica-child.ts): started against the emulator the test runs and
 * a Redis port, driven with JSON lines, killed by pid. `checkReply` tells whether an answer is its own
 * user's (subject, IdC user id and the caller ARN STS saw) or a typed error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { RunningEmulator } from '../../../src/emulator/start.js';
import { ACCESS_ROLE, APP, AUDIENCE } from '../../core-flow/helpers/core-emulator.js';
import { fixtureBundle } from '../../support/cli-bundle.js';
import type { ClientKind } from './clients.js';

/** What a replica process is told (as JSON in TIP_REPLICA). */
export interface ReplicaConfig {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly issuer: string;
  readonly audience: string;
  readonly applicationArn: string;
  readonly accessRoleArn: string;
  readonly redisPort: number;
  readonly client: ClientKind;
  readonly keyPrefix: string;
  readonly encryptionKey: string;
  readonly commandTimeoutMs: number;
  readonly storeTimeoutMs: number;
  readonly circuitOpenMs: number;
  readonly lockLeaseMs: number;
}

/** A replica's answer to a forToken request. */
export type Reply =
  | { readonly ok: true; readonly subject: string; readonly idcUserId: string; readonly arn: string }
  | { readonly ok: false; readonly code?: string; readonly message: string };

/** A running replica process. */
export interface Replica {
  readonly index: number;
  readonly pid: number;
  forToken(token: string): Promise<Reply>;
  clear(): Promise<void>;
  stats(): Promise<Record<string, number>>;
  /** Resolves when this replica starts a CreateTokenWithIAM call for `subject`. */
  exchangeStarted(subject: string): Promise<void>;
  /** SIGKILL by pid; pending requests reject. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** replica-child.ts, bundled for this test run (test/support/cli-bundle.ts). */
const CHILD = fixtureBundle('test/redis/support/replica-child.ts');

/** Settings shared by the replicas of one test (one encryption key, one prefix). */
export function replicaConfig(
  emu: RunningEmulator,
  redisPort: number,
  overrides: Partial<ReplicaConfig> = {},
): Omit<ReplicaConfig, 'client'> {
  const { endpoint, credentials } = emu.clientConfig({ service: 'sts' });
  return {
    region: emu.region,
    endpoint,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    issuer: emu.idp!.issuer,
    audience: AUDIENCE,
    applicationArn: APP,
    accessRoleArn: ACCESS_ROLE,
    redisPort,
    keyPrefix: `tip-${randomBytes(4).toString('hex')}:`,
    encryptionKey: randomBytes(32).toString('base64'),
    commandTimeoutMs: 500,
    storeTimeoutMs: 1_000,
    circuitOpenMs: 1_000,
    lockLeaseMs: 2_000,
    ...overrides,
  };
}

function startReplica(index: number, config: ReplicaConfig): Promise<Replica> {
  const child: ChildProcess = spawn(process.execPath, [CHILD], {
    env: { ...process.env, TIP_REPLICA: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let next = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const started: string[] = [];
  const startWaiters: { subject: string; resolve: () => void }[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<Replica>((resolveReady, rejectReady) => {
    child.once('exit', (code, signal) => {
      const error = new Error(`replica ${index} exited (${code ?? signal}): ${stderr}`);
      rejectReady(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    const request = (body: object) =>
      new Promise<unknown>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        child.stdin!.write(`${JSON.stringify({ id, ...body })}\n`);
      });
    const replica: Replica = {
      index,
      pid: child.pid!,
      forToken: (token) => request({ op: 'forToken', token }) as Promise<Reply>,
      clear: async () => {
        await request({ op: 'clear' });
      },
      stats: async () => ((await request({ op: 'stats' })) as { counts: Record<string, number> }).counts,
      exchangeStarted: (subject) =>
        started.includes(subject)
          ? Promise.resolve()
          : new Promise<void>((resolve) => startWaiters.push({ subject, resolve })),
      kill: async () => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
        await exited;
      },
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
        await exited;
      },
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const message = JSON.parse(line) as { id?: number; ready?: boolean; event?: string; subject?: string };
      if (message.ready === true) resolveReady(replica);
      else if (message.event === 'exchange.started') {
        started.push(message.subject!);
        for (const w of startWaiters.filter((x) => x.subject === message.subject)) w.resolve();
      } else if (message.id !== undefined) {
        pending.get(message.id)?.resolve(message);
        pending.delete(message.id);
      }
    });
  });
}

/** Starts `k` replicas (alternating ioredis and node-redis clients unless `client` is set). */
export function startReplicas(
  k: number,
  config: Omit<ReplicaConfig, 'client'>,
  client?: ClientKind,
): Promise<Replica[]> {
  return Promise.all(
    Array.from({ length: k }, (_, i) =>
      startReplica(i, { ...config, client: client ?? (i % 2 === 0 ? 'ioredis' : 'node-redis') }),
    ),
  );
}

/**
 * `'ok'` when `reply` is `user`'s own (subject, IdC user id, caller ARN), the error code for a typed
 * error, `'untyped'` for any other failure and `'wrong user'` for another user's session.
 */
export function checkReply(emu: RunningEmulator, user: string, reply: Reply): string {
  if (!reply.ok) return reply.code ?? 'untyped';
  const id = emu.config.identityCenter.users.find((u) => u.userName === user)?.userId;
  const arn = `arn:aws:sts::${emu.config.accountId}:assumed-role/analytics/tip-${id}`;
  return reply.subject === user && reply.idcUserId === id && reply.arn === arn ? 'ok' : 'wrong user';
}

/** The answers of `replies`, counted: `{ ok: 998, ERR_IDC_TOKEN_REUSED: 2 }`. */
export function tally(outcomes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}
