import { databaseSchemas } from '../../../../src/emulator/redshift/database-setup.js';
import type { DatabaseSchemas, RedshiftBackend } from '../../../../src/emulator/redshift/data-state.js';
import {
  RunnerFailure,
  type RunnerResult,
  type RunnerStatement,
  type SqlRunner,
} from '../../../../src/emulator/redshift/sql-runner.js';
import { listTargets } from '../../../../src/emulator/redshift/targets.js';
import type { EmulatorRuntime } from '../../../../src/emulator/core/types.js';

export interface Run {
  role: string;
  searchPath: readonly string[];
  statements: RunnerStatement[];
}

/**
 * A runner that understands a few statements: `select current_user`, `select n from numbers` (25 int8 rows),
 * `select $1…` (echoes the parameters as text), `insert …` (1 row affected), anything containing `denied`
 * (fails with 42501), and `select 'a,b' …` (a text row for CSV).
 */
export class FakeRunner implements SqlRunner {
  readonly runs: Run[] = [];
  readonly ensured: string[] = [];

  async run(
    role: string,
    searchPath: readonly string[],
    statements: readonly RunnerStatement[],
  ): Promise<RunnerResult[]> {
    this.runs.push({ role, searchPath, statements: [...statements] });
    return statements.map((s, k) => this.one(role, s, k));
  }

  async ensureRole(role: string): Promise<void> {
    this.ensured.push(role);
  }

  private one(role: string, s: RunnerStatement, index: number): RunnerResult {
    const sql = s.sql.trim().toLowerCase();
    if (sql.includes('denied'))
      throw new RunnerFailure(index, '42501', 'permission denied for table secrets');
    if (sql === 'select current_user') {
      return {
        columns: [{ name: 'current_user', typeName: 'name', typmod: -1 }],
        rows: [[role]],
        hasResultSet: true,
        rowCount: 1,
      };
    }
    if (sql.startsWith('select n from numbers')) {
      return {
        columns: [{ name: 'n', typeName: 'int8', typmod: -1, tableName: 'numbers', schemaName: 'public' }],
        rows: Array.from({ length: 25 }, (_, k) => [BigInt(k + 1)]),
        hasResultSet: true,
        rowCount: 25,
      };
    }
    if (sql.startsWith('select $')) {
      return {
        columns: s.params.map((_p, k) => ({ name: `p${k + 1}`, typeName: 'text', typmod: -1 })),
        rows: [[...s.params]],
        hasResultSet: true,
        rowCount: 1,
      };
    }
    if (sql.startsWith("select 'a,b'")) {
      return {
        columns: [
          { name: 'txt', typeName: 'varchar', typmod: 20 },
          { name: 'nothing', typeName: 'int4', typmod: -1 },
          { name: 'empty', typeName: 'text', typmod: -1 },
        ],
        rows: [['a,b "c"', null, '']],
        hasResultSet: true,
        rowCount: 1,
      };
    }
    if (sql.startsWith('insert')) return { columns: [], rows: [], hasResultSet: false, rowCount: 1 };
    throw new RunnerFailure(index, '42601', `syntax error at or near "${sql.split(' ')[0]}"`);
  }
}

/** A backend over the configured databases and `runner`. */
export function fakeBackend(runner: SqlRunner): (runtime: EmulatorRuntime) => RedshiftBackend {
  return (runtime) => {
    const schemas = new Map<string, DatabaseSchemas>();
    for (const t of listTargets(runtime)) {
      for (const db of t.config.databases)
        schemas.set(`${t.kind}/${t.name}/${db.name}`, databaseSchemas(t, db));
    }
    return {
      schemasOf: (target, database) => schemas.get(`${target.kind}/${target.name}/${database}`),
      runner: async () => runner,
    };
  };
}
