import type { PGlite } from '@electric-sql/pglite';
import { loadPglite } from './load-pglite.js';
import { SqlError, toSqlError } from './errors.js';

/** A result column as Postgres describes it. */
export interface RawField {
  readonly name: string;
  /** Type OID. */
  readonly typeOid: number;
  /** Type modifier (`-1` when none); carries varchar length and numeric precision/scale. */
  readonly typmod: number;
  /** OID of the table the column comes from, `0` for an expression. */
  readonly tableOid: number;
  /** Attribute number within that table, `0` for an expression. */
  readonly columnNumber: number;
}

/** The outcome of one statement in text format. */
export interface RawResult {
  readonly fields: readonly RawField[];
  readonly rows: (string | null)[][];
  /** Command tag, e.g. `SELECT 3`, `INSERT 0 1`. */
  readonly tag: string;
}

interface FieldMessage {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeModifier: number;
}

interface Message {
  name: string;
  fields?: unknown[];
  text?: string;
}

const OPTIONS = { syncToFs: false, throwOnError: true } as const;

/**
 * Runs one statement through the extended protocol (Parse/Bind/Describe/Execute/Sync) with text
 * parameters and text results. A Parse message holds exactly one statement, so Postgres itself rejects
 * `a; b` with 42601. With `maxRows`, a statement that would return more rows fails with 54000 instead of
 * filling memory. The caller must hold the engine's queue: this bypasses PGlite's own locking.
 */
export async function runExtended(
  pg: PGlite,
  sql: string,
  params: readonly (string | null)[],
  maxRows?: number,
  parameterTypes?: readonly number[],
): Promise<RawResult> {
  const { serialize } = (await loadPglite()).protocol;
  const messages: Message[] = [];
  const send = async (bytes: Uint8Array) => {
    const result = await pg.execProtocol(bytes, OPTIONS);
    messages.push(...(result.messages as unknown as Message[]));
  };
  try {
    await send(serialize.parse({ text: sql, ...(parameterTypes ? { types: [...parameterTypes] } : {}) }));
    await send(serialize.bind({ values: [...params] }));
    await send(serialize.describe({ type: 'P' }));
    await send(serialize.execute(maxRows === undefined ? {} : { rows: maxRows + 1 }));
  } catch (error) {
    throw toSqlError(error);
  } finally {
    await pg.execProtocol(serialize.sync(), { syncToFs: false, throwOnError: false });
  }
  if (maxRows !== undefined && messages.some((m) => m.name === 'portalSuspended')) {
    throw new SqlError('54000', `The query returns more than ${maxRows} rows; add a LIMIT or a filter.`);
  }
  return collect(messages);
}

/**
 * Parses one statement (Parse, Describe statement, Sync) without running it: the parameter types
 * Postgres resolved and the result columns. The caller must hold the engine's queue.
 */
export async function describeExtended(
  pg: PGlite,
  sql: string,
  parameterTypes: readonly number[],
): Promise<{ parameterTypes: number[]; fields: RawField[] }> {
  const { serialize } = (await loadPglite()).protocol;
  const messages: Message[] = [];
  try {
    for (const bytes of [
      serialize.parse({ text: sql, types: [...parameterTypes] }),
      serialize.describe({ type: 'S' }),
    ]) {
      const result = await pg.execProtocol(bytes, OPTIONS);
      messages.push(...(result.messages as unknown as Message[]));
    }
  } catch (error) {
    throw toSqlError(error);
  } finally {
    await pg.execProtocol(serialize.sync(), { syncToFs: false, throwOnError: false });
  }
  const described = messages.find((m) => m.name === 'parameterDescription') as
    | { dataTypeIDs?: number[] }
    | undefined;
  return { parameterTypes: [...(described?.dataTypeIDs ?? [])], fields: [...collect(messages).fields] };
}

/** Runs trusted, engine-built SQL (may hold several statements) through the simple protocol. */
export async function runSimple(pg: PGlite, sql: string): Promise<RawResult> {
  const { serialize } = (await loadPglite()).protocol;
  try {
    const result = await pg.execProtocol(serialize.query(sql), OPTIONS);
    return collect(result.messages as unknown as Message[]);
  } catch (error) {
    throw toSqlError(error);
  }
}

function collect(messages: readonly Message[]): RawResult {
  let fields: RawField[] = [];
  let rows: (string | null)[][] = [];
  let tag = '';
  for (const message of messages) {
    if (message.name === 'rowDescription') {
      // A new statement's result starts: keep only the last statement's rows (simple protocol).
      fields = (message.fields as FieldMessage[]).map((f) => ({
        name: f.name,
        typeOid: f.dataTypeID,
        typmod: f.dataTypeModifier,
        tableOid: f.tableID,
        columnNumber: f.columnID,
      }));
      rows = [];
    } else if (message.name === 'dataRow') {
      rows.push(message.fields as (string | null)[]);
    } else if (message.name === 'commandComplete') {
      tag = message.text ?? '';
    }
  }
  return { fields, rows, tag };
}
