/**
 * The emulated identitystore (awsJson1_1, target prefix `AWSIdentityStore`, signing name
 * `identitystore`), read-only: `GetUserId` by a unique attribute (`userName` or `emails.value`, the
 * attributes a trusted token issuer maps to) and `IsMemberInGroups`, answered from the configured users
 * and groups. Only the account's administrators may call them ({@link requireAdmin}).
 */
import {
  AwsServiceError,
  type EmulatorRuntime,
  type JsonMemberType,
  type OperationContext,
  type ServiceFactory,
  type ServiceModule,
} from '../core/types.js';
import { findUserByAttribute, findUserById } from '../identity-center/directory.js';
import { invalid, requireAdmin, stringMember } from './admin-access.js';
import { PRINCIPAL_ID } from './service.js';

type Ctx = OperationContext<EmulatorRuntime>;

const IDENTITY_STORE_ID =
  /^d-[0-9a-f]{10}$|^[0-9a-f]{8}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{12}$/;
/** The unique attributes the emulator's identity store resolves. */
const UNIQUE_PATHS = new Set(['userName', 'emails.value']);

function notFound(type: 'USER' | 'IDENTITY_STORE', id: string): AwsServiceError {
  return new AwsServiceError('ResourceNotFoundException', `${type} ${id} not found.`, 400, {
    ResourceType: type,
    ResourceId: id,
  });
}

function storeOf(ctx: Ctx, action: string): string {
  const id = stringMember(ctx.input, 'IdentityStoreId', IDENTITY_STORE_ID, 36);
  const ic = ctx.state.config.identityCenter;
  requireAdmin(ctx, action, `arn:aws:identitystore::${ctx.state.config.accountId}:identitystore/${id}`);
  if (id !== ic.identityStoreId) throw notFound('IDENTITY_STORE', id);
  return id;
}

function record(value: unknown, member: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(member, 'must be a structure');
  return value as Record<string, unknown>;
}

function getUserId(ctx: Ctx) {
  const alternate = record(ctx.input.AlternateIdentifier, 'AlternateIdentifier');
  const keys = Object.keys(alternate);
  if (keys.length !== 1 || (keys[0] !== 'UniqueAttribute' && keys[0] !== 'ExternalId'))
    throw invalid('AlternateIdentifier', 'must set exactly one of UniqueAttribute, ExternalId');
  const id = storeOf(ctx, 'identitystore:GetUserId');
  // The emulator's users have no external ids: such a lookup finds no user.
  if (keys[0] === 'ExternalId') {
    record(alternate.ExternalId, 'AlternateIdentifier.ExternalId');
    throw notFound('USER', 'ExternalId');
  }
  const unique = record(alternate.UniqueAttribute, 'AlternateIdentifier.UniqueAttribute');
  const path = unique.AttributePath;
  if (typeof path !== 'string' || path.length === 0 || path.length > 255)
    throw invalid('AlternateIdentifier.UniqueAttribute.AttributePath', 'must be 1-255 characters');
  if (!UNIQUE_PATHS.has(path))
    throw invalid(
      'AlternateIdentifier.UniqueAttribute.AttributePath',
      'must be a unique attribute: userName or emails.value',
    );
  const value = unique.AttributeValue;
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024)
    throw invalid(
      'AlternateIdentifier.UniqueAttribute.AttributeValue',
      'must be a string of 1-1024 characters',
    );
  const match = findUserByAttribute(ctx.state.config, path as 'userName' | 'emails.value', value);
  if (match.kind !== 'one') throw notFound('USER', `with ${path} ${JSON.stringify(value)}`);
  return { IdentityStoreId: id, UserId: match.user.userId };
}

function isMemberInGroups(ctx: Ctx) {
  const member = record(ctx.input.MemberId, 'MemberId');
  const userId = member.UserId;
  if (Object.keys(member).length !== 1 || typeof userId !== 'string' || !PRINCIPAL_ID.test(userId))
    throw invalid('MemberId', 'must set UserId, 1-47 characters of letters, digits, - and _');
  const groupIds = ctx.input.GroupIds;
  if (!Array.isArray(groupIds) || groupIds.length < 1 || groupIds.length > 100)
    throw invalid('GroupIds', 'must be a list of 1 to 100 group ids');
  for (const g of groupIds)
    if (typeof g !== 'string' || !PRINCIPAL_ID.test(g))
      throw invalid('GroupIds', 'holds a malformed group id');
  storeOf(ctx, 'identitystore:IsMemberInGroups');
  const config = ctx.state.config;
  const user = findUserById(config, userId);
  const mine = new Set(
    config.identityCenter.groups.filter((g) => user?.groups.includes(g.name)).map((g) => g.groupId),
  );
  return {
    Results: (groupIds as string[]).map((GroupId) => ({
      GroupId,
      MemberId: { UserId: userId },
      MembershipExists: mine.has(GroupId),
    })),
  };
}

/** Top-level input member types of the operations served (from the identitystore service model). */
export const IDENTITY_STORE_INPUT_SHAPES: Readonly<Record<string, Readonly<Record<string, JsonMemberType>>>> =
  {
    GetUserId: { IdentityStoreId: 'string', AlternateIdentifier: 'structure' },
    IsMemberInGroups: { IdentityStoreId: 'string', MemberId: 'structure', GroupIds: 'list' },
  };

/** Creates the identitystore service module. */
export const createIdentityStoreService: ServiceFactory = (): ServiceModule => ({
  service: 'identitystore',
  protocol: 'awsJson1_1',
  inputShapes: IDENTITY_STORE_INPUT_SHAPES,
  // Each handler authorizes itself: only the account's administrators, on the identity store.
  iamRequests: () => [],
  handlers: { GetUserId: getUserId, IsMemberInGroups: isMemberInGroups },
});
