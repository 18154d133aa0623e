/**
 * What the HTTP front knows of each service without its module: wire protocol, IAM action prefix, XML
 * namespace, and the exact error each front-level failure produces there (authentication, authorization,
 * throttling, unknown operation, malformed input). Codes are the ones the real endpoints send.
 */
import { AwsServiceError, type ServiceName, type WireProtocol } from './types.js';

/** A front-level failure kind. */
export type FrontFailure =
  | 'missingAuth'
  | 'incompleteSignature'
  | 'wrongRegion'
  | 'wrongService'
  | 'scopeDate'
  | 'missingContentSha'
  | 'unknownKey'
  | 'badSignature'
  | 'skew'
  | 'expiredToken'
  | 'invalidToken'
  | 'bodyHash'
  | 'accessDenied'
  | 'throttling'
  | 'unknownOperation'
  | 'malformedBody'
  | 'tooLarge'
  | 'internal'
  | 'unavailable';

/** Code and HTTP status of one failure kind. */
export interface FailureShape {
  readonly code: string;
  readonly status: number;
}

/** Static facts about one service. */
export interface ServiceProfile {
  readonly service: ServiceName;
  readonly protocol: WireProtocol;
  /** IAM action prefix, e.g. `sts`, `athena`, `s3` (S3 Control actions are `s3:` too). */
  readonly iamPrefix: string;
  /** `x-amz-target` prefix for awsJson services, e.g. `AmazonAthena`. */
  readonly targetPrefix?: string;
  /** Default XML namespace for awsQuery / restXml answers. */
  readonly xmlNamespace?: string;
  readonly failures: Readonly<Record<FrontFailure, FailureShape>>;
}

const f = (code: string, status: number): FailureShape => ({ code, status });

/** The common errors of JSON services behind the AWS request gateway (awsJson1_1 and restJson1). */
const JSON_FAILURES: Record<FrontFailure, FailureShape> = {
  missingAuth: f('MissingAuthenticationTokenException', 403),
  incompleteSignature: f('IncompleteSignatureException', 400),
  wrongRegion: f('InvalidSignatureException', 400),
  wrongService: f('InvalidSignatureException', 400),
  scopeDate: f('InvalidSignatureException', 400),
  missingContentSha: f('IncompleteSignatureException', 400),
  unknownKey: f('UnrecognizedClientException', 400),
  badSignature: f('InvalidSignatureException', 400),
  skew: f('InvalidSignatureException', 400),
  expiredToken: f('ExpiredTokenException', 400),
  invalidToken: f('UnrecognizedClientException', 400),
  bodyHash: f('InvalidSignatureException', 400),
  accessDenied: f('AccessDeniedException', 400),
  throttling: f('ThrottlingException', 400),
  unknownOperation: f('UnknownOperationException', 400),
  malformedBody: f('SerializationException', 400),
  tooLarge: f('RequestEntityTooLargeException', 413),
  internal: f('InternalServerException', 500),
  unavailable: f('ServiceUnavailableException', 503),
};

/** awsQuery services (STS, Redshift). */
const QUERY_FAILURES: Record<FrontFailure, FailureShape> = {
  missingAuth: f('MissingAuthenticationToken', 403),
  incompleteSignature: f('IncompleteSignature', 400),
  wrongRegion: f('SignatureDoesNotMatch', 403),
  wrongService: f('SignatureDoesNotMatch', 403),
  scopeDate: f('SignatureDoesNotMatch', 403),
  missingContentSha: f('IncompleteSignature', 400),
  unknownKey: f('InvalidClientTokenId', 403),
  badSignature: f('SignatureDoesNotMatch', 403),
  skew: f('SignatureDoesNotMatch', 403),
  expiredToken: f('ExpiredToken', 403),
  invalidToken: f('InvalidClientTokenId', 403),
  bodyHash: f('SignatureDoesNotMatch', 403),
  accessDenied: f('AccessDenied', 403),
  throttling: f('Throttling', 400),
  unknownOperation: f('InvalidAction', 400),
  malformedBody: f('MalformedInput', 400),
  tooLarge: f('RequestEntityTooLarge', 413),
  internal: f('InternalFailure', 500),
  unavailable: f('ServiceUnavailable', 503),
};

