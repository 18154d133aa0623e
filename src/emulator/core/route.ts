/**
 * Routing of raw requests: which service (by the SigV4 credential scope, S3 split into S3 Control and
 * objects), which operation (`x-amz-target`, `Action`, or the module's REST resolver), and the parsed input.
 */
import { FormDecodeError, decodeQueryForm } from './form.js';
import { SERVICE_PROFILES, signingName } from './profiles.js';
import { parseAwsHost } from './aws-hosts.js';
import { scopeService } from './sigv4.js';
import type { RawRequest, ServiceModule, ServiceName } from './types.js';
import { XmlReadError, readXml } from './xml-read.js';

/** Signing names of the served services (S3 Control signs as `s3` and is found by host or path). */
const BY_SIGNING_NAME: ReadonlySet<string> = new Set(
  Object.values(SERVICE_PROFILES).map((profile) => signingName(profile.service)),
);

/** True when a request for signing name `s3` is an S3 Control request. */
export function isS3Control(host: string, path: string): boolean {
  return /^\d{12}\./.test(host) || path.startsWith('/v20180820/');
}

/** Result of {@link routeService}: a served service (with the bucket of a virtual-hosted S3 host) or the unknown signing name. */
export type ServiceRoute = { service: ServiceName; bucket?: string } | { unknown: string };

/** awsQuery `Version` of each awsQuery service: it tells STS and Redshift apart. */
const QUERY_VERSIONS: Readonly<Record<string, ServiceName>> = {
  '2011-06-15': 'sts',
  '2012-12-01': 'redshift',
  '2010-05-08': 'iam',
};

/** `<bucket>.localhost`: virtual-hosted S3 addressing on a loopback endpoint. */
const LOCALHOST_BUCKET = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.localhost$/;

/** The service a host name names, if it names one (AWS endpoints, `<bucket>.localhost`). */
function serviceOfHost(hostHeader: string): { service: ServiceName; bucket?: string } | undefined {
  const hostname = hostHeader.replace(/:\d{1,5}$/, '').toLowerCase();
  const local = LOCALHOST_BUCKET.exec(hostname);
  if (local) {
    const bucket = local[1]!;
    // `<12 digits>.localhost` is S3 Control's account-prefixed host.
    if (/^\d{12}$/.test(bucket)) return { service: 's3-control' };
    return bucket.includes('..') ? undefined : { service: 's3', bucket };
  }
  const aws = parseAwsHost(hostname);
  if (aws === undefined) return undefined;
  if (aws.service === 's3')
    return aws.bucket === undefined ? { service: 's3' } : { service: 's3', bucket: aws.bucket };
  return { service: aws.service === 'sso-oidc' ? 'sso-oauth' : aws.service };
}

/**
 * Picks the service, before the body is read, from what names it most surely: the host (an AWS endpoint
 * name, `<bucket>.localhost`), then the request's shape (`x-amz-target` prefix, S3 Control's path, SSO
 * OIDC's `/token`, an awsQuery `Action`), then the SigV4 credential scope. A signature scoped to another
 * service is then refused in this service's own protocol (see the front). An awsQuery body's `Version`
 * may still move STS to Redshift ({@link routeQueryForm}).
 */
