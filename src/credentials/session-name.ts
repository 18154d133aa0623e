/**
 * Role session names. They appear in CloudTrail next to every call the user makes, so they are derived
 * deliberately: by default `tip-<IdC user id>` — stable per user, unique, and free of personal data such
 * as an email address (the IdC user id is resolvable in the identity store by administrators).
 *
 * @module
 */

/** Characters STS allows in a session name. */
const DISALLOWED = /[^\w+=,.@-]/g;
/** Shortest and longest session names STS allows. */
export const SESSION_NAME_MIN = 2;
/** Longest session name STS allows. */
export const SESSION_NAME_MAX = 64;

/**
 * `raw` made acceptable to STS: disallowed characters become `-`, the result is cut to 64 characters and
 * padded to 2 with `-`.
 */
export function sanitizeSessionName(raw: string): string {
  let name = raw.replace(DISALLOWED, '-').slice(0, SESSION_NAME_MAX);
  while (name.length < SESSION_NAME_MIN) name += '-';
  return name;
}

/** What a session-name function may use. */
export interface SessionNameInput {
  /** The IdC user id. */
  readonly idcUserId: string;
  /** The identity store id. */
  readonly identityStoreId: string;
  /** The external issuer, when known. */
  readonly issuer?: string;
  /** The external subject, when known. */
  readonly subject?: string;
}

/** The default session name: `tip-<IdC user id>`, sanitized. */
export function defaultSessionName(input: SessionNameInput): string {
  return sanitizeSessionName(`tip-${input.idcUserId}`);
}
