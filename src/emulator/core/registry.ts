/**
 * The credential registry: the configured long-term caller keys and every session key the emulator
 * issued (STS sessions, S3 Access Grants credentials), with their secrets, session tokens and callers.
 */
import { randomBytes } from 'node:crypto';
import { optionError } from '../../errors.js';
import type { EmulatorConfig } from '../config/types.js';
import { SweptMap } from './swept-map.js';
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
  /** Forgets now the issued sessions that expired more than an hour before `now` (epoch ms). */
  purge(now: number): void;
}

/** Default of `maxSessions` (see {@link createCredentialRegistry}). */
export const DEFAULT_MAX_SESSIONS = 200_000;
/** How long an expired session is remembered, so it is refused as expired rather than unknown, in ms. */
const EXPIRED_SESSION_GRACE_MS = 3_600_000;

/**
 * Creates the registry from the configured callers.
 *
 * @param now - Emulator clock, epoch ms, for sweeping sessions that expired over an hour ago.
 * @param maxSessions - Issued sessions remembered; past it the oldest is forgotten (its key is then refused
 *   as unknown). Default {@link DEFAULT_MAX_SESSIONS}.
 */
export function createCredentialRegistry(
  config: EmulatorConfig,
  now: () => number = Date.now,
  maxSessions: number = DEFAULT_MAX_SESSIONS,
): EmulatorCredentialRegistry {
  if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) {
    throw optionError('maxSessions', 'must be a positive integer');
  }
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
  // Swept once it doubled since the last sweep, oldest first past the limit: O(1) amortized per issue.
  const issued = new SweptMap<Entry>(
    maxSessions,
    (entry, at) => (entry.caller.expiresAt ?? Number.POSITIVE_INFINITY) + EXPIRED_SESSION_GRACE_MS < at,
  );
  return {
    get issuedCount() {
      return issued.size;
    },
    issue(caller, expiresAt): IssuedCredentials {
      let accessKeyId = randomId('ASIA', 16);
      while (issued.has(accessKeyId) || longTerm.has(accessKeyId)) accessKeyId = randomId('ASIA', 16);
      const secretAccessKey = randomBytes(30).toString('base64');
      const sessionToken = `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`;
      const entry: Entry = {
        secretAccessKey,
        sessionToken,
        // Copied property by property: a spread copy of a caller built with conditional spreads gets a
        // hidden class of its own (about 0.7 KB per session), assign() shares one per shape.
        caller: Object.freeze(Object.assign({}, caller, { accessKeyId, expiresAt })),
      };
      issued.set(accessKeyId, entry, now());
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
    purge(at) {
      issued.sweep(at);
    },
  };
}
