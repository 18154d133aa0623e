/**
 * An emulator for benchmarks: the example configuration with `users` extra users (`bench00000`…, mapped
 * by email, in the `analysts` group), real AWS SDK v3 clients aimed at it, and the one-user exchange
 * (CreateTokenWithIAM jwt-bearer, then AssumeRole with the identity context) that every credential
 * resolution pays.
 */
import { readFileSync } from 'node:fs';
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { EmulatorConfigInput } from '../../src/emulator/config/types.js';
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '../../src/emulator/start.js';

/** The example emulator configuration file. */
export const EXAMPLE_CONFIG = new URL('../../examples/emulator.config.json', import.meta.url).pathname;
/** The IdP audience of the example configuration. */
export const AUDIENCE = 'tip-sdk-demo';
/** The identity-bearer role of the example configuration. */
export const ACCESS_ROLE = 'arn:aws:iam::123456789012:role/analytics-identity-bearer';
/** The web-identity role of the example configuration (allowed to call CreateTokenWithIAM). */
export const WEB_IDENTITY_ROLE = 'arn:aws:iam::123456789012:role/analytics-web-identity';
/** The IAM Identity Center context provider. */
export const CONTEXT_PROVIDER = 'arn:aws:iam::aws:contextProvider/IdentityCenter';
/** The jwt-bearer grant type. */
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Name of bench user `i`. */
export const benchUser = (i: number): string => `bench${String(i).padStart(5, '0')}`;

/** The example configuration with `users` bench users added, then passed through `patch`. */
export function benchConfig(
  users: number,
  patch: (config: EmulatorConfigInput) => EmulatorConfigInput = (c) => c,
): EmulatorConfigInput {
  const config = JSON.parse(readFileSync(EXAMPLE_CONFIG, 'utf8'));
  for (let i = 0; i < users; i++) {
    const name = benchUser(i);
    config.identityCenter.users.push({ userName: name, email: `${name}@example.com`, groups: ['analysts'] });
  }
  return patch(config as EmulatorConfigInput);
}

/** A started emulator with the service's SDK clients. */
export interface BenchEmulator {
  readonly emu: RunningEmulator;
  readonly applicationArn: string;
  readonly ssoOidc: SSOOIDCClient;
  readonly sts: STSClient;
  /** A fresh RS256 access token from the embedded IdP for bench user `i` (new `jti` each call). */
  mint(i: number): Promise<string>;
  /** `n` fresh tokens for users drawn by `pick` (default: round robin). */
  mintMany(n: number, pick?: (k: number) => number): Promise<string[]>;
  /** CreateTokenWithIAM (jwt-bearer) with `token`, then AssumeRole with the identity context it returned. */
  exchange(token: string, session?: string): Promise<void>;
  /** Stops the clients and the emulator. */
  stop(): Promise<void>;
}

/** Starts the emulator with `users` bench users (SQL services off unless `options.services` says). */
export async function startBenchEmulator(
  users: number,
  options: StartEmulatorOptions = {},
  config: EmulatorConfigInput = benchConfig(users),
): Promise<BenchEmulator> {
  const emu = await startEmulator(config, {
    port: 0,
    quiet: true,
    ...options,
    services: { 'redshift-data': false, athena: false, ...options.services },
  });
  const idp = emu.idp;
  if (idp === undefined) throw new Error('the bench emulator needs the embedded IdP');
  const aws = emu.clientConfig({ service: 'sts' });
  // Retries cover a kept-alive socket the server closed while tokens were minted (ECONNRESET on a loaded
  // machine); the emulator answers no throttling or 5xx here.
  const ssoOidc = new SSOOIDCClient({ ...aws, maxAttempts: 3 });
  const sts = new STSClient({ ...aws, maxAttempts: 3 });
  const applicationArn = emu.config.identityCenter.applications[0]!.arn;
  const mint = (i: number) => {
    const name = benchUser(i % Math.max(users, 1));
    return idp.signToken(
      { sub: name, aud: AUDIENCE, email: `${name}@example.com` },
      { header: { typ: 'at+jwt' }, expiresInSeconds: 3600 },
    );
  };
  let sessions = 0;
  return {
    emu,
    applicationArn,
    ssoOidc,
    sts,
    mint,
    async mintMany(n, pick = (k) => k) {
      const out: string[] = [];
      for (let k = 0; k < n; k += 100) {
        const chunk = Array.from({ length: Math.min(100, n - k) }, (_, j) => mint(pick(k + j)));
        out.push(...(await Promise.all(chunk)));
      }
      return out;
    },
    async exchange(token, session = `bench-${sessions++}`) {
      const idc = await ssoOidc.send(
        new CreateTokenWithIAMCommand({ clientId: applicationArn, grantType: JWT_BEARER, assertion: token }),
      );
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: session,
          ProvidedContexts: [
            { ProviderArn: CONTEXT_PROVIDER, ContextAssertion: idc.awsAdditionalDetails?.identityContext },
          ],
        }),
      );
    },
    async stop() {
      ssoOidc.destroy();
      sts.destroy();
      await emu.stop();
    },
  };
}
