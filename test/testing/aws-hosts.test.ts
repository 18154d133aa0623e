import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAwsHost, pathStylePath } from '../../src/emulator/core/aws-hosts.js';

describe('parseAwsHost: the default endpoints the handlers answer', () => {
  it.each([
    ['sts.us-east-1.amazonaws.com', { service: 'sts', region: 'us-east-1' }],
    ['sts.amazonaws.com', { service: 'sts', region: undefined }],
    ['oidc.eu-west-1.amazonaws.com', { service: 'sso-oidc', region: 'eu-west-1' }],
    ['athena.ap-southeast-2.amazonaws.com', { service: 'athena', region: 'ap-southeast-2' }],
    ['redshift-data.us-east-1.amazonaws.com', { service: 'redshift-data', region: 'us-east-1' }],
    ['redshift.us-gov-west-1.amazonaws.com', { service: 'redshift', region: 'us-gov-west-1' }],
    ['redshift-serverless.us-east-1.amazonaws.com', { service: 'redshift-serverless', region: 'us-east-1' }],
    [
      '123456789012.s3-control.us-east-1.amazonaws.com',
      { service: 's3-control', region: 'us-east-1', accountId: '123456789012' },
    ],
    ['s3-control.us-east-1.amazonaws.com', { service: 's3-control', region: 'us-east-1' }],
    ['s3.us-east-1.amazonaws.com', { service: 's3', region: 'us-east-1' }],
    ['s3.amazonaws.com', { service: 's3', region: undefined }],
    ['lake.s3.us-east-1.amazonaws.com', { service: 's3', region: 'us-east-1', bucket: 'lake' }],
    [
      'my-bucket.s3.dualstack.eu-central-1.amazonaws.com',
      { service: 's3', region: 'eu-central-1', bucket: 'my-bucket' },
    ],
    ['LAKE.S3.US-EAST-1.AMAZONAWS.COM', { service: 's3', region: 'us-east-1', bucket: 'lake' }],
    ['sts.us-east-1.amazonaws.com.', { service: 'sts', region: 'us-east-1' }],
  ])('%s', (host, expected) => {
    expect(parseAwsHost(host)).toEqual(expected);
  });
});

describe('parseAwsHost: hostile and foreign hosts are not answered', () => {
  it.each([
    '',
    'localhost',
    '127.0.0.1',
    'amazonaws.com',
    'example.com',
    'sts.us-east-1.amazonaws.com.evil.example',
    'sts.us-east-1.amazonaws.co',
    'sts.us-east-1.amazonaws.com.cn',
    'glue.us-east-1.amazonaws.com',
    'toString.us-east-1.amazonaws.com',
    '__proto__.us-east-1.amazonaws.com',
    'constructor.us-east-1.amazonaws.com',
    'sts.not_a_region.amazonaws.com',
    'sts..amazonaws.com',
    'evil.sts.us-east-1.amazonaws.com',
    '1234.s3-control.us-east-1.amazonaws.com',
    'lake.s3-control.us-east-1.amazonaws.com',
    'a..b.s3.us-east-1.amazonaws.com',
    '192.168.1.1.s3.us-east-1.amazonaws.com',
    'xn--bucket.s3.us-east-1.amazonaws.com',
    '-lake.s3.us-east-1.amazonaws.com',
    `${'a'.repeat(64)}.s3.us-east-1.amazonaws.com`,
    `${'a.'.repeat(200)}s3.us-east-1.amazonaws.com`,
    'sts.us-east-1.amazonaws.com:443',
    's3.us-east-1.amazonaws.com/evil',
  ])('%j', (host) => {
    expect(parseAwsHost(host)).toBeUndefined();
  });

  it('never throws and only answers amazonaws.com hosts of the served services', () => {
    const label = fc.stringMatching(/^[a-z0-9-]{0,12}$/);
    const host = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(label, { minLength: 1, maxLength: 6 }).map((parts) => `${parts.join('.')}.amazonaws.com`),
    );
    fc.assert(
      fc.property(host, (h) => {
        const parsed = parseAwsHost(h);
        if (parsed === undefined) return;
        const lower = h.toLowerCase().replace(/\.$/, '');
        expect(lower.endsWith('.amazonaws.com')).toBe(true);
        expect([
          'sts',
          'sso-oidc',
          'athena',
          'redshift-data',
          'redshift',
          'redshift-serverless',
          's3',
          's3-control',
        ]).toContain(parsed.service);
        if (parsed.bucket !== undefined) {
          expect(parsed.bucket).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
          expect(lower.startsWith(`${parsed.bucket}.s3.`)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('pathStylePath', () => {
  it('prefixes the bucket and keeps the encoded key', () => {
    expect(pathStylePath('lake', '/team-a/report%20q1.csv')).toBe('/lake/team-a/report%20q1.csv');
    expect(pathStylePath('lake', '/')).toBe('/lake');
    expect(pathStylePath('lake', '')).toBe('/lake');
  });
});
