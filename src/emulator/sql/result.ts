import type { PGlite } from '@electric-sql/pglite';
import { decodeValue } from './decode.js';
import { type RawResult, runExtended } from './protocol.js';
import type { SqlColumn, SqlResult } from './types.js';

/**
 * Turns raw protocol results into {@link SqlResult}s: Postgres type names (cached `format_type`), the
 * declared Athena/Redshift type of plain table columns, decoded rows, row count from the command tag.
 */
export class ResultReader {
  readonly #pg: PGlite;
  readonly #declared = new Map<string, string>();
  readonly #typeNames = new Map<string, string>();

  constructor(pg: PGlite) {
    this.#pg = pg;
  }

  /** Remembers the declared type of column `attnum` (1-based) of table `tableOid`. */
  declare(tableOid: string | number, attnum: number, type: string): void {
    this.#declared.set(`${tableOid}:${attnum}`, type);
  }

  /** Must run inside the engine's queue (it may query `format_type`). */
  async read(raw: RawResult): Promise<SqlResult> {
    const columns: SqlColumn[] = [];
    for (const f of raw.fields) {
      const declaredType = f.tableOid ? this.#declared.get(`${f.tableOid}:${f.columnNumber}`) : undefined;
      columns.push({
        name: f.name,
        pgType: await this.#typeName(f.typeOid, f.typmod),
        typeOid: f.typeOid,
        typmod: f.typmod,
        ...(declaredType ? { declaredType } : {}),
      });
    }
    const rows = raw.rows.map((row) => row.map((v, i) => decodeValue(v, raw.fields[i]?.typeOid ?? 25)));
    const [command = '', ...rest] = raw.tag.split(' ');
    const last = rest.at(-1);
    const rowCount = last !== undefined && /^\d+$/.test(last) ? Number(last) : raw.rows.length;
    return {
      columns,
      rows,
      textRows: raw.rows,
      rowCount,
      command: raw.tag.startsWith('CREATE') ? raw.tag : command,
      tag: raw.tag,
    };
  }

  async #typeName(oid: number, typmod: number): Promise<string> {
    const key = `${oid}:${typmod}`;
    let name = this.#typeNames.get(key);
    if (name === undefined) {
      const r = await runExtended(this.#pg, 'SELECT format_type($1::oid, $2::int)', [
        String(oid),
        String(typmod),
      ]);
      name = r.rows[0]?.[0] ?? 'unknown';
      this.#typeNames.set(key, name);
    }
    return name;
  }
}
