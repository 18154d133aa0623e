/**
 * The Data API's databases: the configured layout (`database-setup.ts`) applied to the emulator's SQL engine
 * (one engine for the Redshift side), and the internal schemas of each (target, database).
 */
import type { EmulatorRuntime } from '../core/types.js';
import { databaseSchemas, redshiftLayout } from './database-setup.js';
import type { DatabaseSchemas, RedshiftBackend } from './data-state.js';
import { EngineRunner } from './engine-runner.js';
import { listTargets, targetKey } from './targets.js';

/**
 * Creates the backend: lays out every configured database and resolves once the runner is ready, so a
 * configuration the database refuses fails the emulator's start rather than the first statement.
 * With no Redshift target configured, nothing is booted and `runner()` rejects.
 */
export async function createSqlBackend(runtime: EmulatorRuntime): Promise<RedshiftBackend> {
  const schemas = new Map<string, DatabaseSchemas>();
  for (const target of listTargets(runtime)) {
    for (const db of target.config.databases)
      schemas.set(`${targetKey(target)}/${db.name}`, databaseSchemas(target, db));
  }
  const runner =
    schemas.size === 0
      ? undefined
      : await EngineRunner.create(redshiftLayout(runtime.config), () => runtime.now());
  return {
    schemasOf: (target, database) => schemas.get(`${targetKey(target)}/${database}`),
    runner: () =>
      runner ? Promise.resolve(runner) : Promise.reject(new Error('no Redshift database is configured')),
    close: async () => {
      await runner?.close();
    },
  };
}
