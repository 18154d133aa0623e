import { createTrustedIdentity } from '../../../src/tip.js';
import type { TrustedIdentityOptions } from '../../../src/session/config.js';
import type { TipEvent } from '../../../src/session/events.js';
import { APP_ARN, REGION, ROLE_ARN, SERVICE_CREDENTIALS, stubVerifier } from './fake-aws.js';

/** A tip instance wired to the msw fake, with a manual clock and recorded events. */
export function fakeTip(clock: () => number, overrides: Partial<TrustedIdentityOptions> = {}) {
  const events: TipEvent[] = [];
  const tip = createTrustedIdentity({
    region: REGION,
    verifier: stubVerifier(clock),
    applicationArn: APP_ARN,
    accessRoleArn: ROLE_ARN,
    clientConfig: { credentials: SERVICE_CREDENTIALS },
    timeouts: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5_000 },
    events: (e) => events.push(e),
    clock,
    ...overrides,
  });
  return { tip, events };
}
