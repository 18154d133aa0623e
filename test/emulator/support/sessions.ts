/** Identity-enhanced credentials from a running emulator: STS AssumeRole with an Identity Center context. */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { issueIdentityContext } from '../../../src/emulator/identity-center/context.js';
import type { RunningEmulator } from '../../../src/emulator/start.js';
import { APP_ARN, BEARER_ROLE_ARN, INSTANCE_ARN, STORE_ID, USER_GROUPS } from './identities.js';

/** Keys of a role session. */
export interface SessionKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** STS `Credentials` as SDK keys; throws when a part is missing. */
export function keysOf(
  c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined,
): Required<SessionKeys> {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** Options of {@link identitySession}. */
export interface IdentitySessionOptions {
  /** Role to take. Default `BEARER_ROLE_ARN`. */
  readonly roleArn?: string;
  /** Lifetime of the identity context, ms. Default 24 h. */
  readonly contextTtlMs?: number;
  /** Receives the STS client so the caller can destroy it. */
  readonly track?: (client: STSClient) => void;
}

/** An identity-enhanced session and the context assertion it was taken with (to prove it never leaks). */
export interface IdentitySession {
  readonly keys: Required<SessionKeys>;
  readonly context: string;
}

/**
 * Issues an identity context for the test user `user` (groups from `USER_GROUPS`) and takes the role
 * with it through the SDK's STS client.
 */
export async function identitySession(
  emu: RunningEmulator,
  user: string,
  options: IdentitySessionOptions = {},
): Promise<IdentitySession> {
  const groups = [...(USER_GROUPS[user] ?? [])];
  const context = issueIdentityContext(emu.runtime, {
    idcUserId: `u-${user}`,
    userName: user,
    groupIds: groups.map((g) => `g-${g}`),
    groupNames: groups,
    identityStoreId: STORE_ID,
    instanceArn: INSTANCE_ARN,
    applicationArn: APP_ARN,
    expiresAt: emu.clock.now() + (options.contextTtlMs ?? 24 * 3600 * 1000),
  });
  const sts = new STSClient(emu.clientConfig({ service: 'sts' }));
  options.track?.(sts);
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: options.roleArn ?? BEARER_ROLE_ARN,
      RoleSessionName: user,
      ProvidedContexts: [
        { ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter', ContextAssertion: context },
      ],
    }),
  );
  return { keys: keysOf(out.Credentials), context };
}
