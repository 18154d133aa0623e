/**
 * Field checks the identity-center and data-service validators share: names and ids of directory
 * entries, and references to users and groups of `identityCenter`.
 */
import { NAME, PLAIN_ID } from './arns.js';
import { configError, optStr, str } from './check.js';

/** Users and groups known to the config, for grant references. */
export interface Directory {
  readonly users: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

/** A required name of letters, digits and `._@+=,-`. */
export function nameField(path: string, value: unknown): string {
  return str(path, value, { pattern: NAME, hint: 'a name of letters, digits and ._@+=,-' });
}

/** An optional id of letters, digits, `-` and `_`. */
export function optPlainId(path: string, value: unknown): string | undefined {
  return optStr(path, value, { pattern: PLAIN_ID, hint: 'letters, digits, - and _' });
}

/** Checks that `name` is a configured user (`kind` `user`) or group; returns it. */
export function directoryRef(
  path: string,
  kind: 'user' | 'group',
  name: string,
  known: ReadonlySet<string>,
): string {
  if (!known.has(name)) {
    configError(path, `names the ${kind} ${JSON.stringify(name)}, which is not in identityCenter.${kind}s.`);
  }
  return name;
}

/**
 * A grant principal: `user:<userName>`, `group:<name>`, with `allowIam` `iam:<principal ARN>`, with
 * `allowPlain` a database user name.
 */
export function principalRef(
  path: string,
  value: unknown,
  dir: Directory,
  allowPlain: boolean,
  allowIam = false,
): string {
  const text = str(path, value, { max: 2048 });
  const colon = text.indexOf(':');
  const kind = colon < 0 ? '' : text.slice(0, colon);
  const name = text.slice(colon + 1);
  if (kind === 'user') {
    directoryRef(path, 'user', name, dir.users);
  } else if (kind === 'group') {
    directoryRef(path, 'group', name, dir.groups);
  } else if (kind === 'iam' && allowIam) {
    if (!/^arn:aws:iam::\d{12}:(root|(user|role)\/.+)$/.test(name))
      configError(path, 'must be iam:<principal ARN>.');
  } else if (!(allowPlain && /^[a-z_][a-z0-9_$]{0,126}$/.test(text))) {
    configError(
      path,
      `must be user:<userName> or group:<name>${allowIam ? ' or iam:<principal ARN>' : ''}${allowPlain ? ' or a database user name' : ''}.`,
    );
  }
  return text;
}
