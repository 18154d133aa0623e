import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OperationContext } from '../../../src/emulator/core/types.js';
import { queryList } from '../../../src/emulator/redshift/query-input.js';
import { rewriteSchemas } from '../../../src/emulator/redshift/schema-rewrite.js';

const MAP = new Map([
  ['public', 'rs_pub'],
  ['tickit', 'rs_tickit'],
]);

describe('rewriteSchemas', () => {
  it.each([
    ['select * from public.sales', 'select * from "rs_pub".sales'],
    ['select * from PUBLIC . sales', 'select * from "rs_pub" . sales'],
    ['select * from "public".sales', 'select * from "rs_pub".sales'],
    ['select * from "PUBLIC".sales', 'select * from "PUBLIC".sales'],
    [
      'select * from tickit.users u join public.sales s on u.id = s.uid',
      'select * from "rs_tickit".users u join "rs_pub".sales s on u.id = s.uid',
    ],
    ["select 'public.sales', public.x from t", 'select \'public.sales\', "rs_pub".x from t'],
    ['select * from sales -- public.sales', 'select * from sales -- public.sales'],
    ['select * from dev.public.sales', 'select * from dev.public.sales'],
    ['select mypublic.x, public_x.y from t', 'select mypublic.x, public_x.y from t'],
    ['select $$public.x$$, $t$ tickit.y $t$', 'select $$public.x$$, $t$ tickit.y $t$'],
    ['select public from t', 'select public from t'],
  ])('rewrites %j', (sql, expected) => {
    expect(rewriteSchemas(sql, MAP)).toBe(expected);
  });

  it('changes nothing when no schema name is followed by a dot, and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (sql) => {
        const out = rewriteSchemas(sql, MAP);
        if (!/public|tickit/i.test(sql)) expect(out).toBe(sql);
      }),
    );
  });
});

function ctxWith(body: string, input: Record<string, unknown> = {}): OperationContext<unknown> {
  return {
    service: 'redshift',
    operation: 'GetIdentityCenterAuthToken',
    caller: undefined,
    input,
    raw: {
      method: 'POST',
      path: '/',
      query: {},
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(body),
      host: 'h',
    },
    state: undefined,
    now: 0,
    requestId: 'r',
    audit: () => undefined,
  };
}

describe('queryList', () => {
  it.each([
    ['ClusterIds.ClusterIdentifier.1=a&ClusterIds.ClusterIdentifier.2=b', ['a', 'b']],
    ['ClusterIds.ClusterIdentifier.2=b&ClusterIds.ClusterIdentifier.1=a', ['a', 'b']],
    ['ClusterIds.member.1=a', ['a']],
    ['ClusterIds=', []],
    ['Other.ClusterIdentifier.1=a', []],
    ['ClusterIds.ClusterIdentifier.2=b', undefined],
    ['ClusterIds.ClusterIdentifier.0=a', undefined],
  ])('reads %s', (body, expected) => {
    expect(queryList(ctxWith(body), 'ClusterIds', 'ClusterIdentifier')).toEqual(expected);
  });

  it('falls back to flattened input without a form body', () => {
    const ctx = { ...ctxWith(''), input: { ClusterIds: { ClusterIdentifier: ['x', 'y'] } } };
    expect(queryList(ctx, 'ClusterIds', 'ClusterIdentifier')).toEqual(['x', 'y']);
  });

  it('never throws and bounds what it reads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.string({ maxLength: 5 })), { maxLength: 50 }),
        (pairs) => {
          const body = pairs
            .map(([k, v]) => `ClusterIds.ClusterIdentifier.${k}=${encodeURIComponent(v)}`)
            .join('&');
          const out = queryList(ctxWith(body), 'ClusterIds', 'ClusterIdentifier');
          if (out !== undefined) expect(out.length).toBeLessThanOrEqual(pairs.length);
        },
      ),
    );
  });
});
