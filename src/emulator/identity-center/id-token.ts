/**
 * The IdC ID token returned by `CreateTokenWithIAM`: a JWT whose claims follow PROTOCOL.md §1. AWS
 * publishes no JWKS for it and consumers read it without a signature check; the emulator still signs it
 * (ES256, a key generated per run) so that it is a well-formed JWS.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { type CryptoKey, generateKeyPair, SignJWT } from 'jose';
import type { EmulatorRuntime } from '../core/types.js';

/** The emulator's ID token signing key. */
export interface IdTokenSigner {
  readonly privateKey: CryptoKey;
  readonly kid: string;
}

/** Generates the per-run ID token signing key. */
export async function createIdTokenSigner(): Promise<IdTokenSigner> {
  const { privateKey } = await generateKeyPair('ES256');
  return { privateKey, kid: `idc-${randomBytes(8).toString('hex')}` };
}

/** The `iss` of IdC ID tokens for an instance: `https://identitycenter.amazonaws.com/ssoins-…`. */
export function idTokenIssuer(instanceArn: string): string {
  return `https://identitycenter.amazonaws.com/${instanceArn.slice(instanceArn.lastIndexOf('/') + 1)}`;
}

/** What the ID token states. */
export interface IdTokenInput {
  readonly userId: string;
  readonly applicationArn: string;
  /** The identity context; the claim is left out when the `sts:identity_context` scope was not granted. */
  readonly identityContext: string | undefined;
  /** When the user authenticated, epoch ms. */
  readonly authTime: number;
  /** Expiry, epoch ms. */
  readonly expiresAt: number;
}

/**
 * Signs an IdC ID token.
 *
 * @param runtime - The runtime (instance, identity store, account, clock, secret for the audit context).
 * @param signer - The per-run key.
 * @param input - Subject, audience, identity context and times.
 */
export async function signIdToken(
  runtime: EmulatorRuntime,
  signer: IdTokenSigner,
  input: IdTokenInput,
): Promise<string> {
  const { accountId } = runtime.config;
  const { instanceArn, identityStoreId } = runtime.config.identityCenter;
  const now = runtime.now();
  const credentialId = randomBytes(24).toString('base64url');
  // The audit context is opaque on AWS too; here an HMAC that ties the credential id to the user.
  const auditContext = createHmac('sha256', runtime.secretKey)
    .update(`audit\n${input.userId}\n${credentialId}`)
    .digest('base64url');
  return new SignJWT({
    ...(input.identityContext !== undefined ? { 'sts:identity_context': input.identityContext } : {}),
    'sts:audit_context': auditContext,
    'aws:identity_store_id': identityStoreId,
    'aws:identity_store_arn': `arn:aws:identitystore::${accountId}:identitystore/${identityStoreId}`,
    'aws:instance_account': accountId,
    'aws:instance_arn': instanceArn,
    'aws:credential_id': credentialId,
    auth_time: new Date(input.authTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  })
    .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'JWT' })
    .setSubject(input.userId)
    .setAudience(input.applicationArn)
    .setIssuer(idTokenIssuer(instanceArn))
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(input.expiresAt / 1000))
    .sign(signer.privateKey);
}
