/**
 * The emulator's IAM, read-only and minimal: `GetRole` (awsQuery, signing name `iam`), so that setup
 * checks such as `tip-sdk doctor` can read a role's trust policy as they would from AWS. The trust policy
 * comes back URL-encoded, as IAM sends it. IAM is global: requests are signed for the emulator's region.
 */
import { createHash } from 'node:crypto';
import type { EmulatorRuntime, ServiceFactory, ServiceModule } from '../core/types.js';
import { AwsServiceError } from '../core/types.js';

function roleId(arn: string): string {
  return `AROA${createHash('sha256').update(arn).digest('hex').slice(0, 17).toUpperCase()}`;
}

/** `GetRole` for the configured roles. */
function getRole(runtime: EmulatorRuntime, input: Record<string, unknown>): Record<string, unknown> {
  const name = input.RoleName;
  if (typeof name !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(name)) {
    throw new AwsServiceError('ValidationError', 'RoleName must be 1-64 characters of [\\w+=,.@-]', 400);
  }
  const role = runtime.config.roles.find((r) => r.arn.split('/').pop() === name);
  if (role === undefined) {
    throw new AwsServiceError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
  }
  const path = role.arn.slice(role.arn.indexOf(':role') + 5, role.arn.length - name.length) || '/';
  return {
    Role: {
      Path: path,
      RoleName: name,
      RoleId: roleId(role.arn),
      Arn: role.arn,
      CreateDate: new Date(0).toISOString(),
      AssumeRolePolicyDocument: encodeURIComponent(
        JSON.stringify({ Version: '2012-10-17', Statement: role.trustPolicy }),
      ),
      MaxSessionDuration: role.maxSessionDuration,
    },
  };
}

/** Creates the IAM service module. */
export const createIamService: ServiceFactory = async (runtime): Promise<ServiceModule> => ({
  service: 'iam',
  protocol: 'awsQuery',
  handlers: {
    GetRole: async (ctx) => getRole(runtime, ctx.input),
  },
});