export function routeService(
  headers: Readonly<Record<string, string>>,
  path: string,
  query: Readonly<Record<string, string>> = {},
): ServiceRoute {
  const host = headers.host ?? '';
  const named = serviceOfHost(host);
  if (named) {
    if (named.service === 's3' && path.startsWith('/v20180820/')) return { service: 's3-control' };
    return named;
  }
  const target = headers['x-amz-target'];
  if (target !== undefined) {
    const prefix = target.split('.')[0];
    for (const profile of Object.values(SERVICE_PROFILES)) {
      if (profile.targetPrefix !== undefined && profile.targetPrefix === prefix)
        return { service: profile.service };
    }
    return { unknown: prefix ?? target };
  }
  if (isS3Control(host, path)) return { service: 's3-control' };
  if (path === '/token' && query.aws_iam === 't') return { service: 'sso-oauth' };
  if (path === '/' && query.Action !== undefined) {
    return { service: QUERY_VERSIONS[query.Version ?? ''] ?? 'sts' };
  }
  const form = (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  const auth = headers.authorization;
  const scoped = auth === undefined ? undefined : scopeService(auth);
  // A form POST to `/` is an awsQuery call whatever it is signed for; its body's Version decides which.
  if (form && path === '/') return { service: scoped === 'redshift' || scoped === 'iam' ? scoped : 'sts' };
  if (scoped !== undefined) {
    if (!BY_SIGNING_NAME.has(scoped)) return { unknown: scoped };
    if (scoped === 's3') return { service: 's3' };
    return { service: scoped as ServiceName };
  }
  // Unsigned SSO OIDC calls: CreateToken and RegisterClient (public clients).
  if (path === '/token' || path === '/client/register') return { service: 'sso-oauth' };
  return { service: 's3' };
}

/** The awsQuery service a decoded form belongs to: its `Version` tells STS and Redshift apart. */
export function routeQueryForm(service: ServiceName, form: QueryForm | undefined): ServiceName {
  if (form?.version === undefined) return service;
  return QUERY_VERSIONS[form.version] ?? service;
}

/** A request body or query the front could not decode; answered as the service's malformed-input error. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The awsQuery `Action` and the decoded form (without `Action`/`Version`). */
export interface QueryForm {
  readonly action: string | undefined;
  readonly version: string | undefined;
  readonly input: Record<string, unknown>;
}

/** Decodes an awsQuery body. @throws InputError */
export function readQueryForm(body: Buffer): QueryForm {
  let decoded: Record<string, unknown>;
  try {
    decoded = decodeQueryForm(body.toString('utf8'));
  } catch (err) {
    throw new InputError(err instanceof FormDecodeError ? err.message : 'The form body cannot be decoded.');
  }
  const { Action, Version, ...input } = decoded;
  return {
    action: typeof Action === 'string' ? Action : undefined,
    version: typeof Version === 'string' ? Version : undefined,
    input,
  };
}

/** The operation of a request, by protocol. `form` is the already decoded awsQuery body. */
export function resolveOperation(
  service: ServiceName,
  raw: RawRequest,
  module: ServiceModule | undefined,
  form: QueryForm | undefined,
): string | undefined {
  const profile = SERVICE_PROFILES[service];
  switch (profile.protocol) {
    case 'awsQuery':
      return form?.action;
    case 'awsJson1_1': {
      const target = raw.headers['x-amz-target'];
      if (target === undefined) return undefined;
      const dot = target.indexOf('.');
      if (dot < 0 || target.slice(0, dot) !== profile.targetPrefix) return undefined;
      return target.slice(dot + 1);
    }
    default:
      try {
        return module?.resolveOperation?.(raw);
      } catch {
        return undefined;
      }
  }
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InputError(
      'Start of structure or map found where not expected, or the JSON body is malformed.',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError('The JSON body must be an object.');
  }
  return value as Record<string, unknown>;
}

/** restXml operations whose body is an opaque payload, never XML to read. */
const PAYLOAD_OPERATIONS = new Set(['PutObject', 'UploadPart', 'WriteGetObjectResponse']);

/** True for S3 operations whose body is an object payload (they may use the S3 object size limit). */
export function isPayloadOperation(operation: string): boolean {
  return PAYLOAD_OPERATIONS.has(operation);
}

/** Parses the handler input of a request. @throws InputError */
export function parseInput(
  service: ServiceName,
  raw: RawRequest,
  form: QueryForm | undefined,
  operation: string,
): Record<string, unknown> {
  switch (SERVICE_PROFILES[service].protocol) {
    case 'awsQuery':
      return form?.input ?? {};
    case 'awsJson1_1':
      return parseJsonObject(raw.body);
    case 'restJson1':
      return (raw.headers['content-type'] ?? 'application/json').includes('json') || raw.body.length > 0
        ? parseJsonObject(raw.body)
        : {};
    case 'restXml': {
      const type = raw.headers['content-type'] ?? '';
      if (PAYLOAD_OPERATIONS.has(operation) || raw.body.length === 0) return {};
      if (!(type.includes('xml') || raw.body.subarray(0, 1).toString() === '<')) return {};
      try {
        return readXml(raw.body.toString('utf8'));
      } catch (err) {
        throw new InputError(
          err instanceof XmlReadError
            ? 'The XML you provided was not well-formed or did not validate against our published schema.'
            : 'The XML body cannot be read.',
        );
      }
    }
  }
}

/** Decodes a query string into a last-wins record and the list form the signer canonicalizes. */
export function parseQuery(search: string): {
  record: Record<string, string>;
  multi: Record<string, string | string[]>;
} {
  const record: Record<string, string> = Object.create(null);
  const multi: Record<string, string | string[]> = Object.create(null);
  if (search.length === 0) return { record: { ...record }, multi: { ...multi } };
  for (const part of search.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      throw new InputError('The query string holds an invalid percent-encoding.');
    }
    record[name] = value;
    const prev = multi[name];
    multi[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return { record: { ...record }, multi: { ...multi } };
}
