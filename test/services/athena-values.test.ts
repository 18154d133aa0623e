import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { parseAthenaValue } from '../../src/services/athena/values.js';

describe('Athena value parsing', () => {
  it.each([
    ['varchar', 'héllo, world', 'héllo, world'],
    ['char', 'x ', 'x '],
    ['string', '', ''],
    ['integer', '-42', -42],
    ['int', '7', 7],
    ['smallint', '0', 0],
    ['tinyint', '127', 127],
    ['bigint', '9223372036854775807', 9223372036854775807n],
    ['bigint', '-1', -1n],
    ['double', '1.5E10', 1.5e10],
    ['double', 'NaN', Number.NaN],
    ['double', '-Infinity', Number.NEGATIVE_INFINITY],
    ['float', '0.25', 0.25],
    ['real', '-3', -3],
    ['boolean', 'true', true],
    ['boolean', 'false', false],
    ['date', '2024-02-29', '2024-02-29'],
    ['decimal', '12345678901234567890.123', '12345678901234567890.123'],
    ['decimal(10,2)', '-1.50', '-1.50'],
    ['timestamp', '2024-01-02 03:04:05.678', new Date('2024-01-02T03:04:05.678Z')],
    ['timestamp', '2024-01-02 03:04:05', new Date('2024-01-02T03:04:05Z')],
    ['timestamp', '2024-01-02 03:04:05.123456789', new Date('2024-01-02T03:04:05.123Z')],
    ['array', '[a, b, c]', ['a', 'b', 'c']],
    ['array', '[]', []],
    ['array', '[x, null]', ['x', null]],
    ['array(integer)', '[1, 2, 3]', [1, 2, 3]],
    ['array(array(bigint))', '[[1, 2], [3]]', [[1n, 2n], [3n]]],
    ['map', '{a=1, b=2}', { a: '1', b: '2' }],
    ['map(varchar,integer)', '{a=1, b=null}', { a: 1, b: null }],
    ['map(varchar,map(varchar,boolean))', '{x={y=true}}', { x: { y: true } }],
    ['json', '{"a":1}', '{"a":1}'],
    ['varbinary', '61 62', '61 62'],
    ['timestamp with time zone', '2024-01-02 03:04:05.000 UTC', '2024-01-02 03:04:05.000 UTC'],
    ['row(a integer)', '{a=1}', '{a=1}'],
  ])('%s %j', (type, text, expected) => {
    expect(parseAthenaValue(type, text, 'c')).toEqual(expected);
  });

  it('reads a missing datum as null for every type', () => {
    for (const type of ['varchar', 'integer', 'bigint', 'timestamp', 'array', 'map', 'boolean'])
      expect(parseAthenaValue(type, undefined)).toBeNull();
  });

  it.each([
    ['integer', '1.5'],
    ['integer', '99999999999999999999'],
    ['integer', ' 1'],
    ['integer', ''],
    ['bigint', '1e3'],
    ['bigint', '0x10'],
    ['bigint', '123456789012345678901234'],
    ['double', 'abc'],
    ['double', '1,5'],
    ['boolean', 'TRUE'],
    ['boolean', '1'],
    ['date', '2023-02-29'],
    ['date', '2024-13-01'],
    ['date', '24-01-01'],
    ['timestamp', '2024-01-02T25:00:00'],
    ['timestamp', 'yesterday'],
    ['timestamp', '2024-01-02 03:04:05 Europe/Paris'],
    ['decimal', '1.'],
    ['decimal', 'NaN'],
    ['array', 'a, b'],
    ['array', '[a, b'],
    ['map', '{a}'],
    ['map', 'a=1'],
    ['array(integer)', '[1, x]'],
    ['array(array(integer))', '[1]'],
  ])('rejects %s %j with ERR_SERVICE_RESPONSE_INVALID and without echoing the value', (type, text) => {
    let error: unknown;
    try {
      parseAthenaValue(type, text, 'col');
    } catch (e) {
      error = e;
    }
    expect(isTipError(error, 'ERR_SERVICE_RESPONSE_INVALID')).toBe(true);
    expect((error as Error).message).toContain('"col"');
    if (text.length > 3) expect(JSON.stringify(error)).not.toContain(text);
  });

  it('bounds nesting depth of declared types', () => {
    const type = `${'array('.repeat(40)}integer${')'.repeat(40)}`;
    const text = `${'['.repeat(40)}1${']'.repeat(40)}`;
    expect(() => parseAthenaValue(type, text)).toThrow(/not a valid/);
  });

  it('property: any text either parses to the declared JS type or fails with a TipError', () => {
    const types = [
      'varchar',
      'integer',
      'bigint',
      'double',
      'boolean',
      'date',
      'timestamp',
      'decimal',
      'array',
      'map',
      'array(integer)',
      'map(varchar,bigint)',
      'json',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.string({ maxLength: 40 }), (type, text) => {
        let value: unknown;
        try {
          value = parseAthenaValue(type, text, 'p');
        } catch (error) {
          expect(isTipError(error, 'ERR_SERVICE_RESPONSE_INVALID')).toBe(true);
          return;
        }
        const expected: Record<string, (v: unknown) => boolean> = {
          varchar: (v) => v === text,
          json: (v) => v === text,
          integer: (v) => Number.isSafeInteger(v),
          bigint: (v) => typeof v === 'bigint',
          double: (v) => typeof v === 'number',
          boolean: (v) => typeof v === 'boolean',
          date: (v) => typeof v === 'string',
          timestamp: (v) => v instanceof Date && !Number.isNaN(v.getTime()),
          decimal: (v) => typeof v === 'string',
          array: (v) => Array.isArray(v),
          'array(integer)': (v) => Array.isArray(v) && v.every((x) => x === null || Number.isSafeInteger(x)),
          map: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
          'map(varchar,bigint)': (v) =>
            typeof v === 'object' &&
            v !== null &&
            Object.values(v).every((x) => x === null || typeof x === 'bigint'),
        };
        expect(expected[type]?.(value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: integers, bigints and arrays of them round-trip', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.array(fc.integer()),
        (big, ints) => {
          expect(parseAthenaValue('bigint', big.toString())).toBe(big);
          expect(parseAthenaValue('array(integer)', `[${ints.join(', ')}]`)).toEqual(ints);
        },
      ),
    );
  });
});
