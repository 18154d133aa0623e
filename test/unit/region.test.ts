/**
 * The region defaults as for any AWS SDK v3 client: the option, else AWS_REGION, else AWS_DEFAULT_REGION
 * (which botocore and the AWS CLI read), read once at construction; without any, a TypeError with code
 * `ERR_INVALID_OPTION` that says where to set it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveRegion } from '../../src/aws/region.js';
import { createServiceContext } from '../../src/services/context.js';
import { createTrustedIdentity } from '../../src/tip.js';

const options = {
  verifier: { verify: async () => ({}) as never },
  applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd',
  accessRoleArn: 'arn:aws:iam::123456789012:role/r',
};
const credentials = async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('resolveRegion', () => {
  it.each([
    [
      'the option first',
      'eu-west-1',
      { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' },
      'eu-west-1',
    ],
    [
      'then AWS_REGION',
      undefined,
      { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' },
      'us-west-2',
    ],
    ['then AWS_DEFAULT_REGION', undefined, { AWS_DEFAULT_REGION: 'ap-south-1' }, 'ap-south-1'],
    [
      'an empty AWS_REGION counts as unset',
      undefined,
      { AWS_REGION: '', AWS_DEFAULT_REGION: 'ap-south-1' },
      'ap-south-1',
    ],
    ['GovCloud names', undefined, { AWS_REGION: 'us-gov-west-1' }, 'us-gov-west-1'],
  ] as const)('%s', (_name, value, env, expected) => {
    expect(resolveRegion(value, 'region', env)).toBe(expected);
  });

  it.each([
    ['none anywhere', undefined, {}, /is required: pass it .*set AWS_REGION \(or AWS_DEFAULT_REGION\)/],
    [
      'a bad option (the environment does not rescue it)',
      'us east 1',
      { AWS_REGION: 'us-west-2' },
      /must be an AWS region/,
    ],
    [
      'a bad AWS_REGION',
      undefined,
      { AWS_REGION: 'mars', AWS_DEFAULT_REGION: 'us-east-1' },
      /AWS_REGION is not an AWS region.*fix AWS_REGION/,
    ],
  ] as const)('refuses %s with ERR_INVALID_OPTION', (_name, value, env, message) => {
    let thrown: unknown;
    try {
      resolveRegion(value, 'region', env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown).toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'region' });
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('the entry points read the environment', () => {
  it('createTrustedIdentity: none anywhere is refused at construction', () => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');
    expect(() => createTrustedIdentity(options)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', option: 'region' }),
    );
  });

  it('createServiceContext: explicit > AWS_REGION > AWS_DEFAULT_REGION', () => {
    vi.stubEnv('AWS_REGION', 'us-west-2');
    vi.stubEnv('AWS_DEFAULT_REGION', 'ap-south-1');
    expect(createServiceContext({ credentials, region: 'eu-west-1' }).region).toBe('eu-west-1');
    expect(createServiceContext({ credentials }).region).toBe('us-west-2');
    vi.stubEnv('AWS_REGION', '');
    expect(createServiceContext({ credentials }).region).toBe('ap-south-1');
    vi.stubEnv('AWS_DEFAULT_REGION', '');
    expect(() => createServiceContext({ credentials })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', option: 'region' }),
    );
  });
});
