/**
 * Concurrent requests of one user share one load, started with the first request's JWT. When that JWT
 * is refused as already exchanged, a request that joined with another JWT is not refused with it: it
 * gets a load of its own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { createFakeAws, fakeJwt, idcUserIdOf, manualClock, userOfSessionToken } from './helpers/fake-aws.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock(Date.now());
const aws = createFakeAws({ now: clock });
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());

describe('a load joined with another JWT', () => {
  it('an old, already exchanged JWT and a new one at once: the old is refused, the new one serves', async () => {
    const { tip } = fakeTip(clock);
    await tip.forToken(fakeJwt('amy', 'old'));
    tip.clearCache(); // what the old JWT's exchange gave is gone; the JWT stays exchanged
    const [old, fresh] = await Promise.allSettled([
      tip.forToken(fakeJwt('amy', 'old')),
      tip.forToken(fakeJwt('amy', 'new')),
    ]);
    expect(old.status === 'rejected' && isTipError(old.reason, 'ERR_IDC_TOKEN_REUSED')).toBe(true);
    expect(fresh.status).toBe('fulfilled');
    const session = (fresh as PromiseFulfilledResult<Awaited<ReturnType<typeof tip.forToken>>>).value;
    expect(userOfSessionToken((await session.credentials()).sessionToken)).toBe(idcUserIdOf('amy'));
    expect(aws.counts.jwtBearer).toBe(2);
  });
});
