/** PGlite, imported on first use (see `core/optional-import.ts`): only the SQL services need it. */
import { importOptional } from '../core/optional-import.js';

type PgliteModule = typeof import('@electric-sql/pglite');

let loading: Promise<PgliteModule> | undefined;

/**
 * The `@electric-sql/pglite` module, imported once per process.
 *
 * @throws TipError `ERR_MISSING_DEPENDENCY` when the package is not installed.
 */
export function loadPglite(): Promise<PgliteModule> {
  if (loading === undefined) {
    loading = importOptional(
      '@electric-sql/pglite',
      "The emulator's SQL services (Athena, Redshift Data)",
      () => import('@electric-sql/pglite'),
    );
    // A failed import may be retried after installing the package.
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
