/**
 * The identity store of the emulated IdC instance: finding the one user a trusted token issuer's claim
 * maps to, the user's groups, and the application assignment rule.
 */
import type { EmulatorConfig } from '../config/types.js';

/** A resolved identity store user. */
export type DirectoryUser = EmulatorConfig['identityCenter']['users'][number];
/** A resolved IdC application. */
export type Application = EmulatorConfig['identityCenter']['applications'][number];

/** Outcome of {@link findUserByAttribute}. */
export type UserMatch =
  | { readonly kind: 'one'; readonly user: DirectoryUser }
  | { readonly kind: 'none' }
  | { readonly kind: 'many'; readonly count: number };

/** The users of one configuration by userName, primary email and user id. */
interface UserIndex {
  readonly userName: Map<string, DirectoryUser[]>;
  readonly email: Map<string, DirectoryUser[]>;
  readonly userId: Map<string, DirectoryUser>;
}

const indexes = new WeakMap<readonly DirectoryUser[], UserIndex>();

/**
 * The index of `users`, built once per (frozen, as validated configurations are) user list, so every lookup
 * is O(1) however many users the emulator has. An unfrozen list is indexed afresh on each call.
 */
function indexOf(users: readonly DirectoryUser[]): UserIndex {
  const known = indexes.get(users);
  if (known !== undefined) return known;
  const index: UserIndex = { userName: new Map(), email: new Map(), userId: new Map() };
  const add = (map: Map<string, DirectoryUser[]>, key: string, user: DirectoryUser) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [user]);
    else list.push(user);
  };
  for (const user of users) {
    add(index.userName, user.userName, user);
    add(index.email, user.email, user);
    if (!index.userId.has(user.userId)) index.userId.set(user.userId, user);
  }
  if (Object.isFrozen(users)) indexes.set(users, index);
  return index;
}

/**
 * The users whose identity store attribute equals `value` exactly (case-sensitive, as IdC compares).
 *
 * @param config - The resolved emulator configuration.
 * @param attribute - `emails.value` (the primary email) or `userName`.
 * @param value - The claim value from the token.
 */
export function findUserByAttribute(
  config: EmulatorConfig,
  attribute: 'emails.value' | 'userName',
  value: string,
): UserMatch {
  const index = indexOf(config.identityCenter.users);
  const users = (attribute === 'userName' ? index.userName : index.email).get(value) ?? [];
  if (users.length === 1) return { kind: 'one', user: users[0] as DirectoryUser };
  return users.length === 0 ? { kind: 'none' } : { kind: 'many', count: users.length };
}

/** The user with IdC user id `userId`, if configured. */
export function findUserById(config: EmulatorConfig, userId: string): DirectoryUser | undefined {
  return indexOf(config.identityCenter.users).userId.get(userId);
}

/** The user's groups as parallel id and name lists, in configuration order. Unknown group names are skipped. */
export function groupsOf(config: EmulatorConfig, user: DirectoryUser): { ids: string[]; names: string[] } {
  const ids: string[] = [];
  const names: string[] = [];
  for (const group of config.identityCenter.groups) {
    if (user.groups.includes(group.name)) {
      ids.push(group.groupId);
      names.push(group.name);
    }
  }
  return { ids, names };
}

/** The application with ARN `arn`, if configured. */
export function findApplication(config: EmulatorConfig, arn: string): Application | undefined {
  return config.identityCenter.applications.find((a) => a.arn === arn);
}

/**
 * Whether `user` may use `app`: always when the app does not require assignment, else when the user or
 * one of their groups is assigned.
 */
export function isAssigned(app: Application, user: DirectoryUser): boolean {
  if (!app.assignmentRequired) return true;
  if (app.assignments.users?.includes(user.userName)) return true;
  return user.groups.some((g) => app.assignments.groups?.includes(g) ?? false);
}
