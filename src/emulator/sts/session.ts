/** Issuing role session credentials and the STS response members that describe them. */
import type { PolicyStatementConfig } from '../config/types.js';
import { arnAccount } from '../core/registry.js';
import type { Caller, EmulatorRuntime, IdentityContextClaims } from '../core/types.js';
import { assumedRoleArn, assumedRoleId } from './identifiers.js';

/** A new role session. */
export interface RoleSession {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  readonly identityContext?: IdentityContextClaims;
  /** Statements of the session policies, when some were given. */
  readonly sessionPolicy?: readonly PolicyStatementConfig[];
}

/** Issues credentials and returns `Credentials` and `AssumedRoleUser` as STS sends them. */
export function issueRoleSession(runtime: EmulatorRuntime, session: RoleSession, now: number) {
  const arn = assumedRoleArn(session.roleArn, session.sessionName);
  const caller: Omit<Caller, 'accessKeyId' | 'expiresAt'> = {
    accountId: arnAccount(session.roleArn),
    kind: 'assumed-role',
    arn,
    roleArn: session.roleArn,
    sessionName: session.sessionName,
    ...(session.identityContext ? { identityContext: session.identityContext } : {}),
    ...(session.sessionPolicy ? { sessionPolicy: session.sessionPolicy } : {}),
  };
  // STS expirations have second precision.
  const expiresAt = Math.floor((now + session.durationSeconds * 1000) / 1000) * 1000;
  const issued = runtime.credentials.issue(caller, expiresAt);
  return {
    Credentials: {
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      Expiration: new Date(issued.expiresAt),
    },
    AssumedRoleUser: { AssumedRoleId: assumedRoleId(session.roleArn, session.sessionName), Arn: arn },
  };
}
