/**
 * The credential registry: the configured long-term caller keys and every session key the emulator
 * issued (STS sessions, S3 Access Grants credentials), with their secrets, session tokens and callers.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorConfig } from '../config/types.js';
import type { Caller, CredentialRegistry, IssuedCredentials } from './types.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

/** Kind of a long-term key's principal, from its ARN. */
export function principalKind(arn: string): Caller['kind'] {
  if (/^arn:aws:iam::\d{12}:root$/.test(arn)) return 'root';
  if (/^arn:aws:iam::\d{12}:role\//.test(arn)) return 'role';
  return 'iam-user';
}

/** The account id of an IAM/STS ARN (5th field). */
export function arnAccount(arn: string): string {
  return arn.split(':')[4] ?? '';
}

interface Entry {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly caller: Caller;
}

/** A {@link CredentialRegistry} with a way to drop expired sessions. */
export interface EmulatorCredentialRegistry extends CredentialRegistry {
  /** Number of issued session keys held. */
  readonly issuedCount: number;
  /** Forgets issued sessions that expired more than `graceMs` (default 1 h) before `now` (epoch ms). */
  purge(now: number, graceMs?: number): void;
}

/** Issues between two sweeps of long-expired sessions, so a long-running emulator stays bounded. */
const SWEEP_EVERY = 1024;

/**
 * Creates the registry from the configured callers.
 *
 * @param now - Emulator clock, epoch ms, for sweeping sessions that expired over an hour ago.
 */
export function createCredentialRegistry(
  config: EmulatorConfig,
  now: () => number = Date.now,
): EmulatorCredentialRegistry {
  const longTerm = new Map<string, Entry>();
  for (const c of config.callers) {
    const kind = principalKind(c.principalArn);
    longTerm.set(c.accessKeyId, {
      secretAccessKey: c.secretAccessKey,
      caller: Object.freeze({
        accessKeyId: c.accessKeyId,
        accountId: arnAccount(c.principalArn),
        kind,
        arn: c.principalArn,
        ...(kind === 'role' ? { roleArn: c.principalArn } : {}),
      }),
    });
  }
  const issued = new Map<string, Entry>();
  let sinceSweep = 0;
  const purge = (at: number, graceMs = 3_600_000) => {
    for (const [key, entry] of issued) {
      if ((entry.caller.expiresAt ?? Number.POSITIVE_INFINITY) + graceMs < at) issued.delete(key);
    }
  };
  return {
    get issuedCount() {
      return issued.size;
    },
    issue(caller, expiresAt): IssuedCredentials {
      if (++sinceSweep >= SWEEP_EVERY) {
        sinceSweep = 0;
        purge(now());
      }
      let accessKeyId = randomId('ASIA', 16);
      while (issued.has(accessKeyId) || longTerm.has(accessKeyId)) accessKeyId = randomId('ASIA', 16);
      const secretAccessKey = randomBytes(30).toString('base64');
      const sessionToken = `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`;
      issued.set(accessKeyId, {
        secretAccessKey,
        sessionToken,
        // Copied property by property: a spread copy of a caller built with conditional spreads gets a
        // hidden class of its own (about 0.7 KB per session), assign() shares one per shape.
        caller: Object.freeze(Object.assign({}, caller, { accessKeyId, expiresAt })),
      });
      return { accessKeyId, secretAccessKey, sessionToken, expiresAt };
    },
    lookup(accessKeyId) {
      const entry = longTerm.get(accessKeyId) ?? issued.get(accessKeyId);
      if (!entry) return undefined;
      return {
        secretAccessKey: entry.secretAccessKey,
        caller: entry.caller,
        ...(entry.sessionToken === undefined ? {} : { sessionToken: entry.sessionToken }),
      };
    },
    purge,
  };
}
