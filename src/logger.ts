/**
 * The one logger shape of tip-sdk: pino's `(fields, message)`. A pino logger, a bunyan-style logger or a
 * small adapter over `console` fits every place that takes a logger (the trusted identity, the JWT
 * verifier, the service handles, the HTTP adapters).
 *
 * @module
 */

/**
 * A logger with a debug level, called as `debug(fields, message)` like pino. Never receives a token,
 * an assertion, an identity context or a credential.
 */
export interface DebugLogger {
  /** Logs one decision: structured `fields` first, then a fixed `message`. */
  debug(fields: object, message?: string): void;
}

/** A pino-shaped logger with the four levels tip-sdk uses. Silent by default. */
export interface TipLogger extends DebugLogger {
  /** Informational messages, e.g. a refusal caused by the client's token. */
  info(fields: object, message?: string): void;
  /** Failures the operator should look at (AWS or the issuer unavailable, configuration refused). */
  warn(fields: object, message?: string): void;
  /** Unexpected failures. */
  error(fields: object, message?: string): void;
}
