/**
 * The server side of the Postgres wire: the backend messages the emulator's Redshift SQL endpoint sends.
 */

/** AuthenticationRequest codes the endpoint sends. */
export const AUTH_OK = 0;
/** Cleartext password (administrator logins, over TLS only). */
export const AUTH_CLEARTEXT_PASSWORD = 3;
/** Redshift's identity-provider token request: the client answers with message `'i'`. */
export const AUTH_IDP = 14;

/** A field of a RowDescription. */
export interface FieldDescription {
  readonly name: string;
  /** OID of the source table, 0 for an expression. */
  readonly tableOid: number;
  /** Attribute number in that table, 0 for an expression. */
  readonly columnNumber: number;
  readonly typeOid: number;
  /** `pg_type.typlen`; -1 for variable length. */
  readonly typeSize: number;
  readonly typmod: number;
}

/** Fields of an ErrorResponse or NoticeResponse. */
export interface ErrorFields {
  /** `ERROR`, `FATAL` or `NOTICE`. */
  readonly severity: 'ERROR' | 'FATAL' | 'NOTICE';
  /** SQLSTATE. */
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstring(text: string): Buffer {
  // A NUL inside would end the field early and shift every later one: never let it through.
  return Buffer.from(`${text.replaceAll('\0', '')}\0`, 'utf8');
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n | 0);
  return b;
}

/** AuthenticationRequest with `code` (0 ok, 3 cleartext password, 14 IdP token). */
export function authentication(code: number): Buffer {
  return message('R', int32(code));
}

/** ParameterStatus. */
export function parameterStatus(name: string, value: string): Buffer {
  return message('S', Buffer.concat([cstring(name), cstring(value)]));
}

/** BackendKeyData. */
export function backendKeyData(processId: number, secretKey: number): Buffer {
  return message('K', Buffer.concat([int32(processId), int32(secretKey)]));
}

/** ReadyForQuery: `I` idle, `T` in a transaction block, `E` in a failed one. */
export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return message('Z', Buffer.from(status, 'latin1'));
}

function fields(f: ErrorFields): Buffer {
  const parts = [
    Buffer.from('S'),
    cstring(f.severity),
    Buffer.from('V'),
    cstring(f.severity),
    Buffer.from('C'),
    cstring(f.code),
    Buffer.from('M'),
    cstring(f.message),
  ];
  if (f.detail !== undefined) parts.push(Buffer.from('D'), cstring(f.detail));
  if (f.hint !== undefined) parts.push(Buffer.from('H'), cstring(f.hint));
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** ErrorResponse. */
export function errorResponse(f: ErrorFields): Buffer {
  return message('E', fields(f));
}

/** NoticeResponse. */
export function noticeResponse(f: Omit<ErrorFields, 'severity'>): Buffer {
  return message('N', fields({ ...f, severity: 'NOTICE' }));
}

/** RowDescription (text format for every column). */
export function rowDescription(columns: readonly FieldDescription[]): Buffer {
  const parts: Buffer[] = [int16(columns.length)];
  for (const c of columns) {
    const fixed = Buffer.alloc(18);
    fixed.writeInt32BE(c.tableOid | 0, 0);
    fixed.writeInt16BE(c.columnNumber, 4);
    fixed.writeInt32BE(c.typeOid | 0, 6);
    fixed.writeInt16BE(c.typeSize, 10);
    fixed.writeInt32BE(c.typmod | 0, 12);
    fixed.writeInt16BE(0, 16);
    parts.push(cstring(c.name), fixed);
  }
  return message('T', Buffer.concat(parts));
}

/** DataRow of text values (`null` for SQL NULL). */
export function dataRow(values: readonly (string | null)[]): Buffer {
  const parts: Buffer[] = [int16(values.length)];
  for (const v of values) {
    if (v === null) parts.push(int32(-1));
    else {
      const bytes = Buffer.from(v, 'utf8');
      parts.push(int32(bytes.length), bytes);
    }
  }
  return message('D', Buffer.concat(parts));
}

/** CommandComplete with its tag, e.g. `SELECT 3`. */
export function commandComplete(tag: string): Buffer {
  return message('C', cstring(tag));
}

/** ParameterDescription. */
export function parameterDescription(oids: readonly number[]): Buffer {
  return message('t', Buffer.concat([int16(oids.length), ...oids.map((o) => int32(o))]));
}

/** Messages without a body. */
export const PARSE_COMPLETE = message('1', Buffer.alloc(0));
/** BindComplete. */
export const BIND_COMPLETE = message('2', Buffer.alloc(0));
/** CloseComplete. */
export const CLOSE_COMPLETE = message('3', Buffer.alloc(0));
/** NoData. */
export const NO_DATA = message('n', Buffer.alloc(0));
/** PortalSuspended. */
export const PORTAL_SUSPENDED = message('s', Buffer.alloc(0));
/** EmptyQueryResponse. */
export const EMPTY_QUERY = message('I', Buffer.alloc(0));
