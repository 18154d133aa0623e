/** An emulator with sso-oidc and STS only, configured for the core flow, plus a tip wired to it. */
import type { RunningEmulator } from '../../../src/emulator/start.js';
import { allowInsecureRequests } from '../../../src/jwt/insecure.js';
import type { TrustedIdentityOptions } from '../../../src/session/config.js';
import type { TipEvent } from '../../../src/session/events.js';
import { createTrustedIdentity } from '../../../src/tip.js';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ACCESS_ROLE, APP, AUDIENCE, startCoreEmulator } from './core-emulator.js';

export {
  ACCESS_ROLE,
  ACCOUNT,
  APP,
  APP_REFRESH_CONTEXT,
  APPLICATION_ROLE,
  AUDIENCE,
  BULK_USERS,
  NO_SETCONTEXT_ROLE,
  USERS,
  emulatorConfig,
  mintToken,
  startCoreEmulator,
} from './core-emulator.js';

/**
 * The core emulator for the tests of one file: started before them, stopped after them, its counters,
 * faults and clock reset before each test. Returns a stand-in that forwards to the running emulator.
 */
export function useCoreEmulator(): RunningEmulator {
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startCoreEmulator();
  });
  afterAll(async () => {
    await running?.stop();
  });
  beforeEach(() => {
    running!.counters.reset();
    running!.faults.clear();
    running!.clock.reset();
  });
  return new Proxy({} as RunningEmulator, {
    get(_target, name) {
      const value: unknown = Reflect.get(running!, name);
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}

/** A tip aimed at the emulator: real SDK clients over HTTP, the IdP as issuer, the emulator clock. */
export function emulatorTip(emu: RunningEmulator, overrides: Partial<TrustedIdentityOptions> = {}) {
  const events: TipEvent[] = [];
  const { region: _region, maxAttempts: _attempts, ...clientConfig } = emu.clientConfig({ service: 'sts' });
  const tip = createTrustedIdentity({
    region: emu.region,
    issuers: [
      allowInsecureRequests({ issuer: emu.idp!.issuer, audience: AUDIENCE, algorithms: ['RS256', 'ES256'] }),
    ],
    // The verifier checks real token times; the AWS side runs on the emulator clock.
    verifierOptions: { now: Date.now },
    applicationArn: APP,
    accessRoleArn: ACCESS_ROLE,
    clientConfig,
    clock: () => emu.clock.now(),
    timeouts: { baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 10_000 },
    events: (e) => events.push(e),
    ...overrides,
  });
  return { tip, events };
}
