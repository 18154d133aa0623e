/** A running connector emulator, a temp cache directory, and profiles aimed at them. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnector } from '../../../src/connector/connector.js';
import type { Connector, ConnectorOptions } from '../../../src/connector/connector-types.js';
import type { ConnectorEvent } from '../../../src/connector/events.js';
import {
  type ConnectorProfile,
  resolveProfile,
  type ResolvedProfile,
} from '../../../src/connector/profile.js';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/start.js';
import {
  ACCESS_ROLE,
  APP,
  AUDIENCE,
  CLIENT_ID,
  connectorEmulatorConfig,
  IDC_ISSUER_URL,
  WEB_IDENTITY_ROLE,
} from './emulator-config.js';

export interface ConnectorFixture {
  readonly emu: RunningEmulator;
  readonly dir: string;
  oidcProfile(overrides?: Partial<ConnectorProfile>, name?: string): ResolvedProfile;
  idcProfile(overrides?: Partial<ConnectorProfile>, name?: string): ResolvedProfile;
  connector(
    profile: ResolvedProfile,
    options?: ConnectorOptions,
  ): { connector: Connector; events: ConnectorEvent[] };
  close(): Promise<void>;
}

export async function startConnectorFixture(
  options: {
    accessTokenTtlSeconds?: number;
    /** Changes the connector configuration before the emulator starts (a misconfiguration). */
    configure?: (config: EmulatorConfigInput) => EmulatorConfigInput;
    /** Does not serve the Redshift Data API, saving its SQL engine's boot (driver tokens still work). */
    withoutSql?: true;
  } = {},
): Promise<ConnectorFixture> {
  const config = connectorEmulatorConfig(options);
  const emu = await startEmulator(options.configure?.(config) ?? config, {
    port: 0,
    quiet: true,
    ...(options.withoutSql ? { services: { 'redshift-data': false } } : {}),
  });
  const dir = await mkdtemp(join(tmpdir(), 'tip-connector-'));
  const issuer = emu.idp?.issuer as string;
  return {
    emu,
    dir,
    oidcProfile: (overrides = {}, name = 'emu') =>
      resolveProfile(name, {
        region: emu.region,
        endpoint: emu.url,
        issuer,
        clientId: CLIENT_ID,
        tokenType: 'access_token',
        audience: AUDIENCE,
        scopes: ['openid', 'email', 'profile', 'offline_access', 'tip:read'],
        applicationArn: APP,
        accessRoleArn: ACCESS_ROLE,
        webIdentityRoleArn: WEB_IDENTITY_ROLE,
        port: 0,
        timeoutSeconds: 30,
        ...overrides,
      }),
    idcProfile: (overrides = {}, name = 'idc') =>
      resolveProfile(name, {
        signIn: 'idc',
        region: emu.region,
        endpoint: emu.url,
        idcIssuerUrl: IDC_ISSUER_URL,
        idcScopes: ['redshift:connect'],
        port: 0,
        timeoutSeconds: 30,
        ...overrides,
      }),
    connector(profile, connectorOptions = {}) {
      const events: ConnectorEvent[] = [];
      const connector = createConnector(profile, {
        cache: { dir, keychain: false },
        onEvent: (e) => events.push(e),
        ...connectorOptions,
      });
      return { connector, events };
    },
    async close() {
      await emu.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Rewrites the cached record of `profile` in `dir` so its credentials and IdC tokens expire in `ms`.
 * `keychain: false` for caches written by the fixture's connectors, default for the CLI's.
 */
export async function expireSoon(dir: string, profile: string, ms = 60_000, keychain?: false): Promise<void> {
  const { createTokenCache } = await import('../../../src/connector/token-cache/file-cache.js');
  const cache = createTokenCache({ dir, ...(keychain === undefined ? {} : { keychain }) });
  const { record } = await cache.read(profile);
  if (record === undefined) throw new Error(`no cached record for ${profile}`);
  const at = Date.now() + ms;
  await cache.write(profile, {
    ...record,
    ...(record.role === undefined ? {} : { role: { ...record.role, expiration: at } }),
    ...(record.idc === undefined ? {} : { idc: { ...record.idc, expiresAt: at } }),
  });
}
