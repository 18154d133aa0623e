/**
 * Loads `pg` (an optional peer dependency) on first use, with a typed error naming the package when it
 * is not installed.
 *
 * @module
 */
import type * as Pg from 'pg';
import { TipError } from '../../errors.js';
import { loadOptionalPeer } from '../../optional-peer.js';

/** The parts of the `pg` module tip-sdk uses. */
export interface PgModule {
  /** `pg.Client`. */
  readonly Client: typeof Pg.Client;
  /** `pg.Pool`. */
  readonly Pool: typeof Pg.Pool;
}

let cached: Promise<PgModule> | undefined;

/**
 * The `pg` module: `given` when passed, else `import('pg')` (once).
 *
 * @param importer - Imports the module. Default `() => import('pg')`.
 * @throws TipError `ERR_MISSING_DEPENDENCY` when `pg` is not installed.
 */
export function loadPg(given?: PgModule, importer?: () => Promise<unknown>): Promise<PgModule> {
  if (given !== undefined) return Promise.resolve(given);
  const load = async (): Promise<PgModule> => {
    const mod: unknown = await loadOptionalPeer('pg', importer ?? (() => import('pg')));
    // pg is CommonJS: ESM sees its exports under `default`.
    const pg = ((mod as { default?: unknown }).default ?? mod) as Partial<PgModule>;
    if (typeof pg.Client !== 'function' || typeof pg.Pool !== 'function') {
      throw new TipError(
        'ERR_MISSING_DEPENDENCY',
        'The `pg` module found has no Client and Pool: install pg 8.',
        { details: { package: 'pg', reason: 'load_failed', install: 'npm install pg@8' } },
      );
    }
    return pg as PgModule;
  };
  if (importer !== undefined) return load();
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
