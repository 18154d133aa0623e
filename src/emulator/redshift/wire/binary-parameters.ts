/**
 * Bind parameters sent in binary format, turned into the text form the SQL engine takes. Only the types
 * drivers commonly send in binary are known; anything else fails the statement with `0A000`.
 */
import { SqlError } from '../../sql/index.js';

const TEXT_TYPES = new Set([19, 25, 1042, 1043]);

function sized(value: Buffer, size: number, oid: number): Buffer {
  if (value.length !== size)
    throw new SqlError('22P03', `incorrect binary data format in a parameter of type ${oid}`);
  return value;
}

/**
 * The text form of a binary parameter of type `oid` (`0` = unknown).
 *
 * @throws SqlError `0A000` for a type without a binary decoder, `22P03` for a value of the wrong size.
 */
export function decodeBinaryParameter(value: Buffer, oid: number): string {
  switch (oid) {
    case 16:
      return sized(value, 1, oid)[0] === 0 ? 'false' : 'true';
    case 21:
      return String(sized(value, 2, oid).readInt16BE(0));
    case 23:
      return String(sized(value, 4, oid).readInt32BE(0));
    case 20:
      return String(sized(value, 8, oid).readBigInt64BE(0));
    case 700:
      return String(sized(value, 4, oid).readFloatBE(0));
    case 701:
      return String(sized(value, 8, oid).readDoubleBE(0));
    case 17:
      return `\\x${value.toString('hex')}`;
    default:
      if (TEXT_TYPES.has(oid)) {
        const text = value.toString('utf8');
        if (!Buffer.from(text, 'utf8').equals(value))
          throw new SqlError('22021', 'invalid byte sequence for encoding "UTF8"');
        return text;
      }
      throw new SqlError(
        '0A000',
        `binary parameters of type ${oid} are not supported by the emulator's SQL endpoint; send them as text`,
      );
  }
}
