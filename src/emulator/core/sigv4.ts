/**
 * Server-side SigV4 verification: parse `Authorization`, find the key, rebuild the request with only the
 * signed headers, re-sign it with `@smithy/signature-v4` at the request's own `x-amz-date`, and compare in
 * constant time. Also checks what the signer itself trusts: the body hash in `x-amz-content-sha256`, the
 * clock skew (against real wall time), the session token bound to the key, and session expiry.
 */
import { timingSafeEqual } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FrontFailure } from './profiles.js';
import { NodeSha256, sha256Hex } from './sha256.js';
import type { Caller, CredentialRegistry, RawRequest } from './types.js';

/** The parts of an `AWS4-HMAC-SHA256` Authorization header. */
export interface ParsedAuthorization {
  readonly accessKeyId: string;
  /** Scope date `yyyymmdd`. */
  readonly date: string;
  readonly region: string;
  /** Signing name in the credential scope, e.g. `sts`, `s3`. */
  readonly service: string;
  /** Lower-cased signed header names, as listed. */
  readonly signedHeaders: readonly string[];
  /** Hex signature. */
  readonly signature: string;
}

const AUTH =
  /^AWS4-HMAC-SHA256 +Credential=([A-Za-z0-9]{1,128})\/(\d{8})\/([a-z0-9-]{1,32})\/([a-z0-9-]{1,64})\/aws4_request *, *SignedHeaders=([a-z0-9;._-]{1,2048}) *, *Signature=([0-9a-f]{64})$/;

/** Parses an Authorization header; undefined when it is not a well-formed SigV4 header. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  if (header.length > 4096) return undefined;
  const m = AUTH.exec(header.trim());
  if (!m) return undefined;
  const signedHeaders = m[5]!.split(';');
  if (signedHeaders.some((h) => h.length === 0)) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders,
    signature: m[6]!,
  };
}

/** The credential-scope service name of a header, even when the rest of it is malformed. */
export function scopeService(header: string): string | undefined {
  return /Credential=[^/\s,]*\/\d{8}\/[^/\s,]*\/([a-z0-9-]{1,64})\//.exec(header)?.[1];
}

/** `yyyymmddThhmmssZ` -> epoch ms; undefined when malformed. */
export function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Payload hash values S3 accepts instead of a real SHA-256. */
const S3_UNSIGNED = new Set(['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']);

/** Inputs of {@link verifySigV4}. */
export interface VerifyInput {
  readonly raw: RawRequest;
  /** Decoded query with repeated keys as arrays (what the signer canonicalizes). */
  readonly query: Readonly<Record<string, string | string[]>>;
  /** The body as it came over the wire (before aws-chunked decoding). */
  readonly wireBody: Buffer;
  readonly auth: ParsedAuthorization;
  readonly registry: CredentialRegistry;
  /** Emulator region: the credential scope must name it. */
  readonly region: string;
  /** Real wall-clock time, epoch ms, for the skew check. */
  readonly wallNow: number;
  /** Emulator clock, epoch ms, for session expiry. */
  readonly now: number;
  readonly maxSkewSeconds: number;
}

/** Outcome of {@link verifySigV4}. */
export type VerifyResult =
  | { readonly ok: true; readonly caller: Caller }
  | {
      readonly ok: false;
      readonly failure: FrontFailure;
      readonly message: string;
      /** Extra members of the error body (S3's `Region` for a wrong signing region). */
      readonly extra?: Record<string, string>;
    };

function fail(failure: FrontFailure, message: string, extra?: Record<string, string>): VerifyResult {
  return extra === undefined ? { ok: false, failure, message } : { ok: false, failure, message, extra };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';

/** Verifies a signed request. Never throws. */
export async function verifySigV4(input: VerifyInput): Promise<VerifyResult> {
  const { raw, auth } = input;
  const isS3 = auth.service === 's3';
  const amzDate = raw.headers['x-amz-date'];
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    return fail('incompleteSignature', 'Authorization header requires a valid x-amz-date header.');
  }
  if (amzDate.slice(0, 8) !== auth.date) {
    return fail(
      'scopeDate',
      isS3
        ? 'The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.'
        : `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (auth.region !== input.region) {
    // botocore's S3 region redirect reads the <Region> of this answer and signs again for it.
    return isS3
      ? fail(
          'wrongRegion',
          `The authorization header is malformed; the region '${auth.region}' is wrong; expecting '${input.region}'`,
          { Region: input.region },
        )
      : fail('wrongRegion', `Credential should be scoped to a valid region, not '${auth.region}'. `);
  }
  for (const required of ['host', 'x-amz-date']) {
    if (!auth.signedHeaders.includes(required)) {
      return fail('incompleteSignature', `The ${required} header must be signed.`);
    }
  }
  for (const name of auth.signedHeaders) {
    if (raw.headers[name] === undefined) {
      return fail('incompleteSignature', `The signed header ${name} is missing from the request.`);
    }
  }
  const entry = input.registry.lookup(auth.accessKeyId);
  if (!entry) {
    return fail(
      'unknownKey',
      isS3
        ? 'The AWS Access Key Id you provided does not exist in our records.'
        : 'The security token included in the request is invalid.',
    );
  }
  const token = raw.headers['x-amz-security-token'];
  if (entry.sessionToken === undefined ? token !== undefined : !safeEqual(token ?? '', entry.sessionToken)) {
    return fail(
      'invalidToken',
      isS3
        ? 'The provided token is malformed or otherwise invalid.'
        : 'The security token included in the request is invalid.',
    );
  }
  if (Math.abs(input.wallNow - signedAt) > input.maxSkewSeconds * 1000) {
    return fail(
      'skew',
      isS3
        ? 'The difference between the request time and the current time is too large.'
        : `Signature expired: ${amzDate} is now earlier or later than the allowed clock skew of ${input.maxSkewSeconds} seconds.`,
    );
  }
  const declared = raw.headers['x-amz-content-sha256'];
  if (declared !== undefined && !(isS3 && S3_UNSIGNED.has(declared))) {
    if (!/^[0-9a-f]{64}$/.test(declared) || !safeEqual(declared, sha256Hex(input.wireBody))) {
      return fail('bodyHash', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  } else if (declared === undefined && isS3) {
    return fail('missingContentSha', 'Missing required header for this request: x-amz-content-sha256');
  }
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) headers[name] = raw.headers[name]!;
  const [hostname = '', port] = (raw.headers.host ?? '').split(':');
  const request = new HttpRequest({
    method: raw.method,
    protocol: 'http:',
    hostname,
    ...(port ? { port: Number(port) } : {}),
    path: raw.path,
    query: input.query as Record<string, string | string[]>,
    headers,
    body: input.wireBody,
  });
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: auth.accessKeyId,
      secretAccessKey: entry.secretAccessKey,
      ...(entry.sessionToken === undefined ? {} : { sessionToken: entry.sessionToken }),
    },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    uriEscapePath: !isS3,
    applyChecksum: false,
  });
  let expected: string | undefined;
  try {
    const signed = await signer.sign(request, {
      signingDate: new Date(signedAt),
      signableHeaders: new Set(auth.signedHeaders),
    });
    expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1];
  } catch {
    expected = undefined;
  }
  if (expected === undefined || !safeEqual(expected, auth.signature)) {
    return fail('badSignature', SIGNATURE_MISMATCH);
  }
  if (entry.caller.expiresAt !== undefined && entry.caller.expiresAt <= input.now) {
    return fail('expiredToken', 'The security token included in the request is expired');
  }
  return { ok: true, caller: entry.caller };
}
