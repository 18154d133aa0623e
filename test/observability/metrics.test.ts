import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resourceOf, serviceName } from '../../src/observability/aws-client.js';
import {
  HISTOGRAM_BOUNDS_MS,
  createMetricsRegistry,
  fanOut,
  meterRecorder,
} from '../../src/observability/metrics.js';
import { memoryMeterProvider } from './memory-otel.js';

describe('metrics registry', () => {
  it('sums counters per attribute set regardless of key order', () => {
    const m = createMetricsRegistry();
    m.count('tip.http.requests', { outcome: 'rejected', status: 401 });
    m.count('tip.http.requests', { status: 401, outcome: 'rejected' }, 2);
    m.count('tip.http.requests', { outcome: 'authenticated', status: 200 });
    expect(m.snapshot().counters['tip.http.requests']).toEqual([
      { attributes: { outcome: 'rejected', status: 401 }, value: 3 },
      { attributes: { outcome: 'authenticated', status: 200 }, value: 1 },
    ]);
    m.reset();
    expect(m.snapshot()).toEqual({ counters: {}, histograms: {} });
  });

  it('keeps one series per attribute set: a frozen object reused, an equal one written again, never a mutated one', () => {
    const m = createMetricsRegistry();
    const frozen = Object.freeze({ outcome: 'success', cache: 'hit' });
    m.count('tip.for_token.requests', frozen);
    m.count('tip.for_token.requests', frozen);
    m.count('tip.for_token.requests', { cache: 'hit', outcome: 'success' });
    // A mutable object is keyed again each time: after a change it counts under its new attributes.
    const mutable: Record<string, string> = { outcome: 'success', cache: 'hit' };
    m.count('tip.for_token.requests', mutable);
    mutable.cache = 'miss';
    m.count('tip.for_token.requests', mutable);
    // Same text, other types; a value that reads as two attributes.
    m.count('tip.http.requests', { status: 200 });
    m.count('tip.http.requests', { status: '200' });
    m.count('tip.http.requests', { status: true });
    m.count('tip.http.requests', { a: 's1:b' });
    m.count('tip.http.requests', { a: '', b: '' });
    const snap = m.snapshot().counters;
    expect(snap['tip.for_token.requests']).toEqual([
      { attributes: { outcome: 'success', cache: 'hit' }, value: 4 },
      { attributes: { outcome: 'success', cache: 'miss' }, value: 1 },
    ]);
    expect(snap['tip.http.requests']?.map((p) => p.value)).toEqual([1, 1, 1, 1, 1]);
  });

  it('property: two attribute sets share a series exactly when they are equal', () => {
    // Values whose texts coincide across types ('1' and 1, 'true' and true) or read as a key's framing.
    const value = fc.oneof(
      fc.constantFrom('1', 'true', 'false', '', 's1:', '1:a'),
      fc.string({ maxLength: 4 }),
      fc.integer({ min: -2, max: 12 }),
      fc.boolean(),
    );
    const attributes = fc.dictionary(fc.constantFrom('a', 'b', 'ab', 's1:', '1', ''), value, { maxKeys: 3 });
    fc.assert(
      fc.property(fc.array(fc.tuple(attributes, fc.boolean()), { maxLength: 12 }), (sets) => {
        const m = createMetricsRegistry();
        for (const [a, freeze] of sets) m.count('tip.aws.calls', freeze ? Object.freeze({ ...a }) : a);
        // Equal sets: the same names with the same values of the same types, in any order.
        const canonical = (a: Record<string, unknown>) =>
          JSON.stringify(
            Object.keys(a)
              .sort()
              .map((k) => [k, typeof a[k], a[k]]),
          );
        const distinct = new Set(sets.map(([a]) => canonical(a)));
        const points = m.snapshot().counters['tip.aws.calls'] ?? [];
        expect(points.length).toBe(distinct.size);
        expect(points.reduce((n, p) => n + p.value, 0)).toBe(sets.length);
        for (const p of points) {
          expect(p.value).toBe(sets.filter(([a]) => canonical(a) === canonical(p.attributes)).length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('buckets histogram values by upper bound', () => {
    const m = createMetricsRegistry();
    for (const v of [1, 5, 6, 10_000, 20_000]) m.record('tip.for_token.duration', v, { outcome: 'success' });
    const [point] = m.snapshot().histograms['tip.for_token.duration'] ?? [];
    expect(point).toMatchObject({ count: 5, sum: 30_012, min: 1, max: 20_000 });
    const expected = HISTOGRAM_BOUNDS_MS.map(() => 0).concat(0);
    expected[0] = 2;
    expected[1] = 1;
    expected[HISTOGRAM_BOUNDS_MS.length - 1] = 1;
    expected[HISTOGRAM_BOUNDS_MS.length] = 1;
    expect(point?.buckets).toEqual(expected);
  });

  it('mirrors to an OTel meter, creating each instrument once, and survives a throwing recorder', () => {
    const provider = memoryMeterProvider();
    const registry = createMetricsRegistry();
    const broken = {
      count: () => {
        throw new Error('x');
      },
      record: () => {
        throw new Error('x');
      },
    };
    const out = fanOut([broken, registry, meterRecorder(provider.getMeter('t'))]);
    out.count('tip.aws.calls', { service: 's3' });
    out.count('tip.aws.calls', { service: 's3' });
    out.record('tip.aws.call.duration', 12, { service: 's3' });
    expect(provider.measurements).toEqual([
      { instrument: 'tip.aws.calls', kind: 'counter', value: 1, attributes: { service: 's3' } },
      { instrument: 'tip.aws.calls', kind: 'counter', value: 1, attributes: { service: 's3' } },
      { instrument: 'tip.aws.call.duration', kind: 'histogram', value: 12, attributes: { service: 's3' } },
    ]);
    expect(registry.snapshot().counters['tip.aws.calls']?.[0]?.value).toBe(2);
  });
});

describe('call naming', () => {
  it.each([
    ['STSClient', 'sts'],
    ['AthenaClient', 'athena'],
    ['RedshiftDataClient', 'redshift-data'],
    ['S3ControlClient', 's3-control'],
    ['S3Client', 's3'],
    [undefined, 'aws'],
  ])('%s → %s', (client, name) => {
    expect(serviceName(client)).toBe(name);
  });

  it.each([
    [{ Bucket: 'lake', Key: 'a/b.csv', Body: 'secret body' }, 's3://lake/a/b.csv'],
    [{ Bucket: 'lake', Prefix: 'team/' }, 's3://lake/team/'],
    [{ Target: 's3://lake/team/*', Permission: 'READ' }, 's3://lake/team/*'],
    [{ QueryString: 'SELECT secret', WorkGroup: 'analysts' }, 'analysts'],
    [{ Sql: 'select 1', WorkgroupName: 'wg' }, 'wg'],
    [{ Sql: 'select 1' }, undefined],
    [null, undefined],
  ])('resource of %j', (input, expected) => {
    expect(resourceOf(input)).toBe(expected);
  });
});
