import { expect } from 'vitest';
import type { EmulatorConfig } from '../../../../src/emulator/config/types.js';
import { AwsServiceError, type Caller, type OperationContext } from '../../../../src/emulator/core/types.js';
import { startIdp } from '../../../../src/emulator/idp/index.js';
import type { EmbeddedIdp } from '../../../../src/emulator/idp/types.js';
import {
  createSsoOidcModule,
  type SsoOidcServiceModule,
} from '../../../../src/emulator/identity-center/service.js';
import { APP_ARN, CALLER, type TestRuntime, testConfig, testRuntime } from './runtime.js';

export const IDP_USERS = [
  { userName: 'alice', email: 'alice@example.com' },
  { userName: 'bob', email: 'bob@example.com' },
  { userName: 'carol', email: 'shared@example.com' },
  { userName: 'mallory', email: 'mallory@example.com' },
];

export interface AuditEntry {
  outcome: 'allowed' | 'denied';
  resource: string;
  reason: string | undefined;
}

export interface Harness {
  idp: EmbeddedIdp;
  runtime: TestRuntime;
  module: SsoOidcServiceModule;
  audit: AuditEntry[];
  /** Calls CreateTokenWithIAM; resolves to the output or rejects with the AwsServiceError. */
  call(input: Record<string, unknown>, caller?: Caller): Promise<Record<string, unknown>>;
  /** Calls and returns the thrown error (fails the test when the call succeeds). */
  refuse(input: Record<string, unknown>, caller?: Caller): Promise<AwsServiceError>;
}

/** A harness over a running embedded IdP; `configure` may replace the config built around its issuer. */
export async function createHarness(
  configure: (base: EmulatorConfig) => EmulatorConfig = (c) => c,
  idp?: EmbeddedIdp,
): Promise<Harness> {
  const running = idp ?? (await startIdp({ users: IDP_USERS, quiet: true }));
  const runtime = testRuntime(configure(testConfig('idp')), { idpIssuer: running.issuer });
  const module = await createSsoOidcModule(runtime);
  const audit: AuditEntry[] = [];
  const handler = module.handlers.CreateTokenWithIAM;
  if (!handler) throw new Error('no handler');
  const call = async (input: Record<string, unknown>, caller: Caller = CALLER) => {
    const ctx: OperationContext<typeof runtime> = {
      service: 'sso-oauth',
      operation: 'CreateTokenWithIAM',
      caller,
      input,
      raw: {
        method: 'POST',
        path: '/token',
        query: { aws_iam: 't' },
        headers: {},
        body: Buffer.alloc(0),
        host: 'x',
      },
      state: runtime,
      now: runtime.now(),
      requestId: 'req-1',
      audit: (outcome, resource, reason) => audit.push({ outcome, resource, reason }),
    };
    return (await handler(ctx)) as Record<string, unknown>;
  };
  const refuse = async (input: Record<string, unknown>, caller?: Caller) => {
    try {
      await call(input, caller);
    } catch (error) {
      return error as AwsServiceError;
    }
    throw new Error('expected the call to be refused');
  };
  return { idp: running, runtime, module, audit, call, refuse };
}

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const REFRESH_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';
export const REDIRECT = 'http://127.0.0.1:7890/callback';

/** A jwt-bearer CreateTokenWithIAM input for the main application. */
export const bearer = (assertion: string, extra: Record<string, unknown> = {}) => ({
  clientId: APP_ARN,
  grantType: JWT_BEARER,
  assertion,
  ...extra,
});

/** Asserts that `input` is refused with `code` and `status` (and `message`), the OAuth description matching. */
export async function expectRefusal(
  h: Harness,
  input: Record<string, unknown>,
  code: string,
  status: number,
  message?: RegExp,
): Promise<AwsServiceError> {
  const error = await h.refuse(input);
  expect(error).toBeInstanceOf(AwsServiceError);
  expect(error.code).toBe(code);
  expect(error.status).toBe(status);
  expect(error.extra.error_description).toBe(error.message);
  if (message) expect(error.message).toMatch(message);
  return error;
}
