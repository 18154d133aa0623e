import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatColumnType, parseColumnType, pgStorageType } from '../../../src/emulator/sql/column-type.js';
import { decodeValue, parseArrayLiteral } from '../../../src/emulator/sql/decode.js';
import { SqlError } from '../../../src/emulator/sql/errors.js';
import { assertUserStatementAllowed, leadingWords } from '../../../src/emulator/sql/guard.js';
import { quoteIdent } from '../../../src/emulator/sql/ident.js';

describe('column types', () => {
  it.each([
    ['varchar', 'varchar', 'varchar'],
    ['VARCHAR(20)', 'varchar(20)', 'varchar(20)'],
    ['char(3)', 'char(3)', 'char(3)'],
    ['string', 'text', 'string'],
    ['int', 'integer', 'integer'],
    ['tinyint', 'smallint', 'tinyint'],
    ['double', 'double precision', 'double'],
    ['double precision', 'double precision', 'double'],
    ['float', 'real', 'real'],
    ['decimal(10, 2)', 'numeric(10,2)', 'decimal(10,2)'],
    ['array<int>', 'integer[]', 'array<integer>'],
    ['array(varchar)', 'varchar[]', 'array<varchar>'],
    ['array<array<int>>', 'jsonb', 'array<array<integer>>'],
    ['map<string, array<int>>', 'jsonb', 'map<string,array<integer>>'],
    ['struct<a:int,b:string>', 'jsonb', 'row(a integer, b string)'],
    ['row(a int, b varchar)', 'jsonb', 'row(a integer, b varchar)'],
    ['json', 'jsonb', 'json'],
  ])('%s → %s', (text, pg, canonical) => {
    const type = parseColumnType(text);
    expect(pgStorageType(type)).toBe(pg);
    expect(formatColumnType(type)).toBe(canonical);
  });

  it.each([
    'blob',
    'int; drop table x',
    'varchar(10) collate "C"',
    'array<',
    'map<int>',
    'decimal(99999)',
    'x'.repeat(3000),
    'array<int>>',
    'constructor',
    '__proto__',
    'array<toString>',
    '',
  ])('rejects %j with 42704', (text) => {
    expect(() => parseColumnType(text)).toThrow(expect.objectContaining({ code: '42704' }));
  });

  it('never throws anything but SqlError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          const type = parseColumnType(text);
          // What parses re-parses to the same type from its canonical form.
          expect(parseColumnType(formatColumnType(type))).toEqual(type);
        } catch (error) {
          expect(error).toBeInstanceOf(SqlError);
        }
      }),
    );
  });
});

describe('statement guard', () => {
  it('reads leading keywords past comments and parentheses', () => {
    expect(leadingWords('  /* a /* nested */ b */ -- c\n ((Select 1', 2)).toEqual(['select', '1']);
    expect(leadingWords('"quoted"', 2)).toEqual(['"']);
  });

  it.each([
    'SELECT 1',
    'with x as (select 1) select * from x',
    '(select 1)',
    'EXPLAIN SELECT 1',
    'create table t (x int)',
  ])('allows %j', (sql) => {
    expect(() => assertUserStatementAllowed(sql)).not.toThrow();
  });

  it('refuses every SET/RESET however it is spelled', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('set', 'SET', 'Set', 'reset', 'ReSeT'),
        fc.constantFrom('', ' ', '\n', '/* x */', '-- y\n', '(', ' ( '),
        fc.string({ maxLength: 30 }),
        (word, prefix, rest) => {
          expect(() => assertUserStatementAllowed(`${prefix}${word} ${rest}`)).toThrow(
            expect.objectContaining({ code: '42501' }),
          );
        },
      ),
    );
  });
});

describe('identifiers and values', () => {
  it('quotes identifiers and refuses names Postgres would truncate', () => {
    expect(quoteIdent('AWSIDC:a"b@example.com')).toBe('"AWSIDC:a""b@example.com"');
    expect(() => quoteIdent('x'.repeat(64))).toThrow(expect.objectContaining({ code: '42622' }));
    expect(() => quoteIdent('')).toThrow(expect.objectContaining({ code: '42602' }));
  });

  it('parses array literals', () => {
    expect(parseArrayLiteral('{a,"b c",NULL,"x\\"y"}')).toEqual(['a', 'b c', null, 'x"y']);
    expect(parseArrayLiteral('{{1,2},{3,4}}')).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseArrayLiteral('[0:1]={7,8}')).toEqual(['7', '8']);
    expect(decodeValue('{1,NULL}', 1007)).toEqual([1, null]);
    expect(decodeValue('{"2024-01-02 03:04:05"}', 1115)).toEqual(['2024-01-02 03:04:05']);
  });
});
