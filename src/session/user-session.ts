/**
 * The object `forToken` resolves to. One is kept per verified token for as long as the token is cached, so
 * it is a class: its methods and getters live on the prototype, and each session holds three fields
 * (an object literal with getters, frozen, costs several times that per user).
 *
 * @module
 */
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsClientConfig } from '../aws/clients.js';
import type { SessionAthena, SessionRedshift, SessionS3 } from '../services/session-services.js';
import type { SessionServiceRegistry } from '../services/session-services.js';
import type { UserClientConfig, UserIdentity, UserSession } from '../tip.js';

/** What the sessions of one trusted identity share. */
export interface SessionContext {
  readonly region: string;
  /** Client settings for user clients, without credentials. */
  readonly clientSettings: Omit<AwsClientConfig, 'credentials'>;
  readonly services: SessionServiceRegistry;
}

/** A {@link UserSession}: frozen, with the shared parts out of sight. */
export class UserSessionView implements UserSession {
  readonly identity: UserIdentity;
  readonly credentials: AwsCredentialIdentityProvider;
  readonly #context: SessionContext;

  constructor(identity: UserIdentity, credentials: AwsCredentialIdentityProvider, context: SessionContext) {
    this.identity = identity;
    this.credentials = credentials;
    this.#context = context;
    Object.freeze(this);
  }

  clientConfig(): UserClientConfig {
    const { clientSettings, region } = this.#context;
    return { ...clientSettings, region, credentials: this.credentials };
  }

  get athena(): SessionAthena {
    return this.#context.services.forUser(this.identity, this.credentials).athena;
  }

  get redshift(): SessionRedshift {
    return this.#context.services.forUser(this.identity, this.credentials).redshift;
  }

  get s3(): SessionS3 {
    return this.#context.services.forUser(this.identity, this.credentials).s3;
  }
}
