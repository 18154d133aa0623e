/** Builds the {@link EmulatorRuntime} shared by every service from a validated configuration. */
import { randomBytes } from 'node:crypto';
import type { EmulatorConfig } from '../config/types.js';
import type { AuditLogWriter } from './audit-log.js';
import { createAuthorizer } from './authorize.js';
import type { EmulatorClock } from './clock.js';
import { type EmulatorCredentialRegistry, createCredentialRegistry } from './registry.js';
import type { EmulatorRuntime } from './types.js';

/** The runtime plus the parts only the front and `startEmulator` use. */
export interface EmulatorRuntimeInternal extends EmulatorRuntime {
  readonly credentials: EmulatorCredentialRegistry;
}

/** Inputs of {@link createRuntime}. */
export interface RuntimeInit {
  readonly config: EmulatorConfig;
  readonly clock: EmulatorClock;
  readonly audit: AuditLogWriter;
  /** The embedded IdP's issuer, when one runs. */
  readonly idpIssuer?: string;
  /** Fetch for issuers' discovery and JWKS. Default: global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Secret sealing identity contexts and opaque tokens. Default: 32 random bytes. */
  readonly secretKey?: Buffer;
  /** Issued role sessions remembered (see `AssembleOptions.maxSessions`). */
  readonly maxSessions?: number;
}

/** Creates the runtime: credential registry, authorizer (every decision audited), clock, secret key. */
export function createRuntime(init: RuntimeInit): EmulatorRuntimeInternal {
  const authorizer = createAuthorizer(init.config);
  return {
    config: init.config,
    now: () => init.clock.now(),
    credentials: createCredentialRegistry(init.config, () => init.clock.now(), init.maxSessions),
    secretKey: init.secretKey ?? randomBytes(32),
    idpIssuer: init.idpIssuer,
    fetch: init.fetch ?? globalThis.fetch.bind(globalThis),
    authorize(caller, action, resource) {
      const decision = authorizer(caller, action, resource);
      init.audit.record({
        callerArn: caller.arn,
        idcUser: caller.identityContext?.userName,
        action,
        resource,
        outcome: decision.allowed ? 'allowed' : 'denied',
        reason: decision.reason,
      });
      return decision;
    },
  };
}
