/**
 * Session policies of `AssumeRole` and `AssumeRoleWithWebIdentity`: an inline `Policy` (JSON, at most
 * 2048 characters) and `PolicyArns` naming customer managed policies of the configuration. The session
 * may do only what both the role's policies and the session policies allow; an explicit Deny in either
 * wins. The document is untrusted input: it is parsed strictly into the statements the emulator
 * evaluates, and anything it cannot evaluate (NotAction, NotResource, unknown condition operators) is
 * refused rather than ignored, so a session policy never widens what it meant to narrow.
 */
import { isTipError } from '../../errors.js';
import type { EmulatorConfig, PolicyStatementConfig } from '../config/types.js';
import { validateStatement } from '../config/validate-iam.js';
import { AwsServiceError } from '../core/types.js';
import { validationError } from './input.js';

/** Longest inline session policy, characters (the STS model's limit). */
export const MAX_SESSION_POLICY_CHARS = 2048;
/** Most managed session policies per call. */
export const MAX_POLICY_ARNS = 10;
/** Most statements in one inline session policy. */
const MAX_STATEMENTS = 100;

function malformed(detail: string): AwsServiceError {
  return new AwsServiceError('MalformedPolicyDocument', `Syntax errors in policy. ${detail}`.trim(), 400);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses an inline session policy into statements.
 *
 * @throws AwsServiceError `MalformedPolicyDocument` (400) naming what is wrong.
 */
export function parsePolicyDocument(text: string): PolicyStatementConfig[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed('The policy is not valid JSON.');
  }
  if (!isPlainObject(doc)) throw malformed('The policy must be a JSON object.');
  for (const key of Object.keys(doc)) {
    if (key !== 'Version' && key !== 'Id' && key !== 'Statement')
      throw malformed(`Unknown element ${JSON.stringify(key.slice(0, 64))}.`);
  }
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') {
    throw malformed('The policy Version must be 2012-10-17 or 2008-10-17.');
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') throw malformed('The policy Id must be a string.');
  const list = Array.isArray(doc.Statement)
    ? doc.Statement
    : doc.Statement === undefined
      ? []
      : [doc.Statement];
  if (list.length === 0) throw malformed('The policy has no Statement.');
  if (list.length > MAX_STATEMENTS) throw malformed(`The policy has more than ${MAX_STATEMENTS} statements.`);
  return list.map((statement, i) => {
    try {
      return validateStatement(`Statement[${i}]`, statement, false);
    } catch (error) {
      if (!isTipError(error)) throw malformed(`Statement[${i}] cannot be read.`);
      // The config validator names the value; keep its words, not its "Emulator config" framing.
      throw malformed(error.message.replace(/^Emulator config: /, ''));
    }
  });
}

/** The statements of the managed policies `PolicyArns` names. */
function managedStatements(config: EmulatorConfig, raw: unknown): PolicyStatementConfig[] {
  if (!Array.isArray(raw)) throw validationError('PolicyArns must be a list.');
  if (raw.length > MAX_POLICY_ARNS) {
    throw validationError(
      `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`,
    );
  }
  return raw.flatMap((item) => {
    const arn = isPlainObject(item) ? item.arn : undefined;
    if (typeof arn !== 'string' || arn.length < 20 || arn.length > 2048) {
      throw validationError(
        "1 validation error detected: Value at 'policyArns.member.arn' failed to satisfy constraint: Member must have length between 20 and 2048",
      );
    }
    const policy = (config.managedPolicies ?? []).find((p) => p.arn === arn);
    if (!policy) {
      throw validationError(
        `The managed policy ${arn.slice(0, 256)} is not one of the emulator's managedPolicies; configure it there to use it as a session policy.`,
      );
    }
    return policy.statements;
  });
}

/** The session policy of a request: its statements and its size in characters. */
export interface SessionPolicy {
  readonly statements: readonly PolicyStatementConfig[];
  /** Characters of the inline policy plus the managed policy ARNs, for `PackedPolicySize`. */
  readonly size: number;
}

/**
 * Reads `Policy` and `PolicyArns`; undefined when neither is given.
 *
 * @throws AwsServiceError `ValidationError` or `MalformedPolicyDocument` (400).
 */
export function readSessionPolicy(
  config: EmulatorConfig,
  input: Record<string, unknown>,
): SessionPolicy | undefined {
  const inline = input.Policy;
  const arns = input.PolicyArns;
  if (inline === undefined && arns === undefined) return undefined;
  const statements: PolicyStatementConfig[] = [];
  let size = 0;
  if (inline !== undefined) {
    if (typeof inline !== 'string' || inline.length < 1)
      throw validationError('Policy must be a non-empty string.');
    if (inline.length > MAX_SESSION_POLICY_CHARS) {
      throw validationError(
        `1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_POLICY_CHARS}`,
      );
    }
    statements.push(...parsePolicyDocument(inline));
    size += inline.length;
  }
  if (arns !== undefined) {
    statements.push(...managedStatements(config, arns));
    size += JSON.stringify(arns).length;
  }
  return { statements, size };
}

/** `PackedPolicySize`: the percentage of the packed limit the session policies and tags use. */
export function packedPolicySize(policy: SessionPolicy | undefined, tags: number): number {
  const policies = policy ? Math.ceil((policy.size / MAX_SESSION_POLICY_CHARS) * 100) : 2;
  return Math.min(100, policies + tags * 2);
}
