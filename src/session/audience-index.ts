/**
 * The audience lists each user was loaded with, so that forgetting a user can name every cache key of
 * theirs (the audience is part of each key). Written on loads only, never on the warm path.
 *
 * @module
 */

/** Most users whose audience lists are remembered (beyond the LRU); the oldest is forgotten first. */
export const MAX_INDEXED_USERS = 100_000;

/** See the module notes. */
export interface AudienceIndex {
  /** Notes that the user (`issuer`, `subject`) was loaded with `audience`. */
  remember(issuer: string, subject: string, audience: readonly string[]): void;
  /** Every audience list noted for the user, which the index then forgets. */
  take(issuer: string, subject: string): (readonly string[])[];
  /** Forgets every user. */
  clear(): void;
}

/**
 * Creates an index. Nearly every user has one audience list: it is kept as a string (its JSON), and a Set
 * only from the second.
 *
 * @param maxUsers - Most users indexed. Default {@link MAX_INDEXED_USERS}.
 */
export function createAudienceIndex(maxUsers = MAX_INDEXED_USERS): AudienceIndex {
  const lists = new Map<string, string | Set<string>>();
  // JSON, so that no issuer and subject pair reads as another (a subject may hold any character).
  const userOf = (issuer: string, subject: string) => JSON.stringify([issuer, subject]);
  return {
    remember(issuer, subject, audience) {
      const user = userOf(issuer, subject);
      const list = JSON.stringify(audience);
      const held = lists.get(user);
      if (held === undefined) {
        lists.set(user, list);
        if (lists.size > maxUsers) lists.delete(lists.keys().next().value as string);
      } else if (typeof held === 'string') {
        if (held !== list) lists.set(user, new Set([held, list]));
      } else {
        held.add(list);
      }
    },
    take(issuer, subject) {
      const user = userOf(issuer, subject);
      const held = lists.get(user);
      lists.delete(user);
      return [...(typeof held === 'string' ? [held] : (held ?? []))].map(
        (text) => JSON.parse(text) as string[],
      );
    },
    clear() {
      lists.clear();
    },
  };
}
