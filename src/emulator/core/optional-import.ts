/**
 * Loading of the emulator's heavy optional parts (PGlite for SQL, oidc-provider for the IdP) on first
 * use, so that the CLI, `import('tip-sdk/emulator')` and an emulator without those parts work without
 * them installed. A missing package becomes a TipError naming it and the command that installs it.
 */
import { TipError } from '../../errors.js';

/** True when `error` says that `pkg` itself (not something it imports) cannot be found. */
function isMissing(error: unknown, pkg: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  if (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'MODULE_NOT_FOUND') return false;
  return typeof e.message === 'string' && e.message.includes(`'${pkg}'`);
}

/** The error for a missing optional package. */
export function missingDependency(pkg: string, feature: string, cause?: unknown): TipError {
  return new TipError(
    'ERR_MISSING_DEPENDENCY',
    `${feature} needs the optional package ${pkg}, which is not installed: run \`npm install ${pkg}\`.`,
    { details: { package: pkg, reason: 'not_installed' }, ...(cause === undefined ? {} : { cause }) },
  );
}

/**
 * Runs `load` (a dynamic `import()` of `pkg`); a failure because `pkg` is not installed becomes
 * TipError `ERR_MISSING_DEPENDENCY`, any other failure passes through.
 */
export async function importOptional<T>(pkg: string, feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw isMissing(error, pkg) ? missingDependency(pkg, feature, error) : error;
  }
}
