/**
 * One trusted identity against the emulator: `forget(identity)` drops one user's cached credentials, so
 * that user's next request exchanges anew while other users keep theirs (the emulator's counters say
 * so); `close()` refuses later calls; and the region comes from the environment when not given.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start.js';
import { createTrustedIdentity } from '../../src/tip.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator('examples/emulator.config.json', { port: 0, quiet: true });
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  emu.counters.reset();
  vi.unstubAllEnvs();
});

const exchanges = () => emu.counters.get('sso-oauth:CreateTokenWithIAM');
const assumes = () => emu.counters.get('sts:AssumeRole');
const grants = () => emu.counters.get('s3-control:GetDataAccess');

describe('forget(identity)', () => {
  it("drops that user's credentials and grants only: the next request exchanges anew, the others hit the cache", async () => {
    await using tip = createTrustedIdentity(emu.trustedIdentityOptions());
    const alice = await tip.forToken(await emu.tokenFor('alice'));
    await alice.s3.getObject({ Bucket: 'lake', Key: 'team-a/report.csv' });
    await tip.forToken(await emu.tokenFor('bob'));
    expect([exchanges(), assumes(), grants(), tip.cachedUsers]).toEqual([2, 2, 1, 2]);

    // Cached: a new token of alice's costs nothing.
    const again = await tip.forToken(await emu.tokenFor('alice'));
    await again.s3.getObject({ Bucket: 'lake', Key: 'team-a/report.csv' });
    expect([exchanges(), assumes(), grants()]).toEqual([2, 2, 1]);

    await tip.forget(alice.identity);
    expect(tip.cachedUsers).toBe(1);
    const fresh = await tip.forToken(await emu.tokenFor('alice'));
    await fresh.s3.getObject({ Bucket: 'lake', Key: 'team-a/report.csv' });
    expect([exchanges(), assumes(), grants()]).toEqual([3, 3, 2]);

    // bob was not forgotten.
    await tip.forToken(await emu.tokenFor('bob'));
    expect([exchanges(), assumes()]).toEqual([3, 3]);
  });

  it('takes { issuer, subject } from a revocation notice; a JWT already exchanged is then refused, not exchanged twice', async () => {
    await using tip = createTrustedIdentity(emu.trustedIdentityOptions());
    const jwt = await emu.tokenFor('carol');
    const carol = await tip.forToken(jwt);
    await tip.forget({ issuer: carol.identity.issuer, subject: carol.identity.subject });
    await expect(tip.forToken(jwt)).rejects.toMatchObject({ code: 'ERR_IDC_TOKEN_REUSED' });
    expect(exchanges()).toBe(1);
  });

  it('refuses a value without issuer and subject with ERR_INVALID_OPTION', async () => {
    await using tip = createTrustedIdentity(emu.trustedIdentityOptions());
    await expect(tip.forget({ subject: 'alice' } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
  });
});

describe('close()', () => {
  it('refuses later calls with ERR_CLOSED and makes no AWS call', async () => {
    const tip = createTrustedIdentity(emu.trustedIdentityOptions());
    await tip.forToken(await emu.tokenFor('alice'));
    await tip.close();
    await tip.close();
    await expect(tip.forToken(await emu.tokenFor('alice'))).rejects.toMatchObject({
      code: 'ERR_CLOSED',
      category: 'configuration',
    });
    expect([exchanges(), tip.cachedUsers]).toEqual([1, 0]);
  });
});

describe('the region from the environment', () => {
  it.each([
    [
      'the option over AWS_REGION',
      { region: 'us-east-1' },
      { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' },
    ],
    ['AWS_REGION over AWS_DEFAULT_REGION', {}, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'eu-west-1' }],
    ['AWS_DEFAULT_REGION alone', {}, { AWS_REGION: '', AWS_DEFAULT_REGION: 'us-east-1' }],
  ] as const)('%s: the exchange reaches the emulator region', async (_name, given, env) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const { region: _region, ...rest } = emu.trustedIdentityOptions();
    await using tip = createTrustedIdentity({ ...rest, ...given });
    const user = await tip.forToken(await emu.tokenFor('alice'));
    expect(user.clientConfig().region).toBe('us-east-1');
    expect(exchanges()).toBe(1);
  });
});
