/**
 * Errors an AWS SDK client raises locally, before or instead of an AWS answer, map to codes that say what
 * to fix — never `ERR_AWS_UNKNOWN` ("AWS refused"), which is for answers AWS gave.
 */
import { describe, expect, it } from 'vitest';
import { mapAwsError } from '../../src/aws/map-error.js';
import { errorCategory } from '../../src/errors.js';

function invalidUrl(input: string): TypeError {
  try {
    new URL(input);
  } catch (error) {
    return error as TypeError;
  }
  throw new Error('expected an invalid URL');
}

const s3Control = { service: 's3-control', operation: 'GetDataAccess' };

describe('local SDK errors', () => {
  it.each([
    ['an invalid endpoint URL', invalidUrl('http://123456789012.127.0.0.1:4566/'), 'ERR_AWS_CLIENT_CONFIG'],
    [
      'a TypeError of a client setting',
      new TypeError('Cannot read properties of undefined'),
      'ERR_AWS_CLIENT_CONFIG',
    ],
    ['a missing region', new Error('Region is missing'), 'ERR_AWS_CLIENT_CONFIG'],
    [
      'an endpoint rule failure',
      Object.assign(new Error('Invalid region in ARN'), { name: 'EndpointError' }),
      'ERR_AWS_CLIENT_CONFIG',
    ],
    [
      'fetch failed (a network failure wrapped in a TypeError)',
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      }),
      'ERR_AWS_UNAVAILABLE',
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      'ERR_AWS_UNAVAILABLE',
    ],
    [
      'an AWS answer stays an AWS answer',
      Object.assign(new Error('brand new'), {
        name: 'SomethingNewException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
      'ERR_AWS_UNKNOWN',
    ],
  ] as const)('%s → %s', (_name, error, code) => {
    expect(mapAwsError(error, s3Control).code).toBe(code);
  });

  it('says what to fix for the S3 Control host prefix, and names the endpoint', () => {
    const mapped = mapAwsError(invalidUrl('http://123456789012.127.0.0.1:4566/'), s3Control);
    expect(errorCategory(mapped.code)).toBe('configuration');
    expect(mapped.message).toMatch(/nothing reached AWS/);
    expect(mapped.message).toMatch(/account id in front of the endpoint host/);
    expect(mapped.message).not.toMatch(/AWS s3-control refused/);
    expect(mapped.details).toMatchObject({
      endpoint: 'http://123456789012.127.0.0.1:4566/',
      awsErrorCode: 'TypeError',
    });
  });

  it('keeps secrets the call sent out of the message and details', () => {
    const secret = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const mapped = mapAwsError(new TypeError(`bad header value ${secret}`), {
      ...s3Control,
      secrets: [secret],
    });
    expect(mapped.code).toBe('ERR_AWS_CLIENT_CONFIG');
    expect(JSON.stringify(mapped)).not.toContain(secret);
    expect(mapped.message).not.toContain(secret);
  });
});
