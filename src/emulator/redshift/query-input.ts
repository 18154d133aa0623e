/**
 * Reads awsQuery list members. The Redshift model names list items (`ClusterIds.ClusterIdentifier.N`), while
 * most awsQuery lists use `member`; both spellings are accepted, read from the raw form body so the result
 * does not depend on how the front flattens members.
 */
import type { OperationContext } from '../core/types.js';

/** Bound on list items read, so a hostile body cannot make the reader allocate without limit. */
const MAX_ITEMS = 1000;

function fromFlattened(value: unknown, itemName: string): string[] | undefined {
  if (Array.isArray(value)) return value.map((v) => String(v));
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of [itemName, 'member']) {
    const inner = record[key];
    if (inner === undefined) continue;
    if (Array.isArray(inner)) return inner.map((v) => String(v));
    if (typeof inner === 'object' && inner !== null) {
      return Object.entries(inner as Record<string, unknown>)
        .filter(([k]) => /^\d+$/.test(k))
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, v]) => String(v));
    }
    return [String(inner)];
  }
  return undefined;
}

/**
 * The items of list `name` whose members are named `itemName` (or `member`), in index order.
 *
 * @returns The items; an empty array when the list is absent; `undefined` when indexes are not the positive
 *   integers 1..N (a malformed list the service rejects).
 */
export function queryList(
  ctx: OperationContext<unknown>,
  name: string,
  itemName: string,
): string[] | undefined {
  const contentType = ctx.raw.headers['content-type'] ?? '';
  if (ctx.raw.body.length > 0 && contentType.includes('x-www-form-urlencoded')) {
    const params = new URLSearchParams(ctx.raw.body.toString('utf8'));
    const pattern = new RegExp(`^${name}\\.(?:${itemName}|member)\\.(\\d{1,6})$`);
    const items = new Map<number, string>();
    for (const [key, value] of params) {
      const match = pattern.exec(key);
      if (!match) continue;
      if (items.size >= MAX_ITEMS) return undefined;
      items.set(Number(match[1]), value);
    }
    const ordered: string[] = [];
    for (let index = 1; index <= items.size; index++) {
      const item = items.get(index);
      if (item === undefined) return undefined;
      ordered.push(item);
    }
    return ordered;
  }
  return fromFlattened(ctx.input[name], itemName) ?? [];
}
