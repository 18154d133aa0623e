/**
 * The Data API's databases on the emulator's shared SQL engine.
 */
import type { EmulatorRuntime } from '../core/types.js';
import type { RedshiftBackend } from './data-state.js';
import { listTargets, schemaFor } from './targets.js';

/** Creates the backend over the shared SQL engine. */
export function createSqlBackend(runtime: EmulatorRuntime): RedshiftBackend {
  const schemas = new Map<string, string>();
  for (const target of listTargets(runtime)) {
    for (const db of target.config.databases)
      schemas.set(`${target.kind}/${target.name}/${db.name}`, schemaFor(target, db.name));
  }
  return {
    schemaFor: (target, database) => schemas.get(`${target.kind}/${target.name}/${database}`),
    runner: () => Promise.reject(new Error('SQL engine not available')),
  };
}
