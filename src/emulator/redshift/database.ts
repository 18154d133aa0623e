/**
 * The Data API's databases: the configured layout (`database-setup.ts`) applied to the emulator's SQL engine
 * (one engine for the Redshift side), and the internal schemas of each (target, database).
 */
import type { EmulatorRuntime } from '../core/types.js';
import { databaseSchemas, redshiftLayout } from './database-setup.js';
import type { DatabaseSchemas, RedshiftBackend } from './data-state.js';
import { layoutDigest, layoutProven, markLayoutProven } from '../sql/layout-memo.js';
import { EngineRunner } from './engine-runner.js';
import { listTargets, targetKey } from './targets.js';

/**
 * Creates the backend over one engine holding every configured database. The engine boots and is laid
 * out before this resolves when this process has not yet applied that layout, so a configuration the
 * database refuses fails the emulator's start rather than the first statement; a layout already proven
 * boots on the first statement (see `layout-memo.ts`). With no Redshift target configured, nothing is
 * booted and `runner()` rejects.
 */
export async function createSqlBackend(runtime: EmulatorRuntime): Promise<RedshiftBackend> {
  const schemas = new Map<string, DatabaseSchemas>();
  for (const target of listTargets(runtime)) {
    for (const db of target.config.databases)
      schemas.set(`${targetKey(target)}/${db.name}`, databaseSchemas(target, db));
  }
  let booting: Promise<EngineRunner> | undefined;
  let closed = false;
  const runner = (): Promise<EngineRunner> => {
    if (schemas.size === 0) return Promise.reject(new Error('no Redshift database is configured'));
    if (closed) return Promise.reject(new Error('the Redshift SQL backend is closed'));
    booting ??= EngineRunner.create(layout, () => runtime.now()).catch((error: unknown) => {
      booting = undefined;
      throw error;
    });
    return booting;
  };
  const layout = redshiftLayout(runtime.config);
  if (schemas.size > 0) {
    const digest = layoutDigest('redshift', layout);
    if (!layoutProven(digest)) {
      await runner();
      markLayoutProven(digest);
    }
  }
  return {
    schemasOf: (target, database) => schemas.get(`${targetKey(target)}/${database}`),
    runner,
    close: async () => {
      closed = true;
      const started = booting;
      booting = undefined;
      if (started) await (await started.catch(() => undefined))?.close();
    },
  };
}

interface SharedBackend {
  readonly backend: Promise<RedshiftBackend>;
  users: number;
}

const shared = new WeakMap<EmulatorRuntime, SharedBackend>();

/** A use of the shared backend; `release()` once when done (the last release closes it). */
export interface BackendLease {
  readonly backend: RedshiftBackend;
  release(): Promise<void>;
}

/**
 * The one SQL backend of `runtime`, shared by the Data API and the SQL endpoints so both see the same
 * databases, roles, grants and rows. Created on first use; closed when the last user releases it.
 */
export async function acquireSqlBackend(runtime: EmulatorRuntime): Promise<BackendLease> {
  let entry = shared.get(runtime);
  if (!entry) {
    const created: SharedBackend = { backend: createSqlBackend(runtime), users: 0 };
    created.backend.catch(() => {
      if (shared.get(runtime) === created) shared.delete(runtime);
    });
    shared.set(runtime, created);
    entry = created;
  }
  entry.users++;
  const current = entry;
  let backend: RedshiftBackend;
  try {
    backend = await current.backend;
  } catch (error) {
    current.users--;
    throw error;
  }
  let released = false;
  return {
    backend,
    async release() {
      if (released) return;
      released = true;
      if (--current.users > 0) return;
      if (shared.get(runtime) === current) shared.delete(runtime);
      await backend.close?.();
    },
  };
}