/** S3 and S3 Control (restXml). */
const S3_FAILURES: Record<FrontFailure, FailureShape> = {
  missingAuth: f('AccessDenied', 403),
  incompleteSignature: f('AuthorizationHeaderMalformed', 400),
  wrongRegion: f('AuthorizationHeaderMalformed', 400),
  wrongService: f('AuthorizationHeaderMalformed', 400),
  scopeDate: f('AuthorizationHeaderMalformed', 400),
  missingContentSha: f('InvalidRequest', 400),
  unknownKey: f('InvalidAccessKeyId', 403),
  badSignature: f('SignatureDoesNotMatch', 403),
  skew: f('RequestTimeTooSkewed', 403),
  expiredToken: f('ExpiredToken', 400),
  invalidToken: f('InvalidToken', 400),
  bodyHash: f('XAmzContentSHA256Mismatch', 400),
  accessDenied: f('AccessDenied', 403),
  throttling: f('SlowDown', 503),
  unknownOperation: f('NotImplemented', 501),
  malformedBody: f('MalformedXML', 400),
  tooLarge: f('EntityTooLarge', 400),
  internal: f('InternalError', 500),
  unavailable: f('ServiceUnavailable', 503),
};

/** Every service the emulator answers, by SigV4 signing name (S3 Control separated from S3). */
export const SERVICE_PROFILES: Readonly<Record<ServiceName, ServiceProfile>> = {
  sts: {
    service: 'sts',
    protocol: 'awsQuery',
    iamPrefix: 'sts',
    xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    failures: QUERY_FAILURES,
  },
  redshift: {
    service: 'redshift',
    protocol: 'awsQuery',
    iamPrefix: 'redshift',
    xmlNamespace: 'http://redshift.amazonaws.com/doc/2012-12-01/',
    failures: QUERY_FAILURES,
  },
  'sso-oauth': {
    service: 'sso-oauth',
    protocol: 'restJson1',
    iamPrefix: 'sso-oauth',
    failures: {
      ...JSON_FAILURES,
      // The SSO OIDC model declares neither MissingAuthenticationToken nor UnknownOperation: answer with
      // codes it declares, so SDKs give their modelled exceptions.
      missingAuth: f('AccessDeniedException', 400),
      unknownOperation: f('InvalidRequestException', 400),
      malformedBody: f('InvalidRequestException', 400),
    },
  },
  athena: {
    service: 'athena',
    protocol: 'awsJson1_1',
    iamPrefix: 'athena',
    targetPrefix: 'AmazonAthena',
    failures: JSON_FAILURES,
  },
  'redshift-data': {
    service: 'redshift-data',
    protocol: 'awsJson1_1',
    iamPrefix: 'redshift-data',
    targetPrefix: 'RedshiftData',
    failures: JSON_FAILURES,
  },
  'redshift-serverless': {
    service: 'redshift-serverless',
    protocol: 'awsJson1_1',
    iamPrefix: 'redshift-serverless',
    targetPrefix: 'RedshiftServerless',
    // The Redshift Serverless model declares AccessDeniedException 403 and ThrottlingException 429.
    failures: {
      ...JSON_FAILURES,
      accessDenied: f('AccessDeniedException', 403),
      throttling: f('ThrottlingException', 429),
    },
  },
  s3: {
    service: 's3',
    protocol: 'restXml',
    iamPrefix: 's3',
    xmlNamespace: 'http://s3.amazonaws.com/doc/2006-03-01/',
    failures: S3_FAILURES,
  },
  iam: {
    service: 'iam',
    protocol: 'awsQuery',
    iamPrefix: 'iam',
    xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
    failures: QUERY_FAILURES,
  },
  's3-control': {
    service: 's3-control',
    protocol: 'restXml',
    iamPrefix: 's3',
    xmlNamespace: 'http://awss3control.amazonaws.com/doc/2018-08-20/',
    failures: S3_FAILURES,
  },
};

/** The signing name a service's requests carry (S3 Control signs as `s3`). */
export function signingName(service: ServiceName): string {
  return service === 's3-control' ? 's3' : service;
}

/** The error `service` answers for a front-level failure of `kind`; `extra` adds body members (S3's `Region`). */
export function frontError(
  service: ServiceName,
  kind: FrontFailure,
  message: string,
  extra: Record<string, string> = {},
): AwsServiceError {
  const shape = SERVICE_PROFILES[service].failures[kind];
  return new AwsServiceError(shape.code, message, shape.status, extra);
}
