import type { ColumnInfo } from '@aws-sdk/client-athena';
import { parseColumnType } from '../sql/column-type.js';
import type { SqlColumn } from '../sql/types.js';

/** Athena's name for a column type, with precision and scale where Athena reports them. */
export interface AthenaType {
  /** `varchar`, `char`, `integer`, `bigint`, `smallint`, `tinyint`, `double`, `float`, `boolean`, `date`, `timestamp`, `decimal`, `array`, `map`, `row`, `json`. */
  readonly type: string;
  readonly precision: number;
  readonly scale: number;
}

const UNBOUNDED_VARCHAR = 2_147_483_647;

const FIXED: Readonly<Record<string, [number, number]>> = {
  integer: [10, 0],
  bigint: [19, 0],
  smallint: [5, 0],
  tinyint: [3, 0],
  double: [17, 0],
  float: [24, 0],
  boolean: [0, 0],
  date: [0, 0],
  timestamp: [3, 0],
  array: [0, 0],
  map: [0, 0],
  row: [0, 0],
  json: [0, 0],
};

function fixed(type: string): AthenaType {
  const [precision, scale] = FIXED[type] ?? [0, 0];
  return { type, precision, scale };
}

/** From the declared table type (exact, e.g. `tinyint`, `map<…>`). */
function fromDeclared(declared: string): AthenaType {
  const t = parseColumnType(declared);
  switch (t.kind) {
    case 'array':
      return fixed('array');
    case 'map':
      return fixed('map');
    case 'row':
      return fixed('row');
    case 'json':
      return fixed('json');
    case 'scalar':
      switch (t.name) {
        case 'varchar':
        case 'string':
          return { type: 'varchar', precision: t.params[0] ?? UNBOUNDED_VARCHAR, scale: 0 };
        case 'char':
          return { type: 'char', precision: t.params[0] ?? 1, scale: 0 };
        case 'decimal':
          return { type: 'decimal', precision: t.params[0] ?? 38, scale: t.params[1] ?? 0 };
        case 'real':
          return fixed('float');
        default:
          return fixed(t.name);
      }
  }
}

/** From the Postgres type of an expression column. */
function fromPostgres(column: SqlColumn): AthenaType {
  const pg = column.pgType;
  if (pg.endsWith('[]')) return fixed('array');
  if (pg.startsWith('numeric')) {
    // typmod = ((precision << 16) | scale) + 4; unconstrained numeric reports Athena's widest decimal.
    if (column.typmod < 4) return { type: 'decimal', precision: 38, scale: 0 };
    const mod = column.typmod - 4;
    return { type: 'decimal', precision: mod >> 16, scale: mod & 0xffff };
  }
  if (pg.startsWith('character varying') || pg === 'text' || pg === 'name' || pg === 'unknown') {
    return {
      type: 'varchar',
      precision: column.typmod > 4 ? column.typmod - 4 : UNBOUNDED_VARCHAR,
      scale: 0,
    };
  }
  if (pg.startsWith('character'))
    return { type: 'char', precision: column.typmod > 4 ? column.typmod - 4 : 1, scale: 0 };
  if (pg.startsWith('timestamp')) return fixed('timestamp');
  const map: Readonly<Record<string, string>> = {
    integer: 'integer',
    bigint: 'bigint',
    smallint: 'smallint',
    'double precision': 'double',
    real: 'float',
    boolean: 'boolean',
    date: 'date',
    json: 'json',
    jsonb: 'json',
  };
  return fixed(map[pg] ?? 'varchar');
}

/** The Athena type of a result column. */
export function athenaType(column: SqlColumn): AthenaType {
  return column.declaredType ? fromDeclared(column.declaredType) : fromPostgres(column);
}

/** `ResultSetMetadata.ColumnInfo` of a result. */
export function columnInfo(columns: readonly SqlColumn[]): ColumnInfo[] {
  return columns.map((c) => {
    const t = athenaType(c);
    return {
      CatalogName: 'hive',
      SchemaName: '',
      TableName: '',
      Name: c.name,
      Label: c.name,
      Type: t.type,
      Precision: t.precision,
      Scale: t.scale,
      Nullable: 'UNKNOWN',
      CaseSensitive: t.type === 'varchar' || t.type === 'char',
    };
  });
}
