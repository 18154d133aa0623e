/** ARN and id formats the emulator config accepts (PROTOCOL.md). */

/** 12-digit account id. */
export const ACCOUNT_ID = /^\d{12}$/;
/** Region like `us-east-1`. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** `arn:aws:sso:::instance/ssoins-<16>`. */
export const INSTANCE_ARN = /^arn:aws:sso:::instance\/ssoins-[0-9a-z]{16}$/;
/** `arn:aws:sso::<acct>:application/ssoins-<16>/apl-<16>`. */
export const APPLICATION_ARN = /^arn:aws:sso::\d{12}:application\/ssoins-[0-9a-z]{16}\/apl-[0-9a-z]{16}$/;
/** `arn:aws:sso::<acct>:trustedTokenIssuer/ssoins-<16>/tti-<id>`. */
export const TTI_ARN = /^arn:aws:sso::\d{12}:trustedTokenIssuer\/ssoins-[0-9a-z]{16}\/tti-[0-9a-f-]{8,64}$/;
/** `d-<10 hex>`. */
export const IDENTITY_STORE_ID = /^d-[0-9a-f]{10}$/;
/** A customer managed policy: `arn:aws:iam::<acct>:policy/<path/>name`. */
export const POLICY_ARN = /^arn:aws:iam::\d{12}:policy\/([\w+=,.@-]{1,512}\/)*[\w+=,.@-]{1,128}$/;
/** `arn:aws:iam::<acct>:role/<path/>name`. */
export const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/([\w+=,.@-]{1,512}\/)*[\w+=,.@-]{1,64}$/;
/** A principal a long-term key may act as: IAM user, role, or account root. */
export const PRINCIPAL_ARN =
  /^arn:aws:iam::\d{12}:(root|(user|role)\/([\w+=,.@-]{1,512}\/)*[\w+=,.@-]{1,64})$/;
/** An access key id: 16..128 upper-case letters and digits. */
export const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
/** Ids (user, group, location): letters, digits, `-`, `_`. */
export const PLAIN_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Names of users, groups, issuers, workgroups: printable, no spaces at the ends. */
export const NAME = /^[\w.@+=,-][\w .@+=,:/-]{0,127}$/;
/** `database.table`. */
export const TABLE_NAME = /^[a-z_][a-z0-9_]{0,127}\.[a-z_][a-z0-9_]{0,127}$/;
/** An S3 bucket name. */
export const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** `s3://`, `s3://bucket/`, `s3://bucket/prefix/…` (Access Grants location scopes). */
export const S3_SCOPE = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?)?$/;
/** An Access Grants target: `s3://bucket/prefix*`, `s3://bucket/*`, or an object key. */
export const S3_TARGET = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
