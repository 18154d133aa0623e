/**
 * The logger passed to `createTrustedIdentity` is the one the JWT verifier it builds logs through (unless
 * `verifierOptions.logger` names another): the verifier's discovery and JWKS fetches show in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start.js';
import { createTrustedIdentity } from '../../src/tip.js';
import { capturePino } from '../support/pino-capture.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator('examples/emulator.config.json', { port: 0, quiet: true });
});
afterAll(async () => {
  await emu?.stop();
});

describe('the logger of createTrustedIdentity', () => {
  it('reaches the JWT verifier: its discovery and JWKS fetches are logged through it', async () => {
    const log = capturePino();
    await using tip = createTrustedIdentity({ ...emu.trustedIdentityOptions(), logger: log.logger });
    await tip.forToken(await emu.tokenFor('alice'));
    const fetches = log.records().filter((r) => r.msg === 'tip-sdk: fetching JWKS');
    expect(fetches).toHaveLength(1);
    expect(fetches[0]).toMatchObject({ level: 20, issuer: emu.idp!.issuer });
  });

  it('verifierOptions.logger still wins for the verifier', async () => {
    const log = capturePino();
    const own = capturePino();
    await using tip = createTrustedIdentity({
      ...emu.trustedIdentityOptions(),
      logger: log.logger,
      verifierOptions: { logger: own.logger },
    });
    await tip.forToken(await emu.tokenFor('alice'));
    expect(own.records().filter((r) => r.msg === 'tip-sdk: fetching JWKS')).toHaveLength(1);
    expect(log.records().filter((r) => r.msg === 'tip-sdk: fetching JWKS')).toHaveLength(0);
  });
});
