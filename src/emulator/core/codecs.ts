/**
 * Protocol codecs: turn a handler's output or an {@link AwsServiceError} into the HTTP answer the AWS SDK
 * v3 deserializer of that protocol expects (awsJson1_1, restJson1, awsQuery, restXml).
 */
import { messageMember } from './error-members.js';
import type { ServiceProfile } from './profiles.js';
import type { AwsServiceError, RawReply, ServiceName } from './types.js';
import { xmlDocument, xmlElement, xmlEscape } from './xml.js';

/** An HTTP answer ready to write. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer | string;
}

/** Headers every answer carries: the request id under the names the SDK reads. */
export function requestIdHeaders(service: ServiceName, requestId: string): Record<string, string> {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  if (service === 's3' || service === 's3-control') {
    headers['x-amz-request-id'] = requestId;
    headers['x-amz-id-2'] = Buffer.from(requestId).toString('base64');
  }
  return headers;
}

/** JSON with `Date` values as epoch seconds (the default timestamp format of both JSON protocols). */
export function jsonStringify(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
    const original = this[key];
    if (original instanceof Date) return original.getTime() / 1000;
    if (typeof item === 'bigint') return Number(item);
    return item;
  });
}

/** `InvalidGrantException` -> `invalid_grant`: the OAuth `error` member of SSO OIDC errors. */
function oauthErrorName(code: string): string {
  return code
    .replace(/Exception$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** True for a handler's {@link RawReply} (as opposed to an output structure). */
export function isRawReply(output: object): output is RawReply {
  return (output as { raw?: unknown }).raw === true;
}

/** Encodes a successful output. */
export function encodeSuccess(
  profile: ServiceProfile,
  xmlNamespace: string | undefined,
  operation: string,
  output: object | RawReply,
  requestId: string,
): HttpReply {
  const base = requestIdHeaders(profile.service, requestId);
  if (isRawReply(output)) {
    return { status: output.status, headers: { ...base, ...output.headers }, body: output.body };
  }
  const namespace = xmlNamespace ?? profile.xmlNamespace;
  switch (profile.protocol) {
    case 'awsJson1_1':
      return {
        status: 200,
        headers: { ...base, 'content-type': 'application/x-amz-json-1.1' },
        body: jsonStringify(output),
      };
    case 'restJson1':
      return {
        status: 200,
        headers: { ...base, 'content-type': 'application/json' },
        body: jsonStringify(output),
      };
    case 'awsQuery': {
      const body = xmlDocument(
        `${operation}Response`,
        { [`${operation}Result`]: output, ResponseMetadata: { RequestId: requestId } },
        namespace,
      );
      return { status: 200, headers: { ...base, 'content-type': 'text/xml' }, body };
    }
    case 'restXml':
      return {
        status: 200,
        headers: { ...base, 'content-type': 'application/xml' },
        body: xmlDocument(`${operation}Result`, output, namespace),
      };
  }
}

/** Encodes an error in the shape of the service's protocol. */
export function encodeError(
  profile: ServiceProfile,
  xmlNamespace: string | undefined,
  error: AwsServiceError,
  requestId: string,
): HttpReply {
  const base = requestIdHeaders(profile.service, requestId);
  const namespace = xmlNamespace ?? profile.xmlNamespace;
  switch (profile.protocol) {
    case 'awsJson1_1':
      return {
        status: error.status,
        headers: { ...base, 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': error.code },
        body: jsonStringify({
          __type: error.code,
          [messageMember(profile.service, error.code)]: error.message,
          ...error.extra,
        }),
      };
    case 'restJson1': {
      const body: Record<string, string> = { message: error.message };
      if (profile.service === 'sso-oauth') {
        body.error = oauthErrorName(error.code);
        body.error_description = error.message;
      }
      return {
        status: error.status,
        headers: { ...base, 'content-type': 'application/json', 'x-amzn-errortype': error.code },
        body: jsonStringify({ ...body, ...error.extra }),
      };
    }
    case 'awsQuery': {
      const body = xmlDocument(
        'ErrorResponse',
        {
          Error: { Type: error.fault, Code: error.code, Message: error.message, ...error.extra },
          RequestId: requestId,
        },
        namespace,
      );
      return { status: error.status, headers: { ...base, 'content-type': 'text/xml' }, body };
    }
    case 'restXml': {
      const fields = { Code: error.code, Message: error.message, ...error.extra };
      const body =
        profile.service === 's3-control'
          ? xmlDocument('ErrorResponse', { Error: fields, RequestId: requestId })
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${Object.entries(fields)
              .map(([name, value]) => xmlElement(name, value))
              .join('')}<RequestId>${xmlEscape(requestId)}</RequestId></Error>`;
      return { status: error.status, headers: { ...base, 'content-type': 'application/xml' }, body };
    }
  }
}

/** The answer to a request signed for a service the emulator does not serve. */
export function unknownServiceReply(signingName: string, requestId: string): HttpReply {
  return {
    status: 400,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': 'UnknownServiceException',
    },
    body: jsonStringify({
      __type: 'UnknownServiceException',
      message: `The emulator does not serve the service signed as '${signingName.slice(0, 64)}'. It serves sts, sso-oauth, athena, redshift-data, redshift, redshift-serverless, s3 and s3-control.`,
    }),
  };
}
