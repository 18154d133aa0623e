/**
 * Decoding of awsQuery form bodies (`application/x-www-form-urlencoded`) into nested input objects:
 * `ProvidedContexts.member.1.ProviderArn=x` -> `{ ProvidedContexts: [{ ProviderArn: 'x' }] }`,
 * `ClusterIds.ClusterIdentifier.1=a` -> `{ ClusterIds: { ClusterIdentifier: ['a'] } }`,
 * `ClusterIds.member.2=b` -> `{ ClusterIds: [, 'b'] }` compacted, `Attr.entry.1.key/value` -> a map.
 */

/** A form body that cannot be decoded; the front answers the service's malformed-input error. */
export class FormDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormDecodeError';
  }
}

/** Largest list index accepted (`member.N`), so a hostile index cannot allocate a huge array. */
const MAX_INDEX = 1000;
/** Deepest nesting accepted. */
const MAX_DEPTH = 8;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const NAME = /^[A-Za-z0-9_-]{1,128}$/;

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new FormDecodeError('The form body holds an invalid percent-encoding.');
  }
}

/** Splits a form body into ordered [name, value] pairs; duplicated names are refused. */
export function parseFormPairs(body: string): [string, string][] {
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  if (body.length === 0) return pairs;
  for (const part of body.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    if (seen.has(name)) throw new FormDecodeError(`The form parameter ${JSON.stringify(name)} is repeated.`);
    seen.add(name);
    pairs.push([name, value]);
  }
  return pairs;
}

type Node = { [key: string]: Node | string };

function isIndex(segment: string | undefined): segment is string {
  return segment !== undefined && /^[1-9][0-9]{0,3}$/.test(segment) && Number(segment) <= MAX_INDEX;
}

/** Inserts `value` under the dotted `name`, collapsing `member.N` and `entry.N` into numeric keys. */
function insert(root: Node, name: string, value: string): void {
  const raw = name.split('.');
  if (raw.length > MAX_DEPTH * 2) throw new FormDecodeError(`The form parameter name ${name} is too deep.`);
  const path: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const segment = raw[i]!;
    if ((segment === 'member' || segment === 'entry') && isIndex(raw[i + 1])) {
      path.push(`#${segment === 'entry' ? 'e' : 'm'}${raw[i + 1]}`);
      i++;
      continue;
    }
    // `ClusterIds.ClusterIdentifier.1`: a bare index after a member name is a list position too.
    if (/^[0-9]+$/.test(segment)) {
      if (!isIndex(segment))
        throw new FormDecodeError(`The list index in ${JSON.stringify(name)} is out of range.`);
      path.push(`#m${segment}`);
      continue;
    }
    if (!NAME.test(segment) || FORBIDDEN.has(segment)) {
      throw new FormDecodeError(`The form parameter name ${JSON.stringify(name)} is not valid.`);
    }
    path.push(segment);
  }
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = node[key];
    if (typeof next === 'string')
      throw new FormDecodeError(`The form parameter ${name} conflicts with another.`);
    if (next === undefined) {
      const child: Node = {};
      node[key] = child;
      node = child;
    } else {
      node = next;
    }
  }
  const last = path[path.length - 1]!;
  if (node[last] !== undefined)
    throw new FormDecodeError(`The form parameter ${name} conflicts with another.`);
  node[last] = value;
}

/** Turns `#mN` keys into arrays (ordered by N) and `#eN` keys with `key`/`value` into maps. */
function finish(node: Node | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => k.startsWith('#m'))) {
    return keys.sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))).map((k) => finish(node[k]!));
  }
  if (keys.length > 0 && keys.every((k) => k.startsWith('#e'))) {
    const map: Record<string, unknown> = {};
    for (const k of keys) {
      const entry = node[k]!;
      if (typeof entry === 'string' || typeof entry.key !== 'string') {
        throw new FormDecodeError('A map entry lacks its key.');
      }
      if (FORBIDDEN.has(entry.key)) throw new FormDecodeError('A map entry has a forbidden key.');
      map[entry.key] = entry.value === undefined ? '' : finish(entry.value);
    }
    return map;
  }
  if (keys.some((k) => k.startsWith('#'))) throw new FormDecodeError('A form list is mixed with members.');
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = finish(node[k]!);
  return out;
}

/**
 * Decodes an awsQuery form body into `{ Action, Version, ...input }` with nested members.
 *
 * @throws FormDecodeError on bad percent-encoding, repeated or invalid names, conflicting members.
 */
export function decodeQueryForm(body: string): Record<string, unknown> {
  const root: Node = {};
  for (const [name, value] of parseFormPairs(body)) insert(root, name, value);
  const result = finish(root);
  if (Array.isArray(result))
    throw new FormDecodeError('A form parameter name must not start with a list index.');
  return result as Record<string, unknown>;
}
