import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { setupServer } from 'msw/node';
import { createServiceContext } from '../../src/services/context.js';
import type { ServiceContext, ServiceContextInit, ServiceEvent } from '../../src/services/context.js';

/** The identity-enhanced credentials the unit tests sign with. */
export const USER_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'ASIAUSERSESSION00001',
  secretAccessKey: 'user-secret-key-must-never-leak-000000000',
  sessionToken: 'user-session-token-must-never-leak',
  accountId: '111122223333',
};

/** An msw server that fails on any request without a handler. */
export function mswServer() {
  const server = setupServer();
  return server;
}

/** A movable clock. */
export function fakeClock(start = Date.now()) {
  let now = start;
  const clock = () => now;
  return Object.assign(clock, {
    advance(ms: number) {
      now += ms;
    },
  });
}

/** A context for unit tests: fast retries, events recorded. */
export function testContext(overrides: Partial<ServiceContextInit> = {}): {
  ctx: ServiceContext;
  events: ServiceEvent[];
} {
  const events: ServiceEvent[] = [];
  const ctx = createServiceContext({
    credentials: async () => USER_CREDENTIALS,
    region: 'us-east-1',
    identity: { idcUserId: 'u-0001' },
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5_000 },
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { ctx, events };
}
