import { describe, expectTypeOf, it } from 'vitest';
import type {
  AthenaHandle,
  AthenaQueryResult,
  AthenaResultPage,
  AthenaRow,
  AthenaValue,
} from '../../src/athena.js';
import type { RedshiftHandle, RedshiftQueryResult, RedshiftRow } from '../../src/redshift.js';
import type { UserSession } from '../../src/tip.js';

interface Sale {
  readonly region: string;
  readonly amount: number;
}

declare const handle: AthenaHandle;
declare const rs: RedshiftHandle;
declare const user: UserSession;
const WG = { workGroup: 'analysts' } as const;
const DB = { workgroupName: 'wg', database: 'dev' } as const;

describe('Athena row types', () => {
  it('returns AthenaRow rows by default', async () => {
    const result = await handle.query('SELECT 1', WG);
    expectTypeOf(result).toEqualTypeOf<AthenaQueryResult<AthenaRow>>();
    expectTypeOf(result.rows[0]!.region).toEqualTypeOf<AthenaValue | undefined>();
  });

  it('takes a row type parameter, on the handle and on the session', async () => {
    expectTypeOf((await handle.query<Sale>('SELECT region, amount FROM s', WG)).rows).toEqualTypeOf<Sale[]>();
    expectTypeOf((await user.athena.query<Sale>('SELECT region, amount FROM s', WG)).rows).toEqualTypeOf<
      Sale[]
    >();
  });

  it('infers the row type from mapRow, and types its arguments', async () => {
    const result = await user.athena.query('SELECT region, amount FROM s', {
      ...WG,
      mapRow: (row, index) => {
        expectTypeOf(row).toEqualTypeOf<AthenaRow>();
        expectTypeOf(index).toEqualTypeOf<number>();
        return { region: String(row.region), amount: Number(row.amount) };
      },
    });
    expectTypeOf(result.rows).toEqualTypeOf<{ region: string; amount: number }[]>();
    const ids = await handle.query('SELECT id FROM s', { ...WG, mapRow: (row) => String(row.id) });
    expectTypeOf(ids.rows).toEqualTypeOf<string[]>();
  });

  it('refuses a mapper whose result is not the named row type', () => {
    // @ts-expect-error amount must be a number
    handle.query<Sale>('SELECT 1', { ...WG, mapRow: (row) => ({ region: String(row.region), amount: 'x' }) });
  });

  it('types pages too', async () => {
    for await (const page of user.athena.queryPages('SELECT 1', { ...WG, mapRow: () => 1 as const })) {
      expectTypeOf(page).toEqualTypeOf<AthenaResultPage<1>>();
    }
    for await (const page of handle.queryPages<Sale>('SELECT 1', WG)) {
      expectTypeOf(page.rows).toEqualTypeOf<Sale[]>();
    }
  });
});

describe('Redshift row types', () => {
  it('returns RedshiftRow rows by default, and the named or mapped type otherwise', async () => {
    expectTypeOf(await rs.query('select 1', DB)).toEqualTypeOf<RedshiftQueryResult<RedshiftRow>>();
    expectTypeOf((await rs.query<Sale>('select region, amount from s', DB)).rows).toEqualTypeOf<Sale[]>();
    const mapped = await user.redshift.query('select region from s', {
      ...DB,
      mapRow: (row, index) => ({ region: String(row.region), index }),
    });
    expectTypeOf(mapped.rows).toEqualTypeOf<{ region: string; index: number }[]>();
  });

  it('has no mapRow for a batch', () => {
    // @ts-expect-error a batch holds statements of different shapes
    rs.batch(['select 1'], { ...DB, mapRow: (row: RedshiftRow) => row });
  });
});
