/**
 * Setup file: the SQL engines of a worker reuse each other's databases (reset and checked between
 * emulators; see `src/emulator/sql/idle-databases.ts`). About 20 engines boot over a run: each reused
 * one saves about 0.2 s of CPU, and with the workers' `--liftoff-only` about 0.25 s (bench/sql-engines.ts).
 */
import { reuseClosedSqlDatabases } from '../../src/emulator/sql/idle-databases.js';

reuseClosedSqlDatabases();
