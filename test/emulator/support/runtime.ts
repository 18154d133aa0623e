/** Fake emulator runtimes and handler contexts for calling one service module without the front. */
import { randomBytes } from 'node:crypto';
import type { EmulatorConfig } from '../../../src/emulator/config/types.js';
import {
  type AuthorizationDecision,
  AwsServiceError,
  type Caller,
  type CredentialRegistry,
  type EmulatorRuntime,
  type OperationContext,
  type RawRequest,
  type ServiceName,
} from '../../../src/emulator/core/types.js';

/** A runtime whose clock the test moves. */
export interface ClockedRuntime extends EmulatorRuntime {
  /** Moves the clock, milliseconds. */
  advance(ms: number): void;
  /** Sets the clock, epoch milliseconds. */
  setNow(ms: number): void;
}

/** Options of {@link clockedRuntime}. */
export interface ClockedRuntimeOptions {
  /** Start of the clock, epoch ms. Default 2026-01-01T00:00:00Z. */
  readonly now?: number;
  /** Default: allow everything with reason `test`. */
  readonly authorize?: (caller: Caller, action: string, resource: string) => AuthorizationDecision;
  /** Default: a registry that issues nothing and knows no key. */
  readonly credentials?: CredentialRegistry;
  readonly idpIssuer?: string;
  /** Default: global `fetch`. */
  readonly fetch?: typeof fetch;
}

const UNUSED_CREDENTIALS: CredentialRegistry = {
  issue: () => {
    throw new Error('not used');
  },
  lookup: () => undefined,
};

/** A runtime over `config` with a controllable clock and a fresh secret key. */
export function clockedRuntime(config: EmulatorConfig, options: ClockedRuntimeOptions = {}): ClockedRuntime {
  let clock = options.now ?? Date.UTC(2026, 0, 1);
  return {
    config,
    now: () => clock,
    advance: (ms) => {
      clock += ms;
    },
    setNow: (ms) => {
      clock = ms;
    },
    credentials: options.credentials ?? UNUSED_CREDENTIALS,
    secretKey: randomBytes(32),
    idpIssuer: options.idpIssuer,
    fetch: options.fetch ?? fetch,
    authorize: options.authorize ?? (() => ({ allowed: true, reason: 'test' })),
  };
}

/** One `ctx.audit` call as a handler made it. */
export interface AuditRecord {
  outcome: 'allowed' | 'denied';
  resource: string;
  reason?: string;
}

/** What {@link operationContext} needs. */
export interface OperationContextInit {
  readonly service: ServiceName;
  readonly operation: string;
  readonly caller: Caller | undefined;
  readonly input: Record<string, unknown>;
  readonly raw: RawRequest;
  readonly runtime: EmulatorRuntime;
  /** Receives each audit call. */
  readonly audit?: (record: AuditRecord) => void;
}

/** The context the front would hand a handler, request id `req-1`, time from the runtime's clock. */
export function operationContext(init: OperationContextInit): OperationContext<EmulatorRuntime> {
  return {
    service: init.service,
    operation: init.operation,
    caller: init.caller,
    input: init.input,
    raw: init.raw,
    state: init.runtime,
    now: init.runtime.now(),
    requestId: 'req-1',
    audit: (outcome, resource, reason) => {
      init.audit?.({ outcome, resource, ...(reason === undefined ? {} : { reason }) });
    },
  };
}

/** The AwsServiceError `promise` rejects with (fails the test when it resolves or throws anything else). */
export async function rejection(promise: Promise<unknown>): Promise<AwsServiceError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AwsServiceError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}
