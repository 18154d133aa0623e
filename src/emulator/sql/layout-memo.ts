/**
 * Which SQL layouts this process has already applied without an error. A layout is the DDL an emulator
 * derives from its configuration (tables, roles, grants, row filters); the same layout always gives the
 * same database. The first emulator of a layout boots its engine at start, so a configuration the database
 * refuses fails the start; later emulators of a layout already proven start without an engine and boot it
 * on their first query — most emulators of a test run or a script that restarts never query.
 */
import { hash } from 'node:crypto';

/** Layouts remembered at most; past it the memo starts over (an emulator then boots at start again). */
const MAX_LAYOUTS = 1000;

const applied = new Set<string>();

/** JSON with the members of Maps and Sets written out (JSON.stringify writes both as `{}`). */
function layoutJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Map ? { map: [...v] } : v instanceof Set ? { set: [...v] } : v,
  );
}

/** The digest naming a layout of `kind` ('athena', 'redshift') described by `value` (SHA-256, hex). */
export function layoutDigest(kind: string, value: unknown): string {
  return hash('sha256', `${kind}\n${layoutJson(value)}`, 'hex');
}

/** Whether a layout with this digest was applied without an error in this process. */
export function layoutProven(digest: string): boolean {
  return applied.has(digest);
}

/** Records that the layout with this digest was applied without an error. */
export function markLayoutProven(digest: string): void {
  if (applied.size >= MAX_LAYOUTS) applied.clear();
  applied.add(digest);
}
